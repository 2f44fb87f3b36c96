from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from elections.access import voter_required
from elections.models import Election
from elections.periods import refused_once_frozen

from . import captcha_voice, identifier, recovery, services, throttle, votecode
from .forms import (
    CredentialsSetupForm,
    ElectionPasswordForm,
    EmailChangeForm,
    IdentifierLoginForm,
    PasswordLinkRequestForm,
    PasswordReassortForm,
    VoteCodeForm,
    VoteCodeRequestForm,
    VoterLoginForm,
)

GENERIC_LOGIN_ERROR = (
    "Les informations saisies ne permettent pas de vous identifier. Vérifiez votre "
    "matricule, votre date de naissance, votre clé de sécurité et votre mot de passe."
)


IDENTIFIER_LOGIN_ERROR = (
    "Les informations saisies ne permettent pas de vous identifier. Vérifiez votre identifiant "
    "(votre adresse électronique) et votre mot de passe Élections. S'il s'agit de votre première "
    "connexion, utilisez votre notice de vote."
)
FIRST_LOGIN_ERROR = (
    f"{GENERIC_LOGIN_ERROR} Si vous avez déjà choisi votre identifiant et confirmé votre adresse, "
    "connectez-vous avec votre identifiant et votre mot de passe Élections."
)


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request, slug: str):
    """The election's login: the notice's four values, or (seed 004) identifier + password."""
    election = get_object_or_404(Election, slug=slug)
    if election.uses_identifier_login:
        return _login_page(
            request,
            election,
            form_class=IdentifierLoginForm,
            attempt=services.voter_identifier_login_attempt,
            error=IDENTIFIER_LOGIN_ERROR,
            template="accounts/login_identifier.html",
        )
    return _login_page(
        request,
        election,
        form_class=VoterLoginForm,
        attempt=services.voter_login_attempt,
        error=GENERIC_LOGIN_ERROR,
        template="accounts/login.html",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def first_login_view(request, slug: str):
    """Seed 004: the first connection, with the notice de vote."""
    election = get_object_or_404(Election, slug=slug)
    if not election.uses_identifier_login:
        return redirect("accounts:login", slug=election.slug)
    return _login_page(
        request,
        election,
        form_class=VoterLoginForm,
        attempt=services.voter_login_attempt,
        error=FIRST_LOGIN_ERROR,
        template="accounts/login_first.html",
    )


def _login_page(request, election, *, form_class, attempt, error: str, template: str):
    if request.user.is_authenticated and request.user.is_voter:
        return redirect("elections:home")
    form = form_class(request.POST if request.method == "POST" else None, captcha=election.login_captcha)
    _matricule_help(form, election)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "captcha"}
        outcome = attempt(request, election=election, **data)
        if outcome.logged_in:
            return HttpResponseRedirect(_next_url(request) or reverse("elections:home"))
        if outcome.wait_seconds:
            form.add_error(
                None,
                "Trop de tentatives de connexion ont échoué. Pour votre sécurité, "
                f"patientez {_duration(outcome.wait_seconds)} avant de réessayer.",
            )
            status = 429
        else:
            form.add_error(None, error)
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, template, {"form": form, "election": election}, status=status)


def _matricule_help(form, election: Election) -> None:
    """Where the matricule is: the election's one text (``Election.matricule_location``),
    under the field it helps with, as on the help pages, the FAQ and the tutorials."""
    if "matricule" in form.fields:
        form.fields["matricule"].help_text = election.matricule_location


def _safe_next(request, candidate: str, *, under: str = "/") -> str | None:
    """``candidate`` if it is a path of this site under ``under``, else None.

    Only ever given to HttpResponseRedirect, never to ``redirect()``, which would try
    it as a view name first (``?next=x`` was a NoReverseMatch, a 500).
    """
    if candidate.startswith(under) and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _next_url(request) -> str | None:
    """The page a voter was sent from, if it is one of ours."""
    return _safe_next(request, request.GET.get("next", ""), under="/portail/")


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    if seconds < 2 * 3600:
        return f"{max(1, round(seconds / 60))} minutes"
    return f"{round(seconds / 3600)} heures"


def locked_out(request, response=None, credentials=None):
    """django-axes' lockout page: this address has failed too often on this account."""
    return render(request, "accounts/locked_out.html", status=429)


@require_POST
def logout_view(request):
    """Back to the login page of the voter's own election (the entry page lists every election)."""
    user = request.user
    slug = user.voter.election.slug if user.is_authenticated and user.is_voter else None
    logout(request)
    messages.success(request, "Vous êtes déconnecté. Merci de votre visite.")
    return redirect("accounts:login", slug) if slug else redirect("elections:index")


@require_safe
def lost_key_view(request, slug: str | None = None):
    """Seed 000, case 2: the election's CSU électeurs (and online key screen), every case."""
    return _help_page(request, slug, template="accounts/lost_key.html", url_name="accounts:lost_key")


@require_safe
def lost_password_view(request, slug: str | None = None):
    """Seed 000, cases 3 and 4 (and seed 004's link by e-mail), then the CSU électeurs."""
    return _help_page(
        request, slug, template="accounts/lost_password.html", url_name="accounts:lost_password"
    )


def _help_page(request, slug: str | None, *, template: str, url_name: str):
    """A help page for one election: the one named, the logged-in voter's, or the only one
    open for login; with several and none named, the voter picks theirs first.

    « Retour » goes back to ``?next=`` when it is a path of this site (validated by
    ``_safe_next``), else to the election's login page.
    """
    from elections.selectors import election_of_reader, elections_for_login

    origin = _safe_next(request, request.GET.get("next", ""))
    elections: list[Election] = []
    election: Election | None
    if slug is not None:
        election = get_object_or_404(Election.objects.prefetch_related("support_channels"), slug=slug)
    else:
        election = election_of_reader(request.user)
        if election is None:
            elections = list(elections_for_login())
    if election is not None:
        back_url = origin or reverse("accounts:login", args=[election.slug])
    else:
        back_url = origin or reverse("elections:index")
    choices = [
        (
            e,
            reverse(url_name, args=[e.slug])
            + (f"?{urlencode({'next': origin}, safe='/')}" if origin else ""),
        )
        for e in elections
    ]
    context = {"election": election, "choices": choices, "back_url": back_url}
    return render(request, template, context)


REASSORT_REFUSAL = (
    "Les informations saisies ne permettent pas de vous attribuer un nouveau mot de passe. "
    "Vérifiez votre matricule, votre donnée secrète de réassort et la fin de votre IBAN."
)


@never_cache
@require_http_methods(["GET", "POST"])
def password_reassort_view(request, slug: str):
    """Seed 000, case 3: a new password shown once on screen."""
    election = get_object_or_404(Election, slug=slug)
    form = PasswordReassortForm(
        request.POST if request.method == "POST" else None, captcha=election.login_captcha
    )
    _matricule_help(form, election)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = recovery.password_reassort(
            election=election,
            matricule=data["matricule"],
            secret=data["secret"],
            iban_tail=data["iban_tail"],
            address=throttle.client_address(request) or "inconnue",
        )
        if outcome.password:
            context = {"election": election, "password": outcome.password, "identifier": outcome.identifier}
            return render(request, "accounts/reassort_password_done.html", context)
        if outcome.wait_seconds:
            form.add_error(
                None,
                "Trop de demandes ont échoué. Pour votre sécurité, patientez "
                f"{_duration(outcome.wait_seconds)} avant de réessayer, ou adressez-vous au président "
                "de votre bureau de vote.",
            )
            status = 429
        else:
            form.add_error(None, REASSORT_REFUSAL)
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request, "accounts/reassort_password.html", {"form": form, "election": election}, status=status
    )


@require_http_methods(["GET", "POST"])
@voter_required
@refused_once_frozen
def account_view(request):
    voter = request.voter
    form = EmailChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.voter_request_email_change(
                    voter=voter, email=form.cleaned_data["email"], request=request
                )
            except throttle.VoterLimitReached as exc:
                form.add_error(None, str(exc))
                return render(request, "accounts/account.html", {"form": form}, status=429)
            messages.success(
                request,
                "Un lien de confirmation a été envoyé à cette adresse. Pensez à vérifier le "
                "dossier « courrier indésirable ».",
            )
            return redirect("accounts:account")
        return render(request, "accounts/account.html", {"form": form}, status=400)
    return render(request, "accounts/account.html", {"form": form})


@require_safe
@voter_required(setup_pending_ok=True)
@refused_once_frozen
def confirm_email_view(request, token: str):
    voter = request.voter
    try:
        email = services.voter_confirm_email(voter=voter, token=token)
    except services.IdentifierTaken:
        return render(request, "accounts/confirm_email_invalid.html", {"taken": True}, status=400)
    except services.InvalidConfirmation:
        return render(request, "accounts/confirm_email_invalid.html", status=400)
    if voter.election.uses_identifier_login and voter.credentials_set_up:
        messages.success(request, f"Votre adresse {email} est confirmée : c'est désormais votre identifiant.")
    else:
        messages.success(request, f"Votre adresse {email} est confirmée.")
    return redirect("accounts:account")


# --- code de vote (seed 004) ------------------------------------------------------------


def _vote_code_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return _safe_next(request, target) or reverse("ballots:scrutins")


@never_cache
@require_http_methods(["GET", "POST"])
@voter_required
@refused_once_frozen
def vote_code_view(request):
    """Before the voting space: the code from the paper letter, or one received by e-mail."""
    voter = request.voter
    if not voter.election.vote_code_enabled or votecode.session_has_vote_code(request):
        return HttpResponseRedirect(_vote_code_next(request))
    form = VoteCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    expired = False
    if request.method == "POST":
        if form.is_valid():
            outcome = votecode.vote_code_enter(
                voter=voter, typed=form.cleaned_data["code"], address=throttle.client_address(request)
            )
            if outcome.accepted:
                votecode.session_mark_vote_code(request)
                return HttpResponseRedirect(_vote_code_next(request))
            if outcome.expired:
                expired = True
                form.add_error("code", "Ce code de vote a expiré. Demandez-en un nouveau.")
            elif outcome.remaining:
                form.add_error(
                    "code",
                    f"Ce code de vote n'est pas valide. Il vous reste {outcome.remaining} essai"
                    f"{'s' if outcome.remaining > 1 else ''} : au-delà, vos codes ne fonctionneront plus "
                    "et il faudra en demander un nouveau.",
                )
            else:
                form.add_error(
                    "code",
                    "Ce code de vote n'est pas valide, a expiré ou a déjà servi. Demandez un nouveau code "
                    "avec le lien « Je n'ai pas de code de vote ».",
                )
        status = 400
    context = {
        "form": form,
        "next": _vote_code_next(request),
        "election": voter.election,
        "expired": expired,
        "minutes": settings.VOTE_CODE_EMAIL_VALIDITY_SECONDS // 60,
    }
    return render(request, "accounts/vote_code.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@voter_required
@refused_once_frozen
def vote_code_request_view(request):
    """« Je n'ai pas de code de vote »: a new code by e-mail, valid 2 minutes."""
    voter = request.voter
    if not voter.election.vote_code_enabled:
        return redirect("ballots:scrutins")
    form = VoteCodeRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    context = {
        "form": form,
        "election": voter.election,
        "has_email": bool(voter.email and voter.email_confirmed),
        "minutes": settings.VOTE_CODE_EMAIL_VALIDITY_SECONDS // 60,
    }
    if request.method == "POST":
        if form.is_valid():
            outcome = votecode.vote_code_request(
                voter=voter,
                kind=form.cleaned_data["kind"],
                value=form.cleaned_data["identifier"],
                address=throttle.client_address(request) or "inconnue",
            )
            if not outcome.wait_seconds:
                return render(request, "accounts/vote_code_sent.html", context)
            form.add_error(
                None,
                "Trop de demandes ont échoué. Pour votre sécurité, patientez "
                f"{_duration(outcome.wait_seconds)} avant de réessayer, ou contactez le support.",
            )
            status = 429
        else:
            status = 400
    return render(request, "accounts/vote_code_request.html", context, status=status)


# --- seed 004: first connection and « mot de passe oublié » --------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@voter_required(setup_pending_ok=True)
@refused_once_frozen
def credentials_setup_view(request):
    """After the first connection with the notice: the identifier and the mot de passe Élections."""
    voter = request.voter
    if not voter.needs_credentials_setup:
        return redirect("elections:home")
    form = CredentialsSetupForm(request.POST if request.method == "POST" else None, voter=voter)
    if request.method == "POST":
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                confirmed = identifier.credentials_set_up(
                    voter=voter, email=email, password=form.cleaned_data["password1"], request=request
                )
            except identifier.AlreadySetUp:
                return redirect("elections:home")
            if confirmed:
                messages.success(
                    request,
                    f"Votre mot de passe Élections est enregistré. Votre identifiant est désormais {email}.",
                )
            else:
                try:
                    services.voter_request_email_change(voter=voter, email=email, request=request)
                except throttle.VoterLimitReached as exc:
                    messages.warning(
                        request,
                        "Votre mot de passe Élections est enregistré, mais aucun lien de confirmation n'a été "
                        f"envoyé à {email} : {exc} Redemandez-le depuis « Mon compte ». D'ici là, "
                        "connectez-vous avec votre notice de vote et votre nouveau mot de passe Élections.",
                    )
                    return redirect("elections:home")
                messages.success(
                    request,
                    "Votre mot de passe Élections est enregistré. Un lien de confirmation a été envoyé à "
                    f"{email} : ouvrez-le pour que cette adresse devienne votre identifiant (pensez au "
                    "dossier « courrier indésirable »). D'ici là, connectez-vous avec votre notice de vote "
                    "et votre nouveau mot de passe Élections.",
                )
            return redirect("elections:home")
        return render(request, "accounts/credentials_setup.html", {"form": form}, status=400)
    return render(request, "accounts/credentials_setup.html", {"form": form})


PASSWORD_LINK_SESSION_KEY = "isoloir_password_link"  # noqa: S105 (a session key name)
PASSWORD_LINK_SET = "choisir"  # noqa: S105 (the URL word that stands for the token)


@never_cache
@require_http_methods(["GET", "POST"])
def password_link_request_view(request, slug: str):
    """Seed 004, « mot de passe oublié »: a single-use link to the voter's identifier."""
    election = get_object_or_404(Election, slug=slug)
    if not election.uses_identifier_login:
        return redirect("accounts:password_reassort", slug=election.slug)
    form = PasswordLinkRequestForm(request.POST if request.method == "POST" else None, captcha=True)
    context = {"form": form, "election": election, "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
    status = 200
    if request.method == "POST":
        if form.is_valid():

            def link_for(uidb64: str, token: str) -> str:
                return request.build_absolute_uri(
                    reverse("accounts:password_link", args=[election.slug, uidb64, token])
                )

            outcome = identifier.password_link_request(
                election=election,
                identifier=form.cleaned_data["identifier"],
                address=throttle.client_address(request) or "inconnue",
                link_for=link_for,
            )
            if not outcome.wait_seconds:
                return render(request, "accounts/password_link_sent.html", context)
            form.add_error(
                None,
                "Trop de demandes pour cet identifiant. Pour votre sécurité, patientez "
                f"{_duration(outcome.wait_seconds)} avant de réessayer, ou contactez le support.",
            )
            status = 429
        else:
            status = 400
    return render(request, "accounts/password_link_request.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def password_link_view(request, slug: str, uidb64: str, token: str):
    """The link of the e-mail. As in Django's own reset view, the token moves from the URL to
    the session at once, so the page that asks for the password never shows it (Referer)."""
    election = get_object_or_404(Election, slug=slug)
    if token != PASSWORD_LINK_SET:
        voter = identifier.password_link_voter(election=election, uidb64=uidb64, token=token)
        if voter is None or request.method != "GET":
            return _password_link_invalid(request, election)
        request.session[PASSWORD_LINK_SESSION_KEY] = {"uid": uidb64, "token": token}
        return redirect("accounts:password_link", slug=election.slug, uidb64=uidb64, token=PASSWORD_LINK_SET)
    stored = request.session.get(PASSWORD_LINK_SESSION_KEY) or {}
    voter = None
    if stored.get("uid") == uidb64:
        voter = identifier.password_link_voter(
            election=election, uidb64=uidb64, token=stored.get("token", "")
        )
    if voter is None:
        return _password_link_invalid(request, election)
    form = ElectionPasswordForm(request.POST if request.method == "POST" else None, voter=voter)
    if request.method == "POST":
        if form.is_valid():
            identifier.password_link_use(
                voter=voter, password=form.cleaned_data["password1"], address=throttle.client_address(request)
            )
            del request.session[PASSWORD_LINK_SESSION_KEY]
            messages.success(
                request,
                "Votre nouveau mot de passe Élections est enregistré. Connectez-vous avec votre identifiant.",
            )
            return redirect("accounts:login", slug=election.slug)
        status = 400
    else:
        status = 200
    context = {"form": form, "election": election, "voter": voter}
    return render(request, "accounts/password_link_set.html", context, status=status)


def _password_link_invalid(request, election):
    recorded = identifier.password_link_invalid(election=election, address=throttle.client_address(request))
    request.session.pop(PASSWORD_LINK_SESSION_KEY, None)
    status = 400 if recorded else 429
    return render(request, "accounts/password_link_invalid.html", {"election": election}, status=status)


@require_safe
def captcha_audio(request, key: str):
    """The captcha's digits read aloud in French (WAV); 410 once the challenge is gone."""
    from captcha.models import CaptchaStore
    from django.utils import timezone

    store = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).first()
    if store is None:
        return HttpResponse("Ces chiffres ne sont plus valables : affichez-en d'autres.", status=410)
    wav = captcha_voice.digits_spoken(store.challenge)
    if wav is None:
        return HttpResponse("La lecture à voix haute n'est pas disponible.", status=503)
    response = HttpResponse(wav, content_type="audio/wav")
    add_never_cache_headers(response)
    return response
