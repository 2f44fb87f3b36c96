from django.db import transaction

from accounts.audit import audit_record
from ballots.services import OpeningRefused, election_key_check, scrutin_parameters_freeze

from .models import VoterRequest


@transaction.atomic
def voter_request_create(*, voter, kind: str, scrutin, subject: str, message: str) -> VoterRequest:
    """Store an assistance request or a réclamation for the staff to handle."""
    request = VoterRequest.objects.create(
        voter=voter, kind=kind, scrutin=scrutin, subject=subject, message=message
    )
    audit_record(
        actor=voter.user,
        action=f"request.create.{kind}",
        instance=request,
        new={"kind": kind, "scrutin": scrutin.pk if scrutin else None, "subject": subject},
    )
    return request


@transaction.atomic
def election_open(*, election, actor=None):
    """Open the vote: the key is checked, every scrutin's parameters are frozen and recorded.

    Refused (``OpeningRefused``) without a key from the key holders (where settings
    demand one), with a scrutin that has no list, or when the election is not in
    preparation or sealed. The fingerprints go to the audit trail (DESIGN.md §4).
    """
    election = type(election).objects.select_for_update().get(pk=election.pk)
    if election.state not in (election.State.PREPARATION, election.State.SEALED):
        raise OpeningRefused(f"L'élection est dans l'état « {election.get_state_display()} ».")
    key = election_key_check(election)
    frozen = scrutin_parameters_freeze(election=election, key=key)
    old_state = election.state
    election.state = election.State.OPEN
    election.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="election.open",
        instance=election,
        old={"state": old_state},
        new={
            "state": election.state,
            "public_key": key.public_key,
            "fingerprints": {p.scrutin.code: p.fingerprint for p in frozen},
        },
    )
    return election
