"""Importing voters and electoral rolls from a CSV or XLSX file (issue 6, item 1).

An import is analysed first, into a preview (voters added, changed, removed, rolls
changed, every line in error with its reason), then applied whole, in one transaction,
only if the database still gives exactly the same preview. It is scoped to the
establishments the file names: voters of other establishments are never touched, and
an RH referent may only name their own. Re-importing the same file changes nothing.
Rolls cannot change once the election has left preparation (sealed, open…).

The file carries recovery secrets in clear (card serial, IBAN, NUMEN, NIR): it is kept
encrypted with the FERNET_KEYS, outside any served directory, until the import is
applied or cancelled; secrets are only ever compared and stored as digests.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts import secrets
from accounts.audit import audit_record
from accounts.models import User, Voter, new_voter_username
from accounts.services import recovery_digests

from .lifecycle import definition_editable
from .models import (
    ROLLS_FROZEN_MESSAGE,
    Election,
    Establishment,
    RollEntry,
    Scrutin,
    VoterImport,
)

BATCH = 2000
SHOWN = 200  # rows of each kind kept in the preview
SHOWN_ERRORS = 1000


class ImportRefused(Exception):
    """The whole file or the whole import is refused; the message says why, in French."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool
    help: str
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column("matricule", "matricule", True, "Identifiant de l'agent, unique dans l'élection (32 caractères au plus)."),
    Column("nom", "nom", True, "Nom d'usage."),
    Column("prenom", "prenom", True, "Prénom."),
    Column(
        "date_naissance",
        "date_naissance",
        True,
        "JJ/MM/AAAA ou AAAA-MM-JJ (ou une cellule date dans un fichier XLSX).",
        ("date_de_naissance", "naissance"),
    ),
    Column(
        "etablissement",
        "etablissement",
        True,
        "Code de l'établissement d'affectation, tel qu'enregistré dans Isoloir (ex. « PREF33 »).",
        ("code_etablissement",),
    ),
    Column(
        "scrutins",
        "scrutins",
        False,
        "Identifiants des scrutins où l'agent vote, séparés par des espaces, virgules ou « | » "
        "(ex. « csa-ministeriel capn-attaches »). Vide : l'agent n'est inscrit nulle part (signalé "
        "par les contrôles).",
    ),
    Column("courriel", "courriel", False, "Adresse électronique ; l'agent la confirme depuis son portail.", ("email", "adresse_electronique", "mel")),
    Column(
        "adresse_postale",
        "adresse_postale",
        False,
        "Adresse d'envoi des courriers (fiche clé de sécurité, code de vote) ; plusieurs lignes admises.",
        ("adresse",),
    ),
    Column("affectation", "affectation", False, "Service d'affectation, en clair."),
    Column(
        "carte_agent",
        "carte_agent",
        False,
        "« oui » si l'agent a une carte agent utilisable (clé de sécurité au dos), « non » sinon "
        "(il recevra une fiche clé de sécurité). Vide : oui.",
    ),
    Column("numero_carte", "numero_carte", False, "Numéro de série de la carte agent (réassort ; seuls les 6 premiers caractères servent).", ("numero_de_carte", "n_carte")),
    Column("iban", "iban", False, "IBAN (réassort ; seuls les 6 derniers caractères servent)."),
    Column("numen", "numen", False, "NUMEN (demande de code de vote)."),
    Column("nir", "nir", False, "Numéro de sécurité sociale (demande de code de vote ; seuls les 10 premiers chiffres servent).", ("numero_securite_sociale", "securite_sociale")),
]  # fmt: skip
EXAMPLE_LINE = [
    "R0001", "Lambert", "Odile", "14/03/1978", "DDI87", "csa-ministeriel capn-attaches",
    "odile.lambert@exemple.gouv.fr", "12 rue Jean Jaurès, 87000 Limoges", "Service des ressources humaines",
    "oui", "ACD0001X", "FR76 1234 5123 4501 2345 6A01 201", "", "",
]  # fmt: skip
_BY_NAME = {name: column for column in COLUMNS for name in (column.key, *column.aliases)}
SECRET_COLUMNS = {"numero_carte": "card_serial", "iban": "iban", "numen": "numen", "nir": "nir"}
# What the preview names when a voter changes (secrets: only that they changed).
FIELD_LABELS = {
    "last_name": "nom",
    "first_name": "prénom",
    "birth_date": "date de naissance",
    "email": "courriel",
    "postal_address": "adresse postale",
    "affectation": "affectation",
    "establishment": "établissement",
    "has_agent_card": "carte agent",
    "card_serial_digest": "numéro de carte",
    "iban_tail_digest": "IBAN",
    "numen_digest": "NUMEN",
    "nir_prefix_digest": "NIR",
    "scrutins": "scrutins",
}
PLAIN_FIELDS = [
    "last_name",
    "first_name",
    "birth_date",
    "email",
    "postal_address",
    "affectation",
    "has_agent_card",
]
DIGEST_FIELDS = ["card_serial_digest", "iban_tail_digest", "numen_digest", "nir_prefix_digest"]
YES = {"oui", "o", "1", "vrai", "true", "x", "yes", ""}
NO = {"non", "n", "0", "faux", "false", "no"}
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


# --- reading the file ----------------------------------------------------------------------


def _header_key(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(value or "")).lower()
    plain = "".join(c if c.isalnum() else "_" for c in decomposed if not unicodedata.combining(c))
    return "_".join(part for part in plain.split("_") if part)


def _cell(value) -> str:
    """A spreadsheet cell as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text = data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImportRefused(
                "Ce fichier se déclare en UTF-8 mais contient des caractères invalides : enregistrez-le de nouveau "
                "en « CSV UTF-8 »."
            ) from exc
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # Excel's « CSV (séparateur : point-virgule) »
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:  # a one-column file, or quotes the sniffer cannot follow
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield [cell.strip() for cell in row]


def _too_many_rows() -> ImportRefused:
    limit = f"{settings.VOTER_IMPORT_MAX_ROWS:,}".replace(",", "\u00a0")
    return ImportRefused(
        f"Ce fichier compte trop de lignes : {limit} lignes au plus par import, en-tête non compris. "
        "Découpez-le, par exemple par établissement."
    )


def _rows_capped(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    """The rows, refused as soon as there are more than VOTER_IMPORT_MAX_ROWS after the header.

    Reading stops at the first row over the cap, so a hostile file costs at most that much
    time and memory (a sheet may claim a million empty rows that openpyxl would yield).
    """
    limit = settings.VOTER_IMPORT_MAX_ROWS
    for index, row in enumerate(rows):
        if index > limit:  # index 0 is the header
            raise _too_many_rows()
        yield row


def _xlsx_size_check(data: bytes) -> None:
    """Refuse an archive whose members would inflate beyond the cap, before openpyxl opens it.

    The sizes are the ones the archive declares; Python's zipfile (which openpyxl uses)
    never inflates a member beyond its declared size (it fails the CRC check instead), so
    the declared total bounds what parsing can unpack.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise ImportRefused(XLSX_DAMAGED) from exc
    limit = settings.VOTER_IMPORT_MAX_UNCOMPRESSED_MEGABYTES
    if sum(member.file_size for member in members) > limit * 1024 * 1024:
        raise ImportRefused(
            f"Une fois décompressé, ce fichier XLSX dépasserait {limit} Mo : il n'est pas lu. "
            "Enregistrez-le de nouveau sans images ni feuilles superflues, ou découpez-le."
        )


XLSX_DAMAGED = "Ce fichier XLSX est illisible ou endommagé : enregistrez-le de nouveau."


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    _xlsx_size_check(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused(XLSX_DAMAGED) from exc
    try:
        sheet = workbook.worksheets[0]
        # The sheet's declared dimension, read without parsing its rows: refused at once.
        declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
        if declared - 1 > settings.VOTER_IMPORT_MAX_ROWS:
            raise _too_many_rows()
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        workbook.close()


def read_table(data: bytes) -> Iterator[list[str]]:
    """The file's rows (the header first), CSV or XLSX, told apart by their content."""
    if data.startswith(b"PK\x03\x04"):
        return _rows_capped(_xlsx_rows(data))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            "Le format Excel 97-2003 (.xls) n'est pas lu : enregistrez le fichier en .xlsx ou en .csv."
        )
    if b"\x00" in data[:4096]:
        raise ImportRefused("Ce fichier n'est ni un CSV ni un XLSX.")
    return _rows_capped(_csv_rows(data))


# --- one line ------------------------------------------------------------------------------


@dataclass
class Line:
    number: int
    matricule: str
    values: dict  # the voter's fields as they will be stored
    establishment: str  # code
    scrutins: tuple[str, ...]
    digests: dict[str, str]


def _parse_date(text: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None


def _split_codes(text: str) -> tuple[str, ...]:
    """The scrutin codes of a cell: separated by commas, semicolons, bars or any white space
    (a Windows line break inside quotes, a non-breaking space from a spreadsheet)."""
    for separator in ",;|":
        text = text.replace(separator, " ")
    return tuple(sorted(set(text.split())))


def _line(
    number: int, cells: dict[str, str], scrutin_codes: set[str], establishment_codes: set[str]
) -> Line | list[str]:
    """A valid line, or the list of what is wrong with it (in French)."""
    problems = []
    get = cells.get
    matricule = get("matricule", "")
    if not matricule:
        problems.append("matricule manquant")
    elif len(matricule) > 32 or any(c.isspace() for c in matricule):
        problems.append("matricule invalide (32 caractères au plus, sans espace)")
    for key, label, limit in (("nom", "nom", 150), ("prenom", "prénom", 150)):
        if not get(key):
            problems.append(f"{label} manquant")
        elif len(get(key, "")) > limit:
            problems.append(f"{label} trop long ({limit} caractères au plus)")
    birth_text = get("date_naissance", "")
    birth = _parse_date(birth_text) if birth_text else None
    if not birth_text:
        problems.append("date de naissance manquante")
    elif birth is None:
        problems.append(f"date de naissance « {birth_text[:20]} » illisible (attendu JJ/MM/AAAA)")
    elif not dt.date(1900, 1, 1) <= birth <= timezone.localdate():
        problems.append(f"date de naissance {birth:%d/%m/%Y} impossible")
    establishment = get("etablissement", "")
    if not establishment:
        problems.append("établissement manquant")
    elif establishment not in establishment_codes:
        problems.append(f"établissement « {establishment[:32]} » inconnu")
    scrutins = _split_codes(get("scrutins", ""))
    unknown = [code for code in scrutins if code not in scrutin_codes]
    if unknown:
        problems.append(
            "scrutin inconnu dans cette élection : " + ", ".join(f"« {c[:64]} »" for c in unknown[:5])
        )
    email = get("courriel", "")
    if email:
        try:
            validate_email(email)
            if len(email) > 254:
                raise ValidationError("")
        except ValidationError:
            problems.append(f"courriel « {email[:60]} » invalide")
    if len(get("adresse_postale", "")) > 500:
        problems.append("adresse postale trop longue (500 caractères au plus)")
    if len(get("affectation", "")) > 200:
        problems.append("affectation trop longue (200 caractères au plus)")
    card = get("carte_agent", "").lower()
    if card not in YES | NO:
        problems.append(f"carte agent « {card[:10]} » : écrivez « oui » ou « non »")
    given = {SECRET_COLUMNS[key]: get(key, "") for key in SECRET_COLUMNS}
    if given["card_serial"] and len(secrets.normalise(given["card_serial"])) < 6:
        problems.append("numéro de carte trop court (6 caractères au moins)")
    if given["iban"] and len(secrets.normalise(given["iban"])) < 6:
        problems.append("IBAN trop court (6 caractères au moins)")
    if given["nir"]:
        digits = secrets.normalise(given["nir"])
        if len(digits) < 10 or not digits[:10].isdigit():
            problems.append("NIR invalide (au moins 10 chiffres)")
    if problems:
        return problems
    assert birth is not None  # noqa: S101 (checked above; tells the type checker)
    values = {
        "last_name": get("nom", ""),
        "first_name": get("prenom", ""),
        "birth_date": birth,
        "email": email,
        "postal_address": get("adresse_postale", "").replace("\r\n", "\n"),
        "affectation": get("affectation", ""),
        "has_agent_card": card in YES,
    }
    return Line(number, matricule, values, establishment, scrutins, recovery_digests(**given))


# --- the plan ------------------------------------------------------------------------------


@dataclass
class Plan:
    """What applying the file would do, and what is wrong with it."""

    lines: int = 0
    scope: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0
    added: list[Line] = field(default_factory=list)
    changed: list[tuple[Line, int, list[str]]] = field(default_factory=list)  # line, voter pk, fields
    unchanged: int = 0
    removed: list[dict] = field(default_factory=list)
    roll_changes: int = 0

    def error(self, number: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < SHOWN_ERRORS:
            self.errors.append((number, message))

    @property
    def fingerprint(self) -> str:
        """Exactly what would be written: the apply refuses if the database now gives another."""

        def line(item: Line) -> list:
            return [
                item.matricule,
                {k: str(v) for k, v in item.values.items()},
                item.establishment,
                item.scrutins,
                item.digests,
            ]

        payload = {
            "added": [line(item) for item in self.added],
            "changed": [[line(item), pk, fields] for item, pk, fields in self.changed],
            "removed": sorted(v["pk"] for v in self.removed),
            "scope": self.scope,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    def report(self) -> dict:
        def person(item: Line) -> dict:
            return {
                "line": item.number,
                "matricule": item.matricule,
                "name": f"{item.values['last_name'].upper()} {item.values['first_name']}",
                "establishment": item.establishment,
                "scrutins": list(item.scrutins),
            }

        return {
            "lines": self.lines,
            "scope": self.scope,
            "ignored_columns": self.ignored_columns,
            "counts": {
                "added": len(self.added),
                "changed": len(self.changed),
                "unchanged": self.unchanged,
                "removed": len(self.removed),
                "roll_changes": self.roll_changes,
                "errors": self.error_count,
            },
            "added": [person(item) for item in self.added[:SHOWN]],
            "changed": [
                {**person(item), "fields": [FIELD_LABELS[f] for f in fields]}
                for item, _, fields in self.changed[:SHOWN]
            ],
            "removed": self.removed[:SHOWN],
            "errors": [{"line": number, "message": message} for number, message in self.errors],
        }


def allowed_establishments(user: User) -> set[str] | None:
    """The establishment codes this user may import; None: all of them."""
    if user.is_superuser or user.has_perm("accounts.view_all_establishments"):
        return None
    return set(user.establishments.values_list("code", flat=True))


def plan_import(
    *, election: Election, data: bytes, user: User, progress: Callable[[int, int], None] | None = None
) -> Plan:
    """Read the file and compare it with the election's voters; nothing is written."""
    plan = Plan()
    rows = read_table(data)
    header = next(rows, None)
    if not header or not any(header):
        raise ImportRefused("Le fichier est vide : la première ligne doit nommer les colonnes.")
    keys: list[str | None] = []
    for name in header:
        column = _BY_NAME.get(_header_key(name))
        if column is None:
            if name:
                plan.ignored_columns.append(str(name)[:60])
            keys.append(None)
        elif column.key in keys:
            raise ImportRefused(f"La colonne « {column.label} » figure deux fois.")
        else:
            keys.append(column.key)
    missing = [c.label for c in COLUMNS if c.required and c.key not in keys]
    if missing:
        raise ImportRefused(
            "Colonnes obligatoires absentes : " + ", ".join(f"« {m} »" for m in missing) + "."
        )
    table = [(number, cells) for number, cells in enumerate(rows, start=2) if any(cells)]
    plan.lines = len(table)
    if not table:
        raise ImportRefused("Le fichier ne contient aucun électeur.")

    scrutin_codes = set(Scrutin.objects.filter(election=election).values_list("code", flat=True))
    establishments = dict(Establishment.objects.values_list("code", "pk"))
    allowed = allowed_establishments(user)
    existing = {
        row["matricule"]: row
        for row in Voter.objects.filter(election=election).values(
            "pk", "matricule", "establishment__code", *PLAIN_FIELDS, *DIGEST_FIELDS
        )
    }
    rolls: dict[int, set[str]] = {}
    for voter_id, code in RollEntry.objects.filter(scrutin__election=election).values_list(
        "voter_id", "scrutin__code"
    ):
        rolls.setdefault(voter_id, set()).add(code)

    seen: dict[str, int] = {}
    scope: set[str] = set()
    for index, (number, cells) in enumerate(table):
        if progress and index % BATCH == 0:
            progress(index, len(table))
        named = {key: cell for key, cell in zip(keys, cells, strict=False) if key}
        matricule = named.get("matricule", "")
        # Only an establishment the user may import enters the scope (whose voters absent
        # from the file are removed): a line naming another one is an error, never a scope.
        named_establishment = named.get("etablissement")
        if named_establishment and (allowed is None or named_establishment in allowed):
            scope.add(named_establishment)
        if matricule in seen:
            plan.error(number, f"matricule « {matricule[:32]} » en double (déjà ligne {seen[matricule]})")
            continue
        if matricule:
            seen[matricule] = number
        line = _line(number, named, scrutin_codes, set(establishments))
        if isinstance(line, list):
            plan.error(number, " ; ".join(line))
            continue
        current = existing.get(line.matricule)
        if allowed is not None:
            if line.establishment not in allowed:
                plan.error(
                    number, f"établissement « {line.establishment} » : vous ne gérez pas cet établissement"
                )
                continue
            if current is not None and current["establishment__code"] not in allowed:
                plan.error(
                    number, "ce matricule appartient à un électeur d'un établissement que vous ne gérez pas"
                )
                continue
        if current is None:
            plan.added.append(line)
            if line.scrutins:
                plan.roll_changes += 1
            continue
        fields = [f for f in PLAIN_FIELDS if current[f] != line.values[f]]
        fields += [f for f, value in line.digests.items() if current[f] != value]
        if current["establishment__code"] != line.establishment:
            fields.append("establishment")
        if rolls.get(current["pk"], set()) != set(line.scrutins):
            fields.append("scrutins")
            plan.roll_changes += 1
        if fields:
            plan.changed.append((line, current["pk"], fields))
        else:
            plan.unchanged += 1
    if progress:
        progress(len(table), len(table))
    plan.scope = sorted(scope)
    for matricule, current in existing.items():
        if current["establishment__code"] in scope and matricule not in seen:
            plan.removed.append(
                {
                    "pk": current["pk"],
                    "matricule": matricule,
                    "name": f"{current['last_name'].upper()} {current['first_name']}",
                    "establishment": current["establishment__code"],
                }
            )
            if rolls.get(current["pk"]):
                plan.roll_changes += 1
    plan.removed.sort(key=lambda v: v["matricule"])
    return plan


# --- storing the file ------------------------------------------------------------------------


def _path(job: VoterImport) -> Path:
    return Path(settings.PRIVATE_ROOT) / "imports" / f"{job.pk}.fernet"


def file_store(job: VoterImport, data: bytes) -> None:
    path = _path(job)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_bytes(secrets._fernet().encrypt(data))
    path.chmod(0o600)
    job.stored_as = path.name


def file_read(job: VoterImport) -> bytes:
    try:
        token = _path(job).read_bytes()
    except FileNotFoundError as exc:
        raise ImportRefused(
            "Le fichier de cet import n'est plus disponible : importez-le de nouveau."
        ) from exc
    return secrets._fernet().decrypt(token)


def file_forget(job: VoterImport) -> None:
    _path(job).unlink(missing_ok=True)


# --- the service -----------------------------------------------------------------------------


ROLLS_FROZEN = ROLLS_FROZEN_MESSAGE


@transaction.atomic
def import_create(*, election: Election, user: User, name: str, data: bytes) -> VoterImport:
    """Record the upload and queue its analysis (the task is written in this transaction)."""
    from .tasks import voter_import_analyse

    if not definition_editable(election):
        raise ImportRefused(ROLLS_FROZEN)
    job = VoterImport(
        election=election, created_by=user, file_name=name[:255], file_sha256=hashlib.sha256(data).hexdigest()
    )
    file_store(job, data)
    job.save()
    audit_record(
        actor=user,
        action="voters.import.upload",
        instance=job,
        new={"file": job.file_name, "sha256": job.file_sha256, "bytes": len(data)},
    )
    voter_import_analyse.enqueue(str(job.pk))
    return job


def _progress(job: VoterImport) -> Callable[[int, int], None]:
    def update(done: int, total: int) -> None:
        VoterImport.objects.filter(pk=job.pk).update(done=done, total=total)

    return update


def import_analyse(job: VoterImport) -> VoterImport:
    """The background analysis: the preview, or the reason the file cannot be used.

    Only a queued import is analysed: one cancelled while it waited stays cancelled."""
    queued = VoterImport.objects.filter(pk=job.pk, status=VoterImport.Status.QUEUED)
    if not queued.update(status=VoterImport.Status.RUNNING):
        job.refresh_from_db()
        return job
    try:
        plan = plan_import(
            election=job.election, data=file_read(job), user=job.created_by, progress=_progress(job)
        )
    except ImportRefused as refusal:
        job.status, job.error = VoterImport.Status.INVALID, str(refusal)
        job.finished = timezone.now()
        job.save(update_fields=["status", "error", "finished"])
        file_forget(job)
        return job
    except Exception as failure:
        _fail_unexpectedly(job, failure)
        raise
    job.report = plan.report()
    job.fingerprint = plan.fingerprint
    job.status = VoterImport.Status.INVALID if plan.error_count else VoterImport.Status.READY
    job.done = job.total = plan.lines
    job.save(update_fields=["report", "fingerprint", "status", "done", "total"])
    job.establishments.set(Establishment.objects.filter(code__in=plan.scope))
    if plan.error_count:
        file_forget(job)
    return job


@transaction.atomic
def import_confirm(*, job: VoterImport, user: User, removals_confirmed: bool) -> VoterImport:
    """The referent asks to apply the preview; the apply runs as a background job."""
    from .tasks import voter_import_apply

    job = VoterImport.objects.select_for_update().get(pk=job.pk)
    if job.status != VoterImport.Status.READY:
        raise ImportRefused("Cet import ne peut plus être appliqué.")
    if job.created_by_id != user.pk and not user.is_superuser:
        raise ImportRefused("Seule la personne qui a déposé le fichier peut l'appliquer.")
    if (job.report or {}).get("counts", {}).get("removed") and not removals_confirmed:
        raise ImportRefused(
            "Confirmez la suppression des électeurs absents du fichier, ou corrigez le fichier."
        )
    job.status = VoterImport.Status.APPLYING
    job.save(update_fields=["status"])
    voter_import_apply.enqueue(str(job.pk))
    return job


@transaction.atomic
def import_cancel(*, job: VoterImport, user: User) -> None:
    job = VoterImport.objects.select_for_update().get(pk=job.pk)
    if job.status not in (VoterImport.Status.READY, VoterImport.Status.INVALID, VoterImport.Status.QUEUED):
        raise ImportRefused("Cet import ne peut plus être annulé.")
    job.status, job.finished = VoterImport.Status.CANCELLED, timezone.now()
    job.save(update_fields=["status", "finished"])
    file_forget(job)
    audit_record(actor=user, action="voters.import.cancel", instance=job)


def import_apply(job: VoterImport) -> VoterImport:
    """The background apply: all of the preview, or nothing."""
    try:
        with transaction.atomic():
            _apply(job)
    except ImportRefused as refusal:
        job.status, job.error, job.finished = VoterImport.Status.FAILED, str(refusal), timezone.now()
        job.save(update_fields=["status", "error", "finished"])
        return job
    except Exception as failure:
        _fail_unexpectedly(job, failure)
        raise
    job.status, job.finished = VoterImport.Status.DONE, timezone.now()
    job.save(update_fields=["status", "finished"])
    file_forget(job)
    return job


def _fail_unexpectedly(job: VoterImport, failure: Exception) -> None:
    """A bug or an outage: the page must not wait for ever; the task's own record keeps the traceback."""
    if isinstance(failure, ImportRefused):
        return
    job.status, job.finished = VoterImport.Status.FAILED, timezone.now()
    job.error = "Erreur inattendue pendant le traitement : rien n'a été appliqué. Réessayez, ou contactez l'exploitation."
    job.save(update_fields=["status", "error", "finished"])


def _apply(job: VoterImport) -> None:
    # The election row is locked: two imports, or an import and the sealing, never interleave.
    election = Election.objects.select_for_update().get(pk=job.election_id)
    if not definition_editable(election):
        raise ImportRefused(ROLLS_FROZEN)
    plan = plan_import(election=election, data=file_read(job), user=job.created_by)
    if plan.error_count or plan.fingerprint != job.fingerprint:
        raise ImportRefused(
            "Les électeurs de l'élection ont changé depuis l'aperçu : rien n'a été appliqué. "
            "Déposez le fichier de nouveau pour obtenir un aperçu à jour."
        )
    establishments = dict(Establishment.objects.values_list("code", "pk"))
    scrutins = dict(Scrutin.objects.filter(election=election).values_list("code", "pk"))

    removed_pks = [v["pk"] for v in plan.removed]
    user_pks = list(Voter.objects.filter(pk__in=removed_pks).values_list("user_id", flat=True))
    Voter.objects.filter(pk__in=removed_pks).delete()
    User.objects.filter(pk__in=user_pks).delete()

    for start in range(0, len(plan.added), BATCH):
        chunk = plan.added[start : start + BATCH]
        users = User.objects.bulk_create(
            [User(username=new_voter_username(), password=make_password(None)) for _ in chunk]
        )
        voters = [
            Voter(
                user=user,
                election=election,
                matricule=line.matricule,
                establishment_id=establishments[line.establishment],
                security_key_encrypted=secrets.encrypt_security_key(secrets.generate_security_key()),
                **line.values,
                **line.digests,
            )
            for user, line in zip(users, chunk, strict=True)
        ]
        Voter.objects.bulk_create(voters)
        RollEntry.objects.bulk_create(
            [
                RollEntry(voter=voter, scrutin_id=scrutins[code])
                for voter, line in zip(voters, chunk, strict=True)
                for code in line.scrutins
            ]
        )

    changed_fields = {"establishment"} | set(PLAIN_FIELDS) | set(DIGEST_FIELDS) | {"email_confirmed"}
    for start in range(0, len(plan.changed), BATCH):
        changes = plan.changed[start : start + BATCH]
        by_pk = Voter.objects.in_bulk([pk for _, pk, _ in changes])
        for line, pk, fields in changes:
            voter = by_pk[pk]
            if "email" in fields:
                voter.email_confirmed = False  # only the voter confirms an address
            for name, value in {**line.values, **line.digests}.items():
                setattr(voter, name, value)
            voter.establishment_id = establishments[line.establishment]
        Voter.objects.bulk_update(list(by_pk.values()), sorted(changed_fields))
        rerolled = [(pk, line) for line, pk, fields in changes if "scrutins" in fields]
        RollEntry.objects.filter(voter_id__in=[pk for pk, _ in rerolled]).delete()
        RollEntry.objects.bulk_create(
            [
                RollEntry(voter_id=pk, scrutin_id=scrutins[code])
                for pk, line in rerolled
                for code in line.scrutins
            ]
        )

    audit_record(
        actor=job.created_by,
        action="voters.import.apply",
        instance=job,
        new={
            "file": job.file_name,
            "sha256": job.file_sha256,
            "scope": plan.scope,
            "counts": plan.report()["counts"],
            "added": [line.matricule for line in plan.added],
            "changed": {line.matricule: sorted(fields) for line, _, fields in plan.changed},
            "removed": [v["matricule"] for v in plan.removed],
        },
    )
