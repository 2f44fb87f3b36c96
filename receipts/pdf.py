"""PDF layouts from plain data (reportlab): émargement and preuve de dépôt.

Pure layout: the callers (views through the ballots services) decide what goes in.
Long hex values and the signed statement are printed in a monospace font that may
break anywhere, and again whole in the document's metadata (subject, keywords).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

BLUE = HexColor("#000091")


def _styles():
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], textColor=BLUE, fontSize=18, leading=22),
        "body": ParagraphStyle("body", parent=sheet["BodyText"], fontSize=10.5, leading=14),
        "small": ParagraphStyle("small", parent=sheet["BodyText"], fontSize=8.5, leading=11),
        "mono": ParagraphStyle("mono", parent=sheet["Code"], fontSize=8.5, leading=11, wordWrap="CJK"),
        "label": ParagraphStyle("label", parent=sheet["BodyText"], fontName="Helvetica-Bold", fontSize=10),
    }


def _document(buffer: io.BytesIO, *, title: str, subject: str = "", keywords: str = "") -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=title,
        author="Isoloir",
        subject=subject,
        keywords=keywords,
        lang="fr-FR",
    )


def _rows(rows: list[tuple[str, str]], styles, *, mono: set[str] | None = None) -> Table:
    mono = mono or set()
    data = [
        [
            Paragraph(escape(label), styles["label"]),
            Paragraph(escape(value), styles["mono" if label in mono else "body"]),
        ]
        for label, value in rows
    ]
    table = Table(data, colWidths=[4.5 * cm, 12.5 * cm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, HexColor("#DDDDDD")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


@dataclass(frozen=True)
class EmargementData:
    election: str
    scrutin: str
    voter: str
    matricule: str
    voted_at: str  # already formatted, Paris time


def emargement_pdf(data: EmargementData) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    doc = _document(buffer, title=f"Émargement — {data.scrutin}", subject=f"{data.voter} a voté")
    story = [
        Paragraph("Émargement", styles["title"]),
        Paragraph(escape(data.election), styles["body"]),
        Spacer(1, 0.6 * cm),
        _rows(
            [
                ("Électeur", data.voter),
                ("Matricule", data.matricule),
                ("Scrutin", data.scrutin),
                ("Date et heure", f"{data.voted_at} (heure de Paris)"),
                ("Mention", "A voté"),
            ],
            styles,
        ),
        Spacer(1, 0.6 * cm),
        Paragraph(
            "Ce document atteste que l'électeur a voté à ce scrutin. Il ne contient aucune information "
            "sur le choix exprimé : le bulletin est chiffré et l'urne ne garde aucun lien avec l'électeur.",
            styles["small"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


@dataclass(frozen=True)
class DepositProofData:
    election: str
    scrutin: str
    fingerprint: str
    reference: str
    time: str  # ISO 8601, the signed one
    time_display: str
    statement: str
    signature: str
    public_key: str
    command: str


def deposit_proof_pdf(data: DepositProofData) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    doc = _document(
        buffer,
        title=f"Preuve de dépôt — {data.scrutin}",
        subject=data.statement,
        keywords=f"signature={data.signature} public_key={data.public_key}",
    )
    story = [
        Paragraph("Preuve de dépôt du bulletin de vote dans l'urne", styles["title"]),
        Paragraph(escape(data.election), styles["body"]),
        Spacer(1, 0.6 * cm),
        _rows(
            [
                ("Scrutin", data.scrutin),
                ("Déposé le", f"{data.time_display} (heure de Paris)"),
                ("Référence du bulletin", data.reference),
                ("Empreinte du scrutin", data.fingerprint),
            ],
            styles,
            mono={"Référence du bulletin", "Empreinte du scrutin"},
        ),
        Spacer(1, 0.5 * cm),
        Paragraph(
            "Le portail a signé (Ed25519) le contenu ci-dessous au moment où votre bulletin est entré "
            "dans l'urne. Si votre référence ne figurait plus dans l'urne publique du scrutin, ce document "
            "prouverait qu'elle y a été acceptée.",
            styles["body"],
        ),
        Spacer(1, 0.3 * cm),
        _rows(
            [
                ("Contenu signé", data.statement),
                ("Signature", data.signature),
                ("Clé publique du portail", data.public_key),
            ],
            styles,
            mono={"Contenu signé", "Signature", "Clé publique du portail"},
        ),
        Spacer(1, 0.5 * cm),
        Paragraph("Vérification, par toute personne disposant du paquet Python d'Isoloir :", styles["body"]),
        Paragraph(escape(data.command), styles["mono"]),
        Spacer(1, 0.5 * cm),
        Paragraph(
            "Par mesure de sécurité, cette preuve n'est téléchargeable qu'au moment du vote : conservez ce fichier.",
            styles["small"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


@dataclass(frozen=True)
class EmargementListData:
    election: str
    scrutin: str
    generated_at: str  # Europe/Paris, as printed
    rows: list[tuple[str, str, str, str]]  # matricule, name, establishment, voted at ("" if not)


def emargement_list_pdf(data: EmargementListData) -> bytes:
    """The émargement list of one scrutin, for the bureau after the closing (R. 211-572)."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = _document(buffer, title=f"Liste d'émargement — {data.scrutin}", subject=data.election)
    voted = sum(1 for row in data.rows if row[3])
    story = [
        Paragraph("Liste d'émargement", styles["title"]),
        Paragraph(escape(f"{data.election} — {data.scrutin}"), styles["body"]),
        Paragraph(
            escape(
                f"{len(data.rows)} inscrits, {voted} votants. Éditée le {data.generated_at} (heure de Paris)."
            ),
            styles["small"],
        ),
        Spacer(1, 0.4 * cm),
    ]
    header = ["Matricule", "Nom et prénom", "Établissement", "A voté le"]
    table = Table(
        [[Paragraph(h, styles["label"]) for h in header]]
        + [[Paragraph(escape(cell), styles["small"]) for cell in row] for row in data.rows],
        colWidths=[2.6 * cm, 5.6 * cm, 5.0 * cm, 3.8 * cm],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, BLUE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, HexColor("#DDDDDD")),
            ]
        )
    )
    story.append(table)

    def page_number(canvas, document):
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Page {document.page}")

    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue()
