from functools import partial

from django.conf import settings
from django.db import transaction

from accounts import throttle
from accounts.audit import audit_record, diff, snapshot

from .models import VoterRequest


@transaction.atomic
def voter_request_create(*, voter, kind: str, scrutin, subject: str, message: str) -> VoterRequest:
    """Store an assistance request or a réclamation for the staff to handle.

    Raises ``VoterLimitReached`` (nothing written) past the voter's hourly or daily
    limit for this kind (settings.VOTER_REQUESTS_PER_HOUR / _PER_DAY).
    """
    throttle.voter_limit_take(
        action=f"request.{kind}",
        voter_id=voter.pk,
        per_hour=settings.VOTER_REQUESTS_PER_HOUR,
        per_day=settings.VOTER_REQUESTS_PER_DAY,
        message="Vous avez déjà envoyé {count} demandes en {period}.",
    )
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


# --- réclamations and assistance requests (issue 6, item 4) ----------------------------------

_S = VoterRequest.Status
REQUEST_TRANSITIONS = {
    _S.NEW: {_S.IN_PROGRESS, _S.ANSWERED, _S.CLOSED},
    _S.IN_PROGRESS: {_S.ANSWERED, _S.CLOSED},
    _S.ANSWERED: {_S.IN_PROGRESS, _S.CLOSED},
    _S.CLOSED: set(),
}


def voter_request_transition_error(
    *, old_status: str, new_status: str, old_answer: str, answer: str
) -> str | None:
    """Why this change of a request is not allowed (in French), or None.

    New → being handled → answered → closed; an answered request may be reopened; a
    closed one is final. Answering or closing needs an answer the voter will read.
    """
    if old_status == _S.CLOSED and (new_status != old_status or answer != old_answer):
        return "Cette demande est close : elle ne peut plus être modifiée."
    if new_status != old_status and new_status not in REQUEST_TRANSITIONS[_S(old_status)]:
        return f"Une demande « {_S(old_status).label} » ne peut pas passer à « {_S(new_status).label} »."
    if new_status in (_S.ANSWERED, _S.CLOSED) and not answer.strip():
        return (
            "Rédigez la réponse que l'électeur lira sur son portail avant de répondre ou de clore la demande."
        )
    return None


def voter_request_after_change(*, request_obj: VoterRequest, old_status: str, staff) -> None:
    """Who handles it, when it was answered, and a mail telling the voter an answer awaits.

    Runs in the caller's transaction (the admin's change view, ``voter_request_take_charge``),
    with the change's audit entry; the mail leaves once that transaction has committed.
    """
    from django.core.mail import send_mail
    from django.utils import timezone

    changed = []
    if request_obj.status != _S.NEW and request_obj.handled_by_id is None:
        request_obj.handled_by = staff
        changed.append("handled_by")
    answered_now = request_obj.status == _S.ANSWERED and old_status != _S.ANSWERED
    if answered_now:
        request_obj.answered = timezone.now()
        changed.append("answered")
    if changed:
        request_obj.save(update_fields=changed)
    voter = request_obj.voter
    if answered_now and voter.email and voter.email_confirmed:
        # The answer itself stays on the portal, behind the voter's login.
        transaction.on_commit(
            partial(
                send_mail,
                subject="Isoloir — une réponse à votre demande est disponible",
                message=(
                    f"Bonjour {voter.display_name},\n\n"
                    f"Une réponse à votre demande « {request_obj.subject} » est disponible sur votre "
                    "portail électeur, rubrique « Mes demandes ».\n\n"
                    "Ce message est envoyé automatiquement ; merci de ne pas y répondre."
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[voter.email],
            )
        )


@transaction.atomic
def voter_request_take_charge(*, request_id: int, staff, address: str | None) -> bool:
    """« Prendre en charge »: a new request becomes « en cours », handled by ``staff``,
    with its audit entry in the same transaction. False if it is no longer new."""
    request_obj = VoterRequest.objects.select_for_update().filter(pk=request_id, status=_S.NEW).first()
    if request_obj is None:
        return False
    old = snapshot(request_obj)
    request_obj.status = _S.IN_PROGRESS
    request_obj.save(update_fields=["status", "updated"])
    voter_request_after_change(request_obj=request_obj, old_status=_S.NEW, staff=staff)
    before, after = diff(old, snapshot(request_obj))
    audit_record(
        actor=staff,
        action="voterrequest.update",
        instance=request_obj,
        old=before,
        new=after,
        address=address,
    )
    return True
