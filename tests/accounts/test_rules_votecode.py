"""« Je n'ai pas de code de vote » called as a service (tests/MUTATION.md).

Written against mutants of accounts/votecode.py that survived ``make mutation``: whose
codes a new one revokes, what the trail says of a sent or refused request, which typed
codes count as « expiré », and the NIR typed in full.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts import services, votecode
from accounts.models import AuditEntry
from tests.factories import make_voter

from .test_vote_code import NIR, NUMEN, coded  # noqa: F401

pytestmark = pytest.mark.django_db

ADDRESS = "10.0.0.7"


def request(voter, kind="numen", value=NUMEN, address=ADDRESS, capture=None):
    with capture(execute=True):
        return votecode.vote_code_request(voter=voter, kind=kind, value=value, address=address)


def last_code() -> str:
    return re.search(r"Votre nouveau code de vote : ([A-Z0-9-]+)", mail.outbox[-1].body).group(1)


def test_a_new_code_revokes_only_this_voters_earlier_codes(coded, django_capture_on_commit_callbacks):  # noqa: F811
    other = make_voter(election=coded.election, matricule="B2002")
    services.voter_set_recovery_secrets(voter=other, numen="26E0009999999", nir=NIR)
    other.email, other.email_confirmed = "dominique@example.org", True
    other.save()
    request(other, value="26E0009999999", capture=django_capture_on_commit_callbacks)
    others_code = last_code()
    request(coded, capture=django_capture_on_commit_callbacks)
    request(coded, capture=django_capture_on_commit_callbacks)
    assert votecode.vote_code_enter(voter=other, typed=others_code).accepted


def test_a_sent_code_is_in_the_trail_with_the_voter_the_kind_and_the_address(
    coded,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    request(coded, kind="nir", value=NIR, capture=django_capture_on_commit_callbacks)
    entry = AuditEntry.objects.get(action="reassort.vote_code.sent")
    assert entry.actor_id == coded.user.pk
    assert (entry.object_type, entry.object_id) == ("accounts.voter", str(coded.pk))
    assert entry.new_values == {"identifier": "nir"}
    assert entry.address == ADDRESS
    sent = mail.outbox[-1]
    assert sent.subject == "Isoloir — votre nouveau code de vote"
    assert sent.from_email == settings.DEFAULT_FROM_EMAIL
    assert sent.to == [coded.email]


def test_a_refused_request_is_in_the_trail_with_who_where_and_why(coded, django_capture_on_commit_callbacks):  # noqa: F811
    request(coded, value="26E0000000000", capture=django_capture_on_commit_callbacks)
    entry = AuditEntry.objects.get(action="reassort.vote_code.refused")
    assert entry.actor_id == coded.user.pk
    assert (entry.object_type, entry.object_id) == ("accounts.voter", str(coded.pk))
    assert entry.address == ADDRESS
    assert entry.new_values["identifier"] == "numen"
    assert entry.new_values["reason"] == "identifiant erroné"
    assert f"voter:{coded.pk}" in entry.new_values["aggregate"]
    coded.email_confirmed = False
    coded.save(update_fields=["email_confirmed"])
    request(coded, kind="nir", value=NIR, address="10.0.0.8", capture=django_capture_on_commit_callbacks)
    unconfirmed = AuditEntry.objects.filter(action="reassort.vote_code.refused").latest("id")
    assert (unconfirmed.new_values["identifier"], unconfirmed.new_values["reason"]) == (
        "nir",
        "adresse non confirmée",
    )
    assert unconfirmed.address == "10.0.0.8"
    assert not mail.outbox


def test_the_whole_nir_typed_matches_on_its_first_ten_digits(coded, django_capture_on_commit_callbacks):  # noqa: F811
    request(coded, kind="nir", value=NIR + "42", capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_a_replaced_code_typed_again_is_a_wrong_code_not_an_expired_one(
    coded,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    request(coded, capture=django_capture_on_commit_callbacks)
    replaced = last_code()
    request(coded, capture=django_capture_on_commit_callbacks)
    outcome = votecode.vote_code_enter(voter=coded, typed=replaced)
    assert not outcome.accepted and not outcome.expired
    assert outcome.remaining == settings.VOTE_CODE_MAX_FAILURES - 1


def test_a_used_code_typed_again_after_its_expiry_is_a_wrong_code(coded, django_capture_on_commit_callbacks):  # noqa: F811
    request(coded, capture=django_capture_on_commit_callbacks)
    code = last_code()
    assert votecode.vote_code_enter(voter=coded, typed=code).accepted
    later = timezone.now() + dt.timedelta(seconds=settings.VOTE_CODE_EMAIL_VALIDITY_SECONDS + 60)
    with time_machine.travel(later, tick=False):
        outcome = votecode.vote_code_enter(voter=coded, typed=code)
    assert not outcome.accepted and not outcome.expired
    assert outcome.remaining == settings.VOTE_CODE_MAX_FAILURES - 1
