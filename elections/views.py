from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import SuspiciousFileOperation
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils._os import safe_join
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.throttle import VoterLimitReached

from . import selectors, services
from .access import list_for_voter, scrutin_for_voter, scrutins_for_voter, voter_required
from .forms import RollSearchForm, VoterRequestForm
from .models import Page, VoterRequest
from .page_blocks import page_render
from .pages import ACCESSIBILITY_STATEMENT_DATE, ACCESSIBILITY_STATUS
from .periods import period_context, refused_once_frozen


@require_safe
def index(request):
    """The entry page: the elections open for login (straight to the login if only one)."""
    if request.user.is_authenticated and request.user.is_voter:
        return redirect("elections:home")
    elections = list(selectors.elections_for_login())
    if len(elections) == 1:
        url = reverse("accounts:login", args=[elections[0].slug])
        if "next" in request.GET:
            url += "?" + urlencode({"next": request.GET["next"]})
        return redirect(url)
    return render(request, "elections/index.html", {"elections": elections})


@require_safe
@never_cache
@voter_required
def home(request):
    voter = request.voter
    election = voter.election
    context = {
        "voter": voter,
        "election": election,
        "countdown": selectors.election_countdown(election),
        "tutorials": Page.objects.filter(kind=Page.Kind.TUTORIAL).order_by("order", "title"),
        "edito": Page.objects.filter(kind=Page.Kind.EDITO).order_by("order").first(),
        "faq": Page.objects.filter(kind=Page.Kind.FAQ).order_by("order").first(),
        "scrutins": scrutins_for_voter(voter),
        "my_requests": voter.requests.select_related("scrutin")[:20],
        **period_context(election),
    }
    return render(request, "elections/home.html", context)


@require_safe
def page(request, slug: str):
    """An editable page: the public ones for anybody, the others for logged-in voters."""
    the_page = get_object_or_404(Page, slug=slug)
    if not the_page.is_public:
        user = request.user
        if not (user.is_authenticated and (user.is_voter or user.is_staff)):
            raise Http404
    paragraphs = [p.strip() for p in the_page.body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    context = {"page": the_page, "paragraphs": paragraphs}
    if the_page.kind in Page.RENDERED_KINDS:
        election = selectors.election_of_reader(request.user)
        context["body"] = page_render(the_page.body, election=election, request=request)
    if the_page.kind == Page.Kind.ACCESSIBILITY:
        # The statement is the code's (what it checks); the stored text is the contact.
        context.update(status=ACCESSIBILITY_STATUS, statement_date=ACCESSIBILITY_STATEMENT_DATE)
        return render(request, "elections/accessibility.html", context)
    return render(request, "elections/page.html", context)


@require_safe
@voter_required
@refused_once_frozen
def my_scrutins(request):
    scrutins = selectors.voter_scrutins_with_lists(request.voter)
    return render(request, "elections/scrutins.html", {"scrutins": scrutins})


@require_safe
@voter_required
@refused_once_frozen
def scrutin_roll(request, scrutin_id: int):
    scrutin = scrutin_for_voter(request.voter, scrutin_id)
    form = RollSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    paginator = Paginator(selectors.scrutin_roll(scrutin, search=search), 100)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "elections/roll.html",
        {"scrutin": scrutin, "form": form, "page_obj": page_obj, "search": search},
    )


@require_safe
@voter_required
@refused_once_frozen
def list_document(request, list_id: int, kind: str):
    """A candidate list's logo or PDF, for voters of its scrutin."""
    candidate_list = list_for_voter(request.voter, list_id)
    field = {
        "logo": "logo",
        "profession-de-foi": "profession_de_foi",
        "candidats": "candidates_pdf",
    }.get(kind)
    if field is None:
        raise Http404
    document = getattr(candidate_list, field)
    if not document:
        raise Http404
    try:
        handle = document.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    if field == "logo":
        return FileResponse(handle)
    name = f"{kind}-{candidate_list.code}.pdf"
    return FileResponse(handle, as_attachment=False, filename=name, content_type="application/pdf")


def _voter_request(request, *, kind: str, template: str, require_scrutin: bool):
    voter = request.voter
    scrutins = scrutins_for_voter(voter)
    form = VoterRequestForm(
        request.POST if request.method == "POST" else None, scrutins=scrutins, require_scrutin=require_scrutin
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.voter_request_create(
                    voter=voter,
                    kind=kind,
                    scrutin=form.cleaned_data["scrutin"],
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                )
            except VoterLimitReached as exc:
                form.add_error(None, str(exc))
                return render(request, template, {"form": form}, status=429)
            messages.success(
                request,
                "Votre demande est enregistrée. La réponse apparaîtra sur la page d'accueil "
                "de votre portail.",
            )
            return redirect("elections:home")
        return render(request, template, {"form": form}, status=400)
    return render(request, template, {"form": form})


@require_http_methods(["GET", "POST"])
@voter_required
@refused_once_frozen
def assistance(request):
    return _voter_request(
        request,
        kind=VoterRequest.Kind.ASSISTANCE,
        template="elections/assistance.html",
        require_scrutin=False,
    )


@require_http_methods(["GET", "POST"])
@voter_required
@refused_once_frozen
def reclamation(request):
    return _voter_request(
        request,
        kind=VoterRequest.Kind.RECLAMATION,
        template="elections/reclamation.html",
        require_scrutin=True,
    )


@require_safe
@staff_member_required
def staff_media(request, path: str):
    """Uploaded documents for staff (the admin links to them); voters use list_document."""
    try:
        full_path = safe_join(settings.MEDIA_ROOT, path)
        return FileResponse(open(full_path, "rb"))  # noqa: SIM115 (closed by the response)
    # OSError: absent, a directory, a name too long (ENAMETOOLONG); ValueError: a NUL.
    except (OSError, ValueError, SuspiciousFileOperation) as exc:
        raise Http404 from exc


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)
