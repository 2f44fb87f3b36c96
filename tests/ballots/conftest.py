import pytest

from tests.factories import open_for_voting


@pytest.fixture
def open_election(election, scrutins):
    """The conftest election with 3 lists per scrutin, keyed and open."""
    return open_for_voting(election)
