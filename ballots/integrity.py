"""« Contrôler l'intégrité » (R. 211-542, issue 15, item 6): a background job with progress.

It recomputes the seal from what the database holds now and compares it with the one
recorded at the sealing (naming the parts that differ), then, scrutin by scrutin,
checks the frozen parameters, verifies every ballot with ``ballots.crypto``, the weeding
(no alpha twice in a box, the weeding index matching the ballots), that ballots and
émargements are as many and every émargement's voter is on the scrutin's roll, and after
the freeze that ``box_hash``, the counts and the émargement list are the ones the freeze
recorded. The seal and the freeze are compared with their chained audit entries too, and
the chain itself is verified: a row rewritten together with what it describes is still
found. The outcome goes to the job and to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.audit import audit_record, audit_verify
from accounts.models import AuditEntry
from elections import lifecycle
from elections.models import Election, RollEntry

from . import crypto
from .lifecycle import LifecycleRefused, _seat_required, emargements_digest, seal_verify
from .models import Ballot, BallotAlpha, ElectionSeal, Emargement, IntegrityCheck, ScrutinFreeze

logger = logging.getLogger(__name__)

CHUNK = 500


def _counts(scrutin) -> tuple[int, int]:
    """(ballots, émargements) of a scrutin, read by one SQL statement."""
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    def count_of(model):
        return Coalesce(
            Subquery(
                model.objects.filter(scrutin=OuterRef("pk"))
                .order_by()
                .values("scrutin")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )

    row = (
        type(scrutin)
        .objects.filter(pk=scrutin.pk)
        .annotate(ballots_n=count_of(Ballot), emargements_n=count_of(Emargement))
        .values_list("ballots_n", "emargements_n")
        .get()
    )
    return row[0], row[1]


def _chunks(queryset, size: int):
    """The rows of ``queryset`` (ordered by a unique key) in lists of ``size``, keyset-paginated."""
    last = None
    while True:
        page = queryset if last is None else queryset.filter(reference__gt=last)
        chunk = list(page[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].reference


STALE_AFTER = dt.timedelta(minutes=15)


def integrity_check_interval() -> dt.timedelta:
    """The pause between the end of a check and the next request (each verifies every ballot)."""
    return dt.timedelta(minutes=settings.INTEGRITY_CHECK_INTERVAL_MINUTES)


def _stale(check: IntegrityCheck) -> bool:
    """No progress for STALE_AFTER (a chunk of ballots takes seconds): its worker is gone."""
    return (check.progressed or check.created) < timezone.now() - STALE_AFTER


@transaction.atomic
def integrity_check_request(*, election: Election, user, address: str | None = None) -> IntegrityCheck:
    """Queue a check for a bureau member; one at a time per election."""
    from .tasks import integrity_check_run

    election = Election.objects.select_for_update().get(pk=election.pk)
    _seat_required(user, election, "integrity")
    if not lifecycle.integrity_checkable(election):
        raise LifecycleRefused("L'élection n'est pas encore scellée : il n'y a ni sceau ni urne à contrôler.")
    running = IntegrityCheck.objects.filter(
        election=election, status__in=(IntegrityCheck.Status.QUEUED, IntegrityCheck.Status.RUNNING)
    ).first()
    if running is not None and not _stale(running):
        return running
    last = (
        IntegrityCheck.objects.filter(election=election, finished__isnull=False).order_by("-finished").first()
    )
    ready = last.finished + integrity_check_interval() if last is not None and last.finished else None
    if running is None and ready is not None and timezone.now() < ready:
        raise LifecycleRefused(
            "Un contrôle vient de se terminer : le suivant peut être demandé à partir de "
            f"{timezone.localtime(ready):%H:%M:%S}."
        )
    if running is not None:
        # A worker died with it: it says so, and a new check starts.
        running.status, running.finished = IntegrityCheck.Status.FAILED, timezone.now()
        running.error = (
            "Contrôle interrompu (aucune progression depuis 15 minutes) : un nouveau contrôle a été lancé."
        )
        running.save(update_fields=["status", "finished", "error"])
    check = IntegrityCheck.objects.create(election=election, created_by=user)
    audit_record(
        actor=user,
        action="election.integrity.request",
        instance=election,
        new={"job": str(check.pk)},
        address=address,
    )
    transaction.on_commit(lambda: integrity_check_run.enqueue(str(check.pk)))
    return check


def seal_differences(recorded: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Which parts of the sealed parameters differ now, in French."""
    found = []
    for key, label in (
        ("name", "le nom de l'élection"),
        ("public_key", "la clé publique"),
        ("ceremony_hash", "l'empreinte de la cérémonie des clés"),
        ("code_version", "la version du code"),
    ):
        if recorded.get(key) != current.get(key):
            found.append(f"{label} a changé")
    old = {s["code"]: s for s in recorded.get("scrutins", [])}
    new = {s["code"]: s for s in current.get("scrutins", [])}
    for code in sorted(old.keys() | new.keys()):
        a, b = old.get(code), new.get(code)
        if a is None or b is None:
            found.append(f"le scrutin {code} a été {'ajouté' if a is None else 'supprimé'}")
            continue
        for key, label in (
            ("lists", "les listes, candidats ou documents"),
            ("roll", "la liste électorale"),
            ("parameters", "les paramètres publics"),
            ("name", "le nom"),
            ("seats", "le nombre de sièges"),
            ("kind", "la nature"),
        ):
            if a.get(key) != b.get(key):
                found.append(
                    f"scrutin {code} : {label} ont changé"
                    if key in ("lists",)
                    else f"scrutin {code} : {label} a changé"
                )
    return found or ["le sceau recalculé diffère du sceau enregistré"]


def _trail_entry(election: Election, action: str) -> AuditEntry | None:
    """The election's last audit entry of ``action``: the chained record of a transition."""
    return (
        AuditEntry.objects.filter(
            object_type=Election._meta.label_lower, object_id=str(election.pk), action=action
        )
        .order_by("-id")
        .first()
    )


def _trail_findings(election: Election) -> tuple[list[str], dict[str, Any] | None]:
    """The chain itself, and the seal and the freeze as the trail holds them: the rows
    (``ElectionSeal``, ``ScrutinFreeze``) can be rewritten together with what they describe,
    the chained entries cannot without breaking the chain. Returns (findings, the frozen
    boxes by scrutin code as recorded by ``election.freeze``, or None before the freeze)."""
    findings = []
    chain = audit_verify()
    if not chain.ok:
        findings.append(f"le journal d'audit est altéré (entrée n° {chain.first_bad_id} : {chain.reason})")
    sealing = _trail_entry(election, "election.seal")
    recorded = ElectionSeal.objects.filter(election=election).values_list("seal", flat=True).first()
    if sealing is None:
        findings.append("le scellement n'est pas inscrit au journal")
    elif recorded is not None and (sealing.new_values or {}).get("seal") != recorded:
        findings.append("le sceau enregistré diffère de celui inscrit au journal")
    boxes = None
    if lifecycle.box_frozen(election):
        freezing = _trail_entry(election, "election.freeze")
        boxes = (freezing.new_values or {}).get("boxes") if freezing is not None else None
        if not isinstance(boxes, dict):
            findings.append("le gel de l'urne n'est pas inscrit au journal")
            boxes = {}
    return findings, boxes


def _roll_strangers(scrutin) -> int:
    """Émargements of voters who are not on the scrutin's roll."""
    on_roll = RollEntry.objects.filter(voter=OuterRef("voter"), scrutin=scrutin)
    return Emargement.objects.filter(scrutin=scrutin).exclude(Exists(on_roll)).count()


def _frozen_findings(scrutin, fingerprint: str, references: list[str], emargements: int, boxes) -> list[str]:
    """After the freeze: the box, its counts and its émargement list against what the freeze
    recorded in the trail (else in its row), and the row against the trail."""
    code = scrutin.code
    found = []
    row = ScrutinFreeze.objects.filter(scrutin=scrutin).first()
    if row is None:
        found.append(f"scrutin {code} : l'urne est figée mais son empreinte de gel a disparu")
    row_values = (
        None
        if row is None
        else {
            "box_hash": row.box_hash,
            "ballots": row.ballots,
            "emargements": row.emargements,
            "emargements_hash": row.emargements_hash,
        }
    )
    trail = boxes.get(code) if isinstance(boxes, dict) else None
    if not isinstance(trail, dict):
        trail = None
    from_trail = trail is not None
    reference = trail if trail is not None else row_values
    if reference is None:
        return found
    if reference.get("box_hash") != crypto.box_hash(fingerprint, references):
        found.append(
            f"scrutin {code} : l'urne ne correspond plus à l'empreinte figée inscrite au journal"
            if from_trail
            else f"scrutin {code} : l'urne ne correspond plus à son empreinte figée (box_hash)"
        )
    if (reference.get("ballots"), reference.get("emargements")) != (len(references), emargements):
        found.append(
            f"scrutin {code} : les compteurs ne sont plus ceux figés à la clôture (journal : "
            f"{reference.get('ballots')} bulletin(s), {reference.get('emargements')} émargement(s) ; "
            f"maintenant : {len(references)} et {emargements})"
            if from_trail
            else f"scrutin {code} : les compteurs ne sont plus ceux figés à la clôture"
        )
    if reference.get("emargements_hash") != emargements_digest(scrutin)[1]:
        found.append(f"scrutin {code} : la liste d'émargement ne correspond plus à son empreinte figée")
    if trail is not None and row_values is not None and row_values != trail:
        found.append(f"scrutin {code} : l'empreinte de gel enregistrée diffère de celle inscrite au journal")
    return found


def integrity_check_perform(check: IntegrityCheck) -> IntegrityCheck:
    """Run one check (the job's body); never raises for what it finds, and an unexpected
    error fails the job with its reason (the dashboard shows it, the trail has it)."""
    if not IntegrityCheck.objects.filter(pk=check.pk, status=IntegrityCheck.Status.QUEUED).update(
        status=IntegrityCheck.Status.RUNNING, progressed=timezone.now()
    ):
        check.refresh_from_db()
        return check
    try:
        return _perform(check)
    except Exception as exc:
        logger.exception("integrity check %s", check.pk)
        error = f"{type(exc).__name__}: {exc}"[:500]
        with transaction.atomic():
            IntegrityCheck.objects.filter(pk=check.pk).update(
                status=IntegrityCheck.Status.FAILED, finished=timezone.now(), error=error
            )
            audit_record(
                actor=check.created_by,
                action="election.integrity.result",
                instance=check.election,
                new={"job": str(check.pk), "ok": None, "error": error},
            )
        check.refresh_from_db()
        return check


def _perform(check: IntegrityCheck) -> IntegrityCheck:
    election = check.election
    findings: list[str] = []
    findings.extend(seal_verify(election).differences)
    trail_findings, boxes = _trail_findings(election)
    findings.extend(trail_findings)
    scrutins = list(election.scrutins.select_related("parameters").order_by("order", "pk"))
    check.total = Ballot.objects.filter(scrutin__in=scrutins).count()
    check.save(update_fields=["status", "total"])
    done = 0
    for scrutin in scrutins:
        stored = getattr(scrutin, "parameters", None)
        if stored is None:
            findings.append(f"scrutin {scrutin.code} : paramètres publics absents")
            continue
        try:
            params = crypto.ScrutinParameters.from_json(stored.params)
        except crypto.CryptoError:
            findings.append(f"scrutin {scrutin.code} : paramètres publics illisibles")
            continue
        if params.fingerprint != stored.fingerprint:
            findings.append(f"scrutin {scrutin.code} : l'empreinte des paramètres ne correspond pas")
        # Ballots and émargements counted in one statement: one snapshot, even while voters
        # vote (a vote writes both in one transaction).
        ballots_n, emargements_n = _counts(scrutin)
        seen: set[str] = set()
        references = []
        bad = unindexed = replayed = 0
        for chunk in _chunks(Ballot.objects.filter(scrutin=scrutin).order_by("reference"), CHUNK):
            indexed: dict[Any, set[str]] = {}
            for ballot_id, alpha in BallotAlpha.objects.filter(ballot__in=[b.pk for b in chunk]).values_list(
                "ballot_id", "alpha"
            ):
                indexed.setdefault(ballot_id, set()).add(alpha)
            for ballot in chunk:
                references.append(ballot.reference)
                try:
                    verified = crypto.verify_ballot(params, ballot.ballot)
                except (crypto.CryptoError, UnicodeEncodeError):
                    bad += 1
                    continue
                if verified.reference != ballot.reference:
                    bad += 1
                if seen.intersection(verified.alphas):
                    replayed += 1
                seen.update(verified.alphas)
                if indexed.get(ballot.pk, set()) != set(verified.alphas):
                    unindexed += 1
            done += len(chunk)
            IntegrityCheck.objects.filter(pk=check.pk).update(done=done, progressed=timezone.now())
        if bad:
            findings.append(f"scrutin {scrutin.code} : {bad} bulletin(s) ne se vérifient pas")
        if replayed:
            findings.append(
                f"scrutin {scrutin.code} : {replayed} bulletin(s) reprennent un alpha déjà dans l'urne (rejeu)"
            )
        if unindexed:
            findings.append(
                f"scrutin {scrutin.code} : l'index de désherbage ne correspond pas à {unindexed} bulletin(s)"
            )
        if ballots_n != emargements_n:
            findings.append(
                f"scrutin {scrutin.code} : {ballots_n} bulletin(s) pour {emargements_n} émargement(s)"
            )
        strangers = _roll_strangers(scrutin)
        if strangers:
            findings.append(
                f"scrutin {scrutin.code} : {strangers} émargement(s) d'électeurs absents de sa liste électorale"
            )
        if boxes is not None:
            findings.extend(_frozen_findings(scrutin, stored.fingerprint, references, emargements_n, boxes))
    check.ok = not findings
    check.report = findings
    check.done = done
    check.status = IntegrityCheck.Status.DONE
    check.finished = timezone.now()
    with transaction.atomic():
        check.save(update_fields=["ok", "report", "done", "status", "finished"])
        audit_record(
            actor=check.created_by,
            action="election.integrity.result",
            instance=election,
            new={"job": str(check.pk), "ok": check.ok, "findings": findings, "ballots": done},
        )
    return check
