"""Who may see what: the fetch-and-check functions every voter page goes through."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .lifecycle import definition_editable, receipts_only
from .models import CandidateList, Scrutin


def voter_required(view=None, *, setup_pending_ok: bool = False):
    """Only a logged-in voter; sets ``request.voter``. Staff and anonymous go to login.

    Seed 004: a voter who logged in with the notice but has not chosen their identifier
    and mot de passe Élections yet is sent to do so first (``setup_pending_ok`` marks
    the page where they do), except once the box is frozen (``receipts_only``).

    Every answer says « no-store »: a voter's pages must not stay in a shared
    computer's cache or in a proxy (the one place this is decided for voter pages).
    """
    if view is None:
        return lambda view: voter_required(view, setup_pending_ok=setup_pending_ok)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or not user.is_voter:
            return redirect_to_login(request.get_full_path())
        request.voter = user.voter
        # Once the box is frozen there is nothing left to set up an identifier for: the
        # voter goes straight to their receipts.
        pending = request.voter.needs_credentials_setup and not receipts_only(request.voter.election)
        if not setup_pending_ok and pending:
            response = redirect("accounts:credentials_setup")
        else:
            response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


def vote_code_pending(request) -> bool:
    """The election asks for the code de vote (seed 004) and this session has not given it.

    Only casting needs the code (vote_code_required): the receipts — my scrutins, their
    times, the émargements — stay reachable without it.
    """
    from accounts.votecode import session_has_vote_code

    return request.voter.election.vote_code_enabled and not session_has_vote_code(request)


def vote_code_url(next_url: str) -> str:
    """The code de vote page, coming back to ``next_url`` once the code is accepted."""
    return f"{reverse('accounts:vote_code')}?{urlencode({'next': next_url})}"


def vote_code_required(view):
    """After voter_required, on the pages that cast (the ballot, JE VOTE): the code first."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if vote_code_pending(request):
            if request.method != "GET":
                return render(request, "accounts/vote_code_missing.html", status=403)
            return redirect(vote_code_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


def scrutins_for_voter(voter):
    """The voter's scrutins, in display order."""
    return Scrutin.objects.filter(election_id=voter.election_id, roll_entries__voter=voter).order_by(
        "order", "pk"
    )


def scrutin_for_voter(voter, scrutin_id: int, *, with_parameters: bool = False) -> Scrutin:
    """The scrutin if the voter is on its roll; 404 otherwise (never 403: no hint).

    ``with_parameters`` also fetches the frozen ballot parameters in the same query.
    """
    scrutins = scrutins_for_voter(voter).select_related("election")
    if with_parameters:
        scrutins = scrutins.select_related("parameters")
    return get_object_or_404(scrutins, pk=scrutin_id)


def list_for_voter(voter, list_id: int) -> CandidateList:
    candidate_list = get_object_or_404(CandidateList.objects.select_related("scrutin"), pk=list_id)
    if not scrutins_for_voter(voter).filter(pk=candidate_list.scrutin_id).exists():
        raise Http404
    return candidate_list


# --- staff: who may change the election's definition ---------------------------------------------


def staff_sees_all_establishments(user) -> bool:
    """Superusers and the roles with view_all_establishments; RH referents see their own only."""
    return user.is_superuser or user.has_perm("accounts.view_all_establishments")


def scrutin_in_staff_scope(user, scrutin: Scrutin) -> bool:
    """An RH referent manages a scrutin only if it names establishments, all of them theirs.

    A scrutin naming none concerns the whole election (a CSA ministériel): only staff who
    see every establishment manage it.
    """
    if staff_sees_all_establishments(user):
        return True
    concerned = set(scrutin.establishments.values_list("pk", flat=True))
    held = set(user.establishments.values_list("pk", flat=True))
    return bool(concerned) and concerned <= held


def scrutin_definition_changeable(user, scrutin: Scrutin) -> bool:
    """The scrutin, its lists, candidates and documents may change: the election is in
    preparation and the scrutin is in the user's scope (model permissions checked apart)."""
    return definition_editable(scrutin.election) and scrutin_in_staff_scope(user, scrutin)
