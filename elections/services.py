from django.db import transaction

from accounts.audit import audit_record

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
