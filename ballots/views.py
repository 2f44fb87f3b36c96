"""The four voting steps, the receipts, and the public ballot box.

1 Choix scrutin → 2 Constitution bulletin → 3 Vote → 4 Accusé de réception. No URL, log
line, session or cache entry ever holds a ballot reference next to the voter: the
accusé is the response to JE VOTE itself, the preuve de dépôt is downloaded with a
signed token that lives only in that page, and the public box is searched by POST.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from elections.access import (
    scrutin_for_voter,
    scrutins_for_voter,
    vote_code_pending,
    vote_code_required,
    vote_code_url,
    voter_required,
)
from elections.lifecycle import board_public
from elections.models import Election, Scrutin
from elections.periods import period_context
from receipts.pdf import DepositProofData, EmargementData, deposit_proof_pdf, emargement_pdf

from . import services
from .crypto import BLANK
from .forms import CastForm, ReferenceSearchForm
from .models import Ballot, Emargement, ScrutinParameters

DEPOSIT_TOKEN_SALT = "isoloir.ballots.deposit-proof"  # noqa: S105 (a namespace, not a secret)
PARIS_FORMAT = "l j F Y à H\\hi"


def paris(value) -> str:
    return date_format(timezone.localtime(value), PARIS_FORMAT)


logger = logging.getLogger(__name__)


# --- helpers ---------------------------------------------------------------------------


def _options(scrutin: Scrutin, params) -> list[dict]:
    """The ballot's options in the order frozen at opening (``params``), blank last, with
    what the page shows of each (a list added later is not on the ballot)."""
    lists = {cl.code: cl for cl in scrutin.lists.all()}
    options = [
        {"code": code, "name": lists[code].name, "list": lists[code]}
        for code in params.options[:-1]
        if code in lists
    ]
    options.append({"code": BLANK, "name": "Vote blanc", "list": None})
    return options


def _my_scrutins(voter) -> list[tuple[Scrutin, dt.datetime | None]]:
    """My scrutins in order, each with the time I voted there (None if not yet), in one query."""
    voted_at = Emargement.objects.filter(voter=voter, scrutin=OuterRef("pk")).values("voted_at")[:1]
    rows = scrutins_for_voter(voter).annotate(voted_at=Subquery(voted_at)).only("pk", "name")
    return [(scrutin, scrutin.voted_at) for scrutin in rows]


def _refusal(request, error: services.VotingError, scrutin: Scrutin | None = None):
    voter = request.voter
    if isinstance(error, services.NotOnRoll):
        raise Http404
    if isinstance(error, services.AlreadyVoted):
        context = {"scrutin": error.emargement.scrutin, "emargement": error.emargement, "steps_current": 4}
        return render(request, "ballots/already_voted.html", context, status=409)
    if isinstance(error, services.VotingClosed):
        context = {
            "election": voter.election,
            "message": error.message,
            "scrutin": scrutin,
            **period_context(voter.election),
        }
        return render(request, "ballots/closed.html", context, status=403)
    return render(request, "ballots/refused.html", {"message": error.message, "scrutin": scrutin}, status=400)


def _precheck(request, scrutin: Scrutin):
    """Before steps 2 and 3: the vote is open and the voter has not voted here yet."""
    voter = request.voter
    try:
        services.voting_window_check(election=voter.election, voter=voter)
    except services.VotingClosed as error:
        return _refusal(request, error, scrutin)
    emargement = Emargement.objects.filter(voter=voter, scrutin=scrutin).select_related("scrutin").first()
    if emargement is not None:
        return _refusal(request, services.AlreadyVoted(emargement), scrutin)
    return None


# --- step 1 ----------------------------------------------------------------------------


@require_safe
@never_cache
@voter_required
def scrutins(request):
    """Step 1, and the receipts: my scrutins with the time of each vote and its émargement.

    Reachable without the code de vote (the émargement is « disponible à tout moment »);
    what casts asks for it, and this page offers it while there is something to cast.
    """
    voter = request.voter
    rows = _my_scrutins(voter)
    voting_open = services.voting_is_open(election=voter.election, voter=voter)
    remaining = sum(1 for _, voted_at in rows if voted_at is None)
    context = {
        "election": voter.election,
        "rows": rows,
        "voting_open": voting_open,
        "remaining": remaining,
        "vote_code_url": (
            vote_code_url(request.path) if voting_open and remaining and vote_code_pending(request) else None
        ),
        "steps_current": 1,
        **period_context(voter.election),
    }
    return render(request, "ballots/scrutins.html", context)


# --- steps 2 and 3 (in the page: static/js/ballot.js) -----------------------------------


@require_safe
@never_cache
@voter_required
@vote_code_required
def ballot(request, scrutin_id: int):
    """The ballot, with the scrutin's public parameters for the page's encryption.

    The choice and the confirmation happen in the browser; without JavaScript the page
    explains that the vote needs it, and offers no way to send a choice.
    """
    scrutin = scrutin_for_voter(request.voter, scrutin_id, with_parameters=True)
    refusal = _precheck(request, scrutin)
    if refusal is not None:
        return refusal
    try:
        params = services.crypto_parameters(scrutin)
    except services.VotingClosed as error:  # a scrutin added after the opening
        return _refusal(request, error, scrutin)
    options = _options(scrutin, params)
    shown, frozen = [o["code"] for o in options[:-1]], list(params.options[:-1])
    if shown != frozen:
        # The definition is read-only once the vote opens (election_definition_editable): a
        # difference is a bug or a change behind the application's back. A ballot missing
        # an option the voters of this scrutin were promised is never shown.
        logger.error(
            "ballot page refused: scrutin %s (%s) shows options %s, frozen at opening %s",
            scrutin.pk,
            scrutin.code,
            shown,
            frozen,
        )
        return render(request, "ballots/unavailable.html", {"scrutin": scrutin}, status=503)
    context = {
        "scrutin": scrutin,
        "options": options,
        "lists_count": len(options) - 1,
        "parameters": params.as_json(),
        "steps_current": 2,
    }
    return render(request, "ballots/ballot.html", context)


# --- JE VOTE → step 4 ------------------------------------------------------------------


@require_POST
@never_cache
@voter_required
@vote_code_required
def cast(request, scrutin_id: int):
    voter = request.voter
    form = CastForm(request.POST)
    try:
        if not form.is_valid():
            message = " ".join(str(e) for errors in form.errors.values() for e in errors)
            raise services.BallotRefused(message)
        receipt = services.ballot_cast(
            voter=voter,
            scrutin_id=scrutin_id,
            ballot=form.cleaned_data["ballot"],
            expected_reference=form.cleaned_data["reference"],
        )
    except services.VotingError as error:
        return _refusal(request, error, scrutin_for_voter(voter, scrutin_id))
    scrutin = receipt.scrutin
    token = signing.dumps(
        {"v": voter.pk, "s": scrutin.pk, "r": receipt.reference, "t": receipt.deposit_time},
        salt=DEPOSIT_TOKEN_SALT,
        compress=True,
    )
    rows = _my_scrutins(voter)
    context = {
        "scrutin": scrutin,
        "receipt": receipt,
        "token": token,
        "rows": rows,
        "remaining": sum(1 for _, voted_at in rows if voted_at is None),
        "proof_minutes": settings.DEPOSIT_PROOF_MAX_AGE_SECONDS // 60,
        "steps_current": 4,
    }
    return render(request, "ballots/receipt.html", context)


# --- receipts --------------------------------------------------------------------------


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@never_cache
@voter_required
def deposit_proof(request):
    """The preuve de dépôt, from the accusé de réception only, for 15 minutes."""
    voter = request.voter
    try:
        data = signing.loads(
            request.POST.get("preuve", ""),
            salt=DEPOSIT_TOKEN_SALT,
            max_age=settings.DEPOSIT_PROOF_MAX_AGE_SECONDS,
        )
    except signing.SignatureExpired:
        return render(request, "ballots/proof_gone.html", {"expired": True}, status=410)
    except signing.BadSignature:
        return render(request, "ballots/proof_gone.html", {"expired": False}, status=400)
    if data.get("v") != voter.pk:
        return render(request, "ballots/proof_gone.html", {"expired": False}, status=400)
    scrutin = scrutin_for_voter(voter, data["s"])
    params = get_object_or_404(ScrutinParameters, scrutin=scrutin)
    statement, signature = services.deposit_proof_sign(
        reference=data["r"], fingerprint=params.fingerprint, time=data["t"]
    )
    public_key = services.receipt_public_key()
    pdf = deposit_proof_pdf(
        DepositProofData(
            election=voter.election.name,
            scrutin=scrutin.name,
            fingerprint=params.fingerprint,
            reference=data["r"],
            time=data["t"],
            time_display=paris(dt.datetime.fromisoformat(data["t"])),
            statement=statement,
            signature=signature,
            public_key=public_key,
            command=(
                f"python -m ballots.crypto.receipt --public-key {public_key} "
                f"--signature {signature} --statement '{statement}'"
            ),
        )
    )
    return _pdf_response(pdf, f"preuve-de-depot-{scrutin.code}.pdf")


@require_safe
@never_cache
@voter_required
def emargement(request, scrutin_id: int):
    """The émargement of one of my scrutins, at any time after voting."""
    voter = request.voter
    scrutin = scrutin_for_voter(voter, scrutin_id)
    record = get_object_or_404(Emargement, voter=voter, scrutin=scrutin)
    pdf = emargement_pdf(
        EmargementData(
            election=voter.election.name,
            scrutin=scrutin.name,
            voter=voter.display_name,
            matricule=voter.matricule,
            voted_at=paris(record.voted_at),
        )
    )
    return _pdf_response(pdf, f"emargement-{scrutin.code}.pdf")


# --- public pages ----------------------------------------------------------------------


def _public_election(slug: str) -> Election:
    election = get_object_or_404(Election, slug=slug)
    if not board_public(election):
        raise Http404
    return election


@require_safe
def board_index(request, slug: str):
    election = _public_election(slug)
    boards = (
        ScrutinParameters.objects.filter(scrutin__election=election)
        .select_related("scrutin")
        .order_by("scrutin__order", "scrutin__pk")
    )
    counts = {
        row["scrutin"]: row["n"]
        for row in Ballot.objects.filter(scrutin__election=election).values("scrutin").annotate(n=Count("pk"))
    }
    rows = [(p.scrutin, p, counts.get(p.scrutin_id, 0)) for p in boards]
    return render(request, "ballots/board_index.html", {"election": election, "rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
def board(request, slug: str, code: str):
    """A scrutin's public ballot box: count, sorted references, and a search by POST
    (a reference never appears in a URL, so never in an access log)."""
    election = _public_election(slug)
    params = get_object_or_404(
        ScrutinParameters.objects.select_related("scrutin"), scrutin__election=election, scrutin__code=code
    )
    scrutin = params.scrutin
    references = (
        Ballot.objects.filter(scrutin=scrutin).order_by("reference").values_list("reference", flat=True)
    )
    form = ReferenceSearchForm(request.POST if request.method == "POST" else None)
    found: list[str] | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            found = list(references.filter(reference__startswith=form.cleaned_data["reference"])[:5])
        else:
            status = 400
    page_obj = Paginator(references, 200).get_page(request.GET.get("page"))
    context = {
        "election": election,
        "scrutin": scrutin,
        "params": params,
        "count": references.count(),
        "form": form,
        "found": found,
        "page_obj": page_obj,
    }
    return render(request, "ballots/board.html", context, status=status)


@require_safe
def board_references(request, slug: str, code: str):
    """The sorted references as plain text, one per line, for scripts and the verifier."""
    election = _public_election(slug)
    params = get_object_or_404(ScrutinParameters, scrutin__election=election, scrutin__code=code)
    references = (
        Ballot.objects.filter(scrutin=params.scrutin)
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    response = HttpResponse(
        "".join(f"{r}\n" for r in references.iterator()), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="urne-{code}.txt"'
    return response


@require_safe
def verification(request):
    """How to check a preuve de dépôt: the portal's public key and the command."""
    context = {
        "public_key": services.receipt_public_key(),
        "public_key_pem": services.receipt_public_key_pem(),
    }
    if request.GET.get("format") == "pem":
        response = HttpResponse(context["public_key_pem"], content_type="application/x-pem-file")
        response["Content-Disposition"] = 'attachment; filename="isoloir-preuve-de-depot.pem"'
        return response
    return render(request, "ballots/verification.html", context)
