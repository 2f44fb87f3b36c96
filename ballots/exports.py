"""The émargement list of a scrutin, exported for the bureau after the closing (issue 6, item 6).

Every registered voter, with the day they voted or nothing: the list the bureau checks
and signs. Only for the members of that election's bureau, only once the vote is closed
(R. 211-572: then the émargement is frozen), and every export is written to the audit
trail. Never the time of a vote: set against the public ballot box read during the vote,
it would tie a voter to their encrypted ballot (DESIGN.md §4).
"""

from __future__ import annotations

import io

from django.utils import timezone

from accounts.audit import audit_record
from elections.lifecycle import emargement_exportable
from elections.models import RollEntry, Scrutin
from receipts.pdf import EmargementListData, emargement_list_pdf
from voting_portal.csv_export import csv_writer

from .lifecycle import bureau_seat
from .models import Emargement


class ExportRefused(Exception):
    """Not now, or not for this person; the message says why, in French."""


def can_export_emargement(user, election) -> bool:
    """An active member of this election's bureau (their seat, not only their group)."""
    return user.has_perm("ballots.view_emargement") and bureau_seat(user, election) is not None


def _rows(scrutin: Scrutin) -> list[tuple[str, str, str, str]]:
    voted = dict(Emargement.objects.filter(scrutin=scrutin).values_list("voter_id", "voted_at"))
    rows = []
    entries = (
        RollEntry.objects.filter(scrutin=scrutin)
        .select_related("voter__establishment")
        .order_by("voter__last_name", "voter__first_name", "voter__matricule")
    )
    for entry in entries.iterator(chunk_size=2000):
        voter = entry.voter
        at = voted.get(voter.pk)
        rows.append(
            (
                voter.matricule,
                f"{voter.last_name.upper()} {voter.first_name}",
                voter.establishment.name,
                timezone.localtime(at).strftime("%d/%m/%Y") if at else "",
            )
        )
    return rows


def emargement_export(*, scrutin: Scrutin, user, file_format: str, address: str | None) -> bytes:
    """The list as CSV (UTF-8 with BOM, « ; », for Excel) or PDF."""
    if not can_export_emargement(user, scrutin.election):
        raise ExportRefused(
            "Seuls les membres du bureau de vote de cette élection exportent sa liste d'émargement."
        )
    if not emargement_exportable(scrutin.election):
        raise ExportRefused("La liste d'émargement s'exporte une fois le vote clos.")
    rows = _rows(scrutin)
    audit_record(
        actor=user,
        action="bureau.emargement_export",
        instance=scrutin,
        new={"format": file_format, "rows": len(rows), "voted": sum(1 for r in rows if r[3])},
        address=address,
    )
    if file_format == "pdf":
        return emargement_list_pdf(
            EmargementListData(
                election=scrutin.election.name,
                scrutin=scrutin.name,
                generated_at=timezone.localtime().strftime("%d/%m/%Y à %H:%M"),
                rows=rows,
            )
        )
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_writer(out, delimiter=";")
    writer.writerow(["matricule", "nom_prenom", "etablissement", "a_vote_le"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
