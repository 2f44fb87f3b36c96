"""Credential letters: who sees which establishments, the order of the letters, what each
prints, the batch's progress and an unexpected failure (tests/MUTATION.md).

Written against mutants of elections/letters.py that survived ``make mutation``.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission

from accounts.models import AuditEntry
from elections import letters
from elections.models import Election, Establishment, LetterBatch
from tests.factories import StaffFactory, make_voter

from .test_letters import make, pages, place, referent, voters  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_all_establishments_permission_or_superuser_sees_every_establishment(place):  # noqa: F811
    other = Establishment.objects.create(code="EST2", name="Autre direction")
    plain = StaffFactory()
    plain.establishments.set([place])
    assert list(letters.allowed_establishments(plain)) == [place]
    allowed = StaffFactory()
    allowed.user_permissions.add(Permission.objects.get(codename="view_all_establishments"))
    assert set(letters.allowed_establishments(allowed)) == {place, other}
    chief = StaffFactory(is_superuser=True)
    assert set(letters.allowed_establishments(chief)) == {place, other}


@pytest.fixture
def crowd(election, scrutins, place):  # noqa: F811
    """Voters whose orders by name, by address then name, and by matricule all differ;
    M5 is made before M4 (same name and address): only the matricule orders them."""
    made = {}
    for matricule, last, first, address in [
        ("M1", "Albert", "Paul", "2 rue B"),
        ("M2", "Bernard", "Zoé", "1 rue A"),
        ("M5", "Bernard", "Anne", "1 rue A"),
        ("M4", "Bernard", "Anne", "1 rue A"),
        ("M3", "Albert", "Zoé", "1 rue A"),
    ]:
        voter = make_voter(
            election=election, matricule=matricule, last_name=last, first_name=first, establishment=place
        )
        voter.postal_address, voter.has_agent_card = address, False
        voter.save(update_fields=["postal_address", "has_agent_card"])
        made[matricule] = voter
    return made


def matricules_in_order() -> list[str]:
    return AuditEntry.objects.filter(action="letters.generate").latest("id").new_values["matricules"]


def test_notices_are_in_name_order_for_the_handover(election, place, crowd, referent):  # noqa: F811
    assert make(election, place, LetterBatch.Kind.NOTICE, referent).status == LetterBatch.Status.DONE
    assert matricules_in_order() == ["M1", "M3", "M4", "M5", "M2"]


@pytest.mark.parametrize("kind", [LetterBatch.Kind.SECURITY_KEY, LetterBatch.Kind.VOTE_CODE])
def test_posted_letters_are_in_address_order_then_name_order(election, place, crowd, referent, kind):  # noqa: F811
    election.vote_code_enabled = True
    election.save(update_fields=["vote_code_enabled"])
    assert make(election, place, kind, referent).status == LetterBatch.Status.DONE
    assert matricules_in_order() == ["M3", "M4", "M5", "M2", "M1"]


@pytest.mark.parametrize(
    "kind", [LetterBatch.Kind.NOTICE, LetterBatch.Kind.SECURITY_KEY, LetterBatch.Kind.VOTE_CODE]
)
def test_every_page_names_the_establishment_and_every_letter_the_portal(
    election,  # noqa: F811
    place,  # noqa: F811
    voters,  # noqa: F811
    referent,  # noqa: F811
    kind,
):
    election.vote_code_enabled = True
    election.save(update_fields=["vote_code_enabled"])
    batch = make(election, place, kind, referent)
    assert batch.status == LetterBatch.Status.DONE, batch.error
    texts = [" ".join(text.split()) for text in pages(letters.letters_download(batch=batch, user=referent))]
    assert all("Direction de l'essai" in text for text in texts)
    assert sum(settings.PORTAL_URL in text for text in texts) == batch.letters


def test_a_notice_of_an_identifier_election_says_the_identifier_is_chosen_at_the_first_login(
    election,  # noqa: F811
    place,  # noqa: F811
    voters,  # noqa: F811
    referent,  # noqa: F811
):
    election.login_mode, election.vote_code_enabled = Election.LoginMode.IDENTIFIER, True
    election.save(update_fields=["login_mode", "vote_code_enabled"])
    batch = make(election, place, LetterBatch.Kind.NOTICE, referent)
    text = " ".join(" ".join(pages(letters.letters_download(batch=batch, user=referent))).split())
    assert "vous choisirez alors votre identifiant" in text


def test_a_notice_batch_is_running_and_shows_its_progress_while_the_passwords_are_made(
    election,  # noqa: F811
    place,  # noqa: F811
    voters,  # noqa: F811
    referent,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(letters, "PROGRESS_EVERY", 2)
    seen = []
    letters_pdf = letters.letters_pdf

    def watching(batch):
        seen.append(LetterBatch.objects.values_list("status", "done", "total").get())
        return letters_pdf(batch)

    monkeypatch.setattr(letters, "letters_pdf", watching)
    batch = make(election, place, LetterBatch.Kind.NOTICE, referent)
    assert batch.status == LetterBatch.Status.DONE
    assert seen == [(LetterBatch.Status.RUNNING, 2, 3)]
    assert (batch.done, batch.total) == (3, 3)


def test_an_unexpected_failure_fails_the_batch_with_its_time_and_changes_nothing(
    election,  # noqa: F811
    place,  # noqa: F811
    voters,  # noqa: F811
    referent,  # noqa: F811
    monkeypatch,
):
    def broken(batch):
        raise RuntimeError("panne")

    monkeypatch.setattr(letters, "letters_pdf", broken)
    batch = LetterBatch.objects.create(
        election=election, establishment=place, kind=LetterBatch.Kind.NOTICE, created_by=referent
    )
    passwords = {v.pk: v.user.password for v in voters}
    with pytest.raises(RuntimeError):
        letters.letters_generate(batch)
    batch.refresh_from_db()
    assert batch.status == LetterBatch.Status.FAILED
    assert batch.finished is not None
    assert not letters._path(batch).exists()
    for voter in voters:
        voter.user.refresh_from_db()
        assert voter.user.password == passwords[voter.pk]
