"""Every URL of the project, with hostile values, never answers a 5xx (issue 12, item 7).

The walk reads the URL patterns from the resolver (includes and the admin included), so
a URL added later is walked too. Each pattern is requested with hostile values in every
path parameter (NUL, 1,000 characters, a non-numeric id, ``../``) and with valid values
of existing objects, each time with hostile values in the usual query parameters; GET
and POST, as an anonymous visitor, a voter who has voted, an RH referent and a
superuser. Every request runs in a savepoint rolled back afterwards (a POST that deletes
or logs out changes nothing for the next one). All failures are collected, so one run
shows every 5xx.
"""

import re
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from elections.models import BureauMember, Page, VoterRequest
from tests.ballots.test_voting import vote
from tests.factories import (
    ElectionFactory,
    EstablishmentFactory,
    ScrutinFactory,
    StaffFactory,
    make_voter,
    open_for_voting,
)

pytestmark = pytest.mark.django_db

HOSTILE = ["\x00", "A" * 1000, "abc", "../"]
QUERY_NAMES = [
    "next",
    "q",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "page",
    "o",
    "p",
    "e",
    "all",
    "_changelist_filters",
    "_popup",
    "_to_field",
]
# The admin autocomplete's own parameters, valid, so that a hostile search text (and
# nothing else hostile, not even the page) reaches the query.
AUTOCOMPLETE = {"app_label": "elections", "model_name": "rollentry", "field_name": "voter"}
FREE_TEXT = ["term", "q", "next"]
# Fields a POST may carry besides the query names (admin actions, forms of the portal).
POST_NAMES = ["action", "_selected_action", "select_across", "index", "reference", "code", "ballot"]
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
ADMIN_MODEL = re.compile(r"^gestion/(?P<app>\w+)/(?P<model>\w+)/")


def _patterns(resolver=None, prefix=""):
    """(route template, pattern) for every endpoint, regex parts turned into templates."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        template = prefix + _template(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, template)
        elif isinstance(entry, URLPattern):
            yield template, entry


def _template(pattern) -> str:
    """A route with ``<name>`` placeholders, from a path() route or a re_path() regex."""
    text = str(pattern)
    if hasattr(pattern, "_route"):
        return PARAMETER.sub(lambda m: f"<{m['name']}>", text)
    text = text.removeprefix("^").removesuffix("$")
    text = REGEX_GROUP.sub(lambda m: f"<{m['name']}>", text)
    return text.replace("\\.", ".")


def _fill(template: str, value_for) -> str:
    return "/" + PARAMETER.sub(lambda m: quote(value_for(m["name"]), safe="./"), template)


@pytest.fixture
def world(client):
    """An open election with lists, a voter who has voted, a request, a page, staff."""
    establishment = EstablishmentFactory()
    other_place = EstablishmentFactory()
    election = ElectionFactory()
    scrutins = [ScrutinFactory(election=election, order=i) for i in range(2)]
    voter = make_voter(election=election, matricule="A1001", establishment=establishment, scrutins=scrutins)
    make_voter(election=election, matricule="B2002", establishment=other_place, scrutins=scrutins)
    open_for_voting(election)
    page = Page.objects.first() or Page.objects.create(slug="mentions", kind=Page.Kind.LEGAL, title="M")
    VoterRequest.objects.create(
        voter=voter, kind=VoterRequest.Kind.RECLAMATION, scrutin=scrutins[0], subject="s", message="m"
    )
    superuser = User.objects.create_superuser(username="walk-admin", password="staff-password-123")
    referent = StaffFactory(groups=[Group.objects.get(name="Référent RH")])
    referent.establishments.set([establishment])
    BureauMember.objects.create(election=election, user=superuser, role=BureauMember.Role.PRESIDENT)

    voter_client = Client()
    voter_client.post(
        f"/connexion/{election.slug}/",
        {
            "matricule": "A1001",
            "birth_date": "17/05/1980",
            "security_key": "ACDE-FGHJ-KMNP",
            "password": "Mot-de-passe-de-test-42",
        },
    )
    assert vote(voter_client, scrutins[0]).status_code == 200
    superuser_client = Client()
    superuser_client.force_login(superuser)
    referent_client = Client()
    referent_client.force_login(referent)

    plain = {
        "slug": election.slug,
        "code": scrutins[0].code,
        "scrutin_id": str(scrutins[0].pk),
        "list_id": str(scrutins[0].lists.first().pk),
        "kind": "profession-de-foi",
        "uidb64": urlsafe_base64_encode(force_bytes(voter.user.pk)),
        "token": "set-password",
        "path": "listes/absent.pdf",
        "app_label": "elections",
        "file_format": "csv",
        "key": "abc",
        "url": "absent/",
        "id": str(superuser.pk),
    }
    return {
        "clients": {
            "anonymous": Client(),
            "voter": voter_client,
            "referent": referent_client,
            "superuser": superuser_client,
        },
        "plain": plain,
        "page_slug": page.slug,
    }


def _valid_value(template: str, name: str, world) -> str:
    """A value naming an existing object where the pattern needs one."""
    if name == "slug" and template.startswith("pages/"):
        return world["page_slug"]
    admin = ADMIN_MODEL.match(template)
    if admin and name in ("object_id", "id"):
        try:
            model = apps.get_model(admin["app"], admin["model"])
        except LookupError:
            return "1"
        first = model._default_manager.order_by("pk").first()
        return str(first.pk) if first is not None else "1"
    return world["plain"].get(name, "1")


def _request(client: Client, method: str, url: str, data: dict[str, str]):
    """One request in a savepoint rolled back afterwards, the client's cookies restored."""
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    sid = transaction.savepoint()
    try:
        if method == "GET":
            return client.get(url)
        return client.post(url, data)
    finally:
        transaction.savepoint_rollback(sid)
        transaction.set_rollback(False)
        client.cookies = cookies


def _cases(template: str, world) -> list[tuple[str, str, bool]]:
    """(url, hostile value, also POST?) for one pattern.

    The valid URL (existing objects) with every query parameter hostile, GET and POST;
    with NUL and the long value, again with only the free-text parameters hostile and
    the admin autocomplete's own parameters valid, so that a hostile term reaches its
    query; then each path parameter hostile in
    turn, the others valid, GET only (a view finds its object the same way whatever the
    method, and the POST of a valid URL already brings hostile form fields).
    """
    names = [m["name"] for m in PARAMETER.finditer(template)]
    valid = {name: _valid_value(template, name, world) for name in names}
    valid_url = _fill(template, valid.__getitem__)
    cases = []
    for i, value in enumerate(HOSTILE):
        hostile_query = {name: value for name in QUERY_NAMES}
        cases.append((f"{valid_url}?{urlencode(hostile_query)}", value, True))
        if i < 2:
            free_text = {name: value for name in FREE_TEXT}
            cases.append((f"{valid_url}?{urlencode({**AUTOCOMPLETE, **free_text})}", value, True))
        for name in names:
            url = _fill(template, lambda n, v=value, hostile=name: v if n == hostile else valid[n])
            cases.append((f"{url}?{urlencode(hostile_query)}", value, False))
    return cases


def _redirects_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(("/gestion/login/", "/connexion/"))


def test_no_url_answers_a_5xx_to_hostile_input(world, settings):
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)  # so a long name reaches open()
    for client in world["clients"].values():
        client.raise_request_exception = False
    patterns = list(_patterns())
    assert len(patterns) > 100, "the walk must see the admin's URLs too"
    failures = []
    requests = 0
    for template, _pattern in patterns:
        cases = _cases(template, world)
        for who, client in world["clients"].items():
            for url, value, post in cases:
                response = _request(client, "GET", url, {})
                responses = [("GET", response)]
                # A page that sends this client to a login page does so whatever the method.
                if post and not _redirects_to_login(response):
                    data = {name: value for name in QUERY_NAMES + POST_NAMES}
                    responses.append(("POST", _request(client, "POST", url, data)))
                requests += len(responses)
                for method, answer in responses:
                    if answer.status_code >= 500:
                        exc = getattr(answer, "exc_info", None)
                        cause = repr(exc[1])[:200] if exc else ""
                        failures.append(f"{who} {method} {url[:120]} → {answer.status_code} {cause}")
    assert requests > 1000
    assert failures == [], f"{len(failures)} requests answered 5xx:\n" + "\n".join(failures)
