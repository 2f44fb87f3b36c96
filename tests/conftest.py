import datetime as dt

import pytest
from django.core.cache import cache

from .factories import VOTER_PASSWORD, ElectionFactory, ScrutinFactory, make_voter


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttling counters live in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def election(db):
    return ElectionFactory()


@pytest.fixture
def scrutins(election):
    return [ScrutinFactory(election=election, order=i) for i in range(3)]


@pytest.fixture
def voter(election, scrutins):
    return make_voter(election=election, matricule="A1001", scrutins=scrutins[:2])


@pytest.fixture
def login_data(voter):
    return {
        "matricule": "A1001",
        "birth_date": "17/05/1980",
        "security_key": "ACDE-FGHJ-KMNP",
        "password": VOTER_PASSWORD,
    }


@pytest.fixture
def voter_client(client, voter):
    """A test client logged in as ``voter`` through the real login page."""
    response = client.post(
        f"/connexion/{voter.election.slug}/",
        {
            "matricule": voter.matricule,
            "birth_date": voter.birth_date.strftime("%d/%m/%Y"),
            "security_key": "ACDE-FGHJ-KMNP",
            "password": VOTER_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def paris(*args) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(*args, tzinfo=ZoneInfo("Europe/Paris"))
