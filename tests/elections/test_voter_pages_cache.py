"""Every page that shows a logged-in voter's data says « no-store » (shared computers).

The voter pages are found by walking every URL pattern: a page that sends an anonymous
visitor to the login is a voter page, and a logged-in voter must get it with
``Cache-Control: no-store``, whatever its status (form errors, redirects included).
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import CandidateListFactory

pytestmark = pytest.mark.django_db


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def _url(route: str, *, scrutin_id: int, list_id: int) -> str:
    values = {
        "<int:scrutin_id>": str(scrutin_id),
        "<int:list_id>": str(list_id),
        "<slug:kind>": "profession-de-foi",
        "<str:token>": "jeton",
        "<slug:slug>": "x",
    }
    for placeholder, value in values.items():
        route = route.replace(placeholder, value)
    return "/" + route.lstrip("^").rstrip("$")


def test_every_voter_page_answers_no_store(voter_client, voter, scrutins):
    candidate_list = CandidateListFactory(scrutin=scrutins[0])
    anonymous = Client()
    login_url = resolve_url(settings.LOGIN_URL) + "?next="
    checked = {}
    for name, route in _patterns(get_resolver()):
        if "<" in _url(route, scrutin_id=scrutins[0].pk, list_id=candidate_list.pk) or name.startswith(
            "admin:"
        ):
            continue
        url = _url(route, scrutin_id=scrutins[0].pk, list_id=candidate_list.pk)
        response = anonymous.get(url)
        if response.status_code != 302 or not response["Location"].startswith(login_url):
            continue
        for method in ("get", "post"):
            answer = getattr(voter_client, method)(url)
            if answer.status_code in (404, 405):
                continue
            checked[f"{method.upper()} {name}"] = answer.get("Cache-Control", "")
    expected = {
        "GET elections:home",
        "GET elections:scrutins",
        "GET elections:roll",
        "GET elections:assistance",
        "POST elections:assistance",
        "GET elections:reclamation",
        "POST elections:reclamation",
        "GET accounts:account",
        "POST accounts:account",
        "GET ballots:scrutins",
    }
    assert expected <= checked.keys()
    without = {page: header for page, header in checked.items() if "no-store" not in header}
    assert without == {}
