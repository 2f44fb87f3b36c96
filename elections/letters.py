"""Credential letters (issue 6, item 3): requested in the admin, made by a background job,
downloaded once.

- Notices de vote, per establishment: every voter of the batch gets a new password,
  printed once; reprinting means another batch, hence other passwords. The batch ends
  with the handover list the voters sign.
- Fiches clé de sécurité (voters without a usable agent card) and code de vote letters
  (elections that use one; every letter carries a new code, the previous letter code
  dies), per establishment, sorted by postal address for the mailing.

The passwords (or codes) change and the encrypted PDF is written in one transaction:
either the voters' new secrets and their letters exist together, or neither does.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import formats, timezone

from accounts import secrets, votecode
from accounts.audit import audit_record
from accounts.models import User, Voter
from receipts.letters import Batch, Letter, letters_pdf

from .lifecycle import letters_printable
from .models import Election, Establishment, LetterBatch

PROGRESS_EVERY = 50


class LettersRefused(Exception):
    """This batch cannot be made or downloaded; the message says why, in French."""


def allowed_establishments(user: User):
    if user.is_superuser or user.has_perm("accounts.view_all_establishments"):
        return Establishment.objects.all()
    return user.establishments.all()


def _recipients(election: Election, establishment: Establishment, kind: str):
    voters = Voter.objects.filter(election=election, establishment=establishment).select_related("user")
    if kind == LetterBatch.Kind.SECURITY_KEY:
        voters = voters.filter(has_agent_card=False)
    if kind == LetterBatch.Kind.NOTICE:
        return voters.order_by("last_name", "first_name", "matricule")
    return voters.order_by("postal_address", "last_name", "first_name", "matricule")


@transaction.atomic
def letters_request(
    *, election: Election, establishment: Establishment, kind: str, user: User
) -> LetterBatch:
    """Record the request and queue the job (the task row is written in this transaction)."""
    from .tasks import letters_generate

    if not allowed_establishments(user).filter(pk=establishment.pk).exists():
        raise LettersRefused("Vous ne gérez pas cet établissement.")
    if not letters_printable(election):
        raise LettersRefused("Le vote est clos : plus aucun courrier n'est imprimé.")
    if kind == LetterBatch.Kind.VOTE_CODE and not election.vote_code_enabled:
        raise LettersRefused("Cette élection n'utilise pas de code de vote.")
    recipients = _recipients(election, establishment, kind)
    if not recipients.exists():
        raise LettersRefused("Aucun électeur de cet établissement n'est concerné par ce courrier.")
    if kind != LetterBatch.Kind.NOTICE and recipients.filter(postal_address="").exists():
        raise LettersRefused(
            "Des électeurs concernés n'ont pas d'adresse postale : complétez-les (voir « Contrôles des listes "
            "électorales ») avant d'imprimer ce courrier."
        )
    batch = LetterBatch.objects.create(
        election=election, establishment=establishment, kind=kind, created_by=user
    )
    audit_record(
        actor=user,
        action="letters.request",
        instance=batch,
        new={"kind": kind, "establishment": establishment.code},
    )
    letters_generate.enqueue(str(batch.pk))
    return batch


def _path(batch: LetterBatch) -> Path:
    return Path(settings.PRIVATE_ROOT) / "letters" / f"{batch.pk}.fernet"


def _period(election: Election) -> str:
    opens, closes = timezone.localtime(election.opens), timezone.localtime(election.closes)
    fmt = "l j F Y à H\\hi"
    return f"du {formats.date_format(opens, fmt)} au {formats.date_format(closes, fmt)}"


def letters_generate(batch: LetterBatch) -> LetterBatch:
    """The background job: new secrets where the kind needs them, the PDF, all in one go."""
    LetterBatch.objects.filter(pk=batch.pk).update(status=LetterBatch.Status.RUNNING)
    election = batch.election
    try:
        voters = list(_recipients(election, batch.establishment, batch.kind))
        # The slow part (one Argon2 hash per notice) runs before the transaction, so the
        # progress it reports is visible; nothing is stored until the transaction below.
        passwords: dict[int, tuple[str, str]] = {}
        if batch.kind == LetterBatch.Kind.NOTICE:
            for index, voter in enumerate(voters):
                if index % PROGRESS_EVERY == 0:
                    LetterBatch.objects.filter(pk=batch.pk).update(done=index, total=len(voters))
                secret = secrets.generate_password()
                passwords[voter.pk] = (secret, make_password(secret))
        with transaction.atomic():
            letters, users = [], []
            for voter in voters:
                if batch.kind == LetterBatch.Kind.NOTICE:
                    secret, voter.user.password = passwords[voter.pk]
                    users.append(voter.user)
                elif batch.kind == LetterBatch.Kind.SECURITY_KEY:
                    key = secrets.decrypt_security_key(voter.security_key_encrypted)
                    if key is None:
                        raise LettersRefused(
                            f"La clé de sécurité de {voter} est illisible (clés de chiffrement)."
                        )
                    secret = secrets.format_security_key(key)
                else:
                    secret = votecode.format_code(
                        votecode.vote_code_issue_letter(voter=voter, actor=batch.created_by, audit=False)
                    )
                letters.append(
                    Letter(
                        name=voter.display_name,
                        matricule=voter.matricule,
                        establishment=batch.establishment.name,
                        postal_address=voter.postal_address,
                        secret=secret,
                    )
                )
            User.objects.bulk_update(users, ["password"], batch_size=500)
            pdf, pages = letters_pdf(
                Batch(
                    kind=batch.kind,
                    election=election.name,
                    period=_period(election),
                    portal_url=settings.PORTAL_URL,
                    establishment=batch.establishment.name,
                    identifier_login=election.uses_identifier_login,
                    letters=letters,
                )
            )
            path = _path(batch)
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            path.write_bytes(secrets._fernet().encrypt(pdf))
            path.chmod(0o600)
            batch.stored_as, batch.letters, batch.pages = path.name, len(letters), pages
            batch.done = batch.total = len(voters)
            batch.status, batch.finished = LetterBatch.Status.DONE, timezone.now()
            batch.save(update_fields=["stored_as", "letters", "pages", "done", "total", "status", "finished"])
            audit_record(
                actor=batch.created_by,
                action="letters.generate",
                instance=batch,
                new={
                    "kind": batch.kind,
                    "letters": len(letters),
                    "pages": pages,
                    "matricules": [v.matricule for v in voters],
                },
            )
    except LettersRefused as refusal:
        _path(batch).unlink(missing_ok=True)
        LetterBatch.objects.filter(pk=batch.pk).update(
            status=LetterBatch.Status.FAILED, error=str(refusal), finished=timezone.now()
        )
    except Exception:
        _path(batch).unlink(missing_ok=True)
        LetterBatch.objects.filter(pk=batch.pk).update(
            status=LetterBatch.Status.FAILED,
            error="Erreur inattendue : aucun mot de passe ni code n'a changé. Relancez l'impression.",
            finished=timezone.now(),
        )
        raise
    batch.refresh_from_db()
    return batch


@transaction.atomic
def letters_download(*, batch: LetterBatch, user: User, address: str | None = None) -> bytes:
    """The PDF, once: it is erased as it is handed over (a reprint is a new batch)."""
    batch = LetterBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.created_by_id != user.pk and not user.is_superuser:
        raise LettersRefused("Seule la personne qui a demandé ces courriers peut les télécharger.")
    if batch.status != LetterBatch.Status.DONE:
        raise LettersRefused("Ces courriers ne sont pas prêts.")
    if batch.downloaded is not None:
        raise LettersRefused(
            "Ces courriers ont déjà été téléchargés : pour les réimprimer, demandez un nouveau lot "
            "(les notices porteront de nouveaux mots de passe)."
        )
    path = _path(batch)
    try:
        pdf = secrets._fernet().decrypt(path.read_bytes())
    except FileNotFoundError as exc:
        raise LettersRefused(
            "Le fichier de ces courriers n'est plus disponible : demandez un nouveau lot."
        ) from exc
    batch.downloaded = timezone.now()
    batch.save(update_fields=["downloaded"])
    audit_record(
        actor=user, action="letters.download", instance=batch, new={"pages": batch.pages}, address=address
    )
    path.unlink(missing_ok=True)
    return pdf
