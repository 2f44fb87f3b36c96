"""The bureau's pages. Each is wrapped in ``admin.site.admin_view`` (``urls.py``): staff logged
in through the admin only, CSRF-protected, never cached. A user sees only the elections where
they hold an active seat (``selectors.election_for_member``); anything else is 404.

Each action has a confirmation page: GET says what will happen, POST does it through
``ballots.lifecycle`` / ``ballots.integrity``. A refusal is shown on the page with its
French message: 403 when the seat does not allow the action, 409 when the election's state
does not, 400 otherwise (a changed seal, a failing check, a missing reason).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts.audit import audit_record
from accounts.audit_admin import client_address
from elections import lifecycle as rules
from elections.lifecycle import Transition
from elections.models import BureauMember, Election

from ..integrity import integrity_check_request
from ..lifecycle import (
    LifecycleRefused,
    _seat_required,
    election_resume,
    election_suspend,
    seal_confirm,
    seal_status,
)
from ..models import Emargement
from . import selectors
from .forms import ReasonForm, SealConfirmForm

EMARGEMENTS_PER_PAGE = 50
SEARCH_MAX = 100
NOT_SEALED_YET = "L'élection n'est pas encore scellée : il n'y a ni sceau ni urne à contrôler."


@dataclass
class Refusal:
    message: str
    status: int


def _refusal(user, election, action: str, transition: str | None = None) -> Refusal | None:
    """Why the user cannot take ``action`` now (the same checks and messages as the services),
    with the answer's status: 403 for the seat, 409 for the state."""
    try:
        _seat_required(user, election, action)
    except LifecycleRefused as refused:
        return Refusal(refused.message, 403)
    if transition is not None:
        error = rules.transition_error(election, transition)
        if error:
            return Refusal(error, 409)
    elif action == "integrity" and not rules.integrity_checkable(election):
        return Refusal(NOT_SEALED_YET, 409)
    return None


def _context(request, election, seat, title: str, **extra):
    return {
        **admin.site.each_context(request),
        "title": title,
        "election": election,
        "seat": seat,
        "seat_label": selectors.seat_label(seat),
        **extra,
    }


def _read_only(request):
    """A read-only page answers POST with 405, once the member was checked (else it is 404)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None


def _dashboard(election):
    return redirect("bureau:dashboard", slug=election.slug)


# --- reading --------------------------------------------------------------------------


def index(request):
    seats = selectors.seats_of(request.user)
    if not seats:
        raise Http404
    if refused := _read_only(request):
        return refused
    rows = [(seat, selectors.seat_label(seat), selectors.next_step(seat.election)) for seat in seats]
    context = {**admin.site.each_context(request), "title": "Bureau de vote", "rows": rows}
    return render(request, "ballots/bureau/index.html", context)


def dashboard(request, slug):
    election, seat = selectors.election_for_member(request.user, slug)
    if refused := _read_only(request):
        return refused
    context = {
        **admin.site.each_context(request),
        "title": f"Bureau de vote — {election.name}",
        **selectors.dashboard(election, seat),
    }
    return render(request, "ballots/bureau/dashboard.html", context)


def emargements(request, slug):
    """The émargement list during the vote (R. 211-542): who voted and on which day (never the
    time, never the order of the votes), never a ballot."""
    election, seat = selectors.election_for_member(request.user, slug)
    if refused := _read_only(request):
        return refused
    scrutins = list(election.scrutins.order_by("order", "pk"))
    wanted = request.GET.get("scrutin", "")
    scrutin = next((s for s in scrutins if s.code == wanted), scrutins[0] if scrutins else None)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:SEARCH_MAX]
    page = None
    if scrutin is not None:
        rows = (
            Emargement.objects.filter(scrutin=scrutin)
            .select_related("voter__establishment")
            .order_by("voter__last_name", "voter__first_name", "voter__matricule")
        )
        if query:
            rows = rows.filter(
                Q(voter__last_name__icontains=query)
                | Q(voter__first_name__icontains=query)
                | Q(voter__matricule__icontains=query)
            )
        page = Paginator(rows, EMARGEMENTS_PER_PAGE).get_page(request.GET.get("page"))
        audit_record(
            actor=request.user,
            action="emargement.view",
            instance=scrutin,
            new={"query": query, "page": page.number, "rows": page.paginator.count},
            address=client_address(request),
        )
    context = _context(
        request,
        election,
        seat,
        f"Liste d'émargement — {election.name}",
        scrutins=scrutins,
        scrutin=scrutin,
        query=query,
        page=page,
    )
    return render(request, "ballots/bureau/emargements.html", context)


# --- acting ---------------------------------------------------------------------------


def seal(request, slug):
    """« Confirmer le scellement »: the checks and the seal; POST confirms the seal shown."""
    election, seat = selectors.election_for_member(request.user, slug)
    refusal = _refusal(request.user, election, "confirm", Transition.SEAL)
    if request.method == "POST" and refusal is None:
        form = SealConfirmForm(request.POST)
        if form.is_valid():
            try:
                election = seal_confirm(
                    election=election,
                    user=request.user,
                    seal=form.cleaned_data["seal"],
                    address=client_address(request),
                )
            except LifecycleRefused as refused:
                election.refresh_from_db()
                refusal = _refusal(request.user, election, "confirm", Transition.SEAL) or Refusal(
                    refused.message, 400
                )
            else:
                if rules.sealed(election):
                    messages.success(request, "Votre confirmation est enregistrée : l'élection est scellée.")
                else:
                    missing = seal_status(election).missing()
                    messages.success(
                        request, f"Votre confirmation est enregistrée. Le scellement attend : {missing}."
                    )
                return _dashboard(election)
        else:
            refusal = Refusal(" ".join(str(e) for e in form.errors["seal"]), 400)
    status = None if rules.sealed(election) else seal_status(election)
    context = _context(
        request,
        election,
        seat,
        "Confirmer le scellement",
        refusal=refusal,
        status=status,
        seal_lines=selectors.seal_lines(status.seal) if status else [],
        confirmed=[(c, selectors.confirmation_label(c)) for c in status.confirmations] if status else [],
        counts_for_quorum=seat.role != BureauMember.Role.SECRETARY,
        mine=next((c for c in status.confirmations if c.member_id == seat.pk), None) if status else None,
        can_confirm=(refusal is None or refusal.status == 400) and status is not None and status.checks_pass,
        form=SealConfirmForm(initial={"seal": status.seal}) if status else None,
    )
    return render(request, "ballots/bureau/seal.html", context, status=refusal.status if refusal else 200)


SUSPENSION: dict[str, tuple[Callable[..., Election], str, str, str]] = {
    Transition.SUSPEND: (
        election_suspend,
        "Suspendre le vote",
        "Dès la suspension, les électeurs ne peuvent plus voter : la page de vote leur indique que le "
        "vote est suspendu par le bureau de vote. Les bulletins déjà déposés restent dans l'urne. Le vote "
        "reprend quand le président le décide ; la fermeture reste à l'heure prévue.",
        "Le vote est suspendu.",
    ),
    Transition.RESUME: (
        election_resume,
        "Reprendre le vote",
        "Dès la reprise, les électeurs peuvent de nouveau voter, jusqu'à l'heure de fermeture prévue.",
        "Le vote a repris.",
    ),
}


def _reason_view(request, slug, transition: str):
    """Suspend or resume, with the reason recorded in the trail."""
    service, title, consequence, done = SUSPENSION[transition]
    election, seat = selectors.election_for_member(request.user, slug)
    refusal = _refusal(request.user, election, transition, transition)
    form = ReasonForm(request.POST if request.method == "POST" and refusal is None else None)
    if form.is_bound:
        if form.is_valid():
            try:
                service(
                    election=election,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    address=client_address(request),
                )
            except LifecycleRefused as refused:
                election.refresh_from_db()
                refusal = _refusal(request.user, election, transition, transition) or Refusal(
                    refused.message, 400
                )
            else:
                messages.success(request, done)
                return _dashboard(election)
        else:
            refusal = Refusal(" ".join(str(e) for e in form.errors["reason"]), 400)
    context = _context(
        request,
        election,
        seat,
        title,
        refusal=refusal,
        consequence=consequence,
        form=form,
        can_act=refusal is None or refusal.status == 400,
    )
    return render(request, "ballots/bureau/reason.html", context, status=refusal.status if refusal else 200)


def suspend(request, slug):
    return _reason_view(request, slug, Transition.SUSPEND)


def resume(request, slug):
    return _reason_view(request, slug, Transition.RESUME)


def integrity(request, slug):
    """« Contrôler l'intégrité »: queue the background check."""
    election, seat = selectors.election_for_member(request.user, slug)
    refusal = _refusal(request.user, election, "integrity")
    if request.method == "POST":
        try:
            integrity_check_request(election=election, user=request.user, address=client_address(request))
        except LifecycleRefused as refused:
            election.refresh_from_db()
            current = _refusal(request.user, election, "integrity")
            refusal = Refusal(refused.message, current.status if current else 400)
        else:
            messages.success(
                request,
                "Le contrôle d'intégrité est demandé ; son avancement et son résultat s'affichent ci-dessous.",
            )
            return _dashboard(election)
    context = _context(request, election, seat, "Contrôler l'intégrité", refusal=refusal)
    return render(
        request, "ballots/bureau/integrity.html", context, status=refusal.status if refusal else 200
    )
