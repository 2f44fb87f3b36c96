"""Credential letters (reportlab): notice de vote, fiche clé de sécurité, code de vote.

Pure layout from plain data; one letter per page. The mailed letters carry the postal
address where a C5/6 window envelope shows it (top right). The notice batch ends with the
handover list the voters sign when the RH referent gives them their notice.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

BLUE = HexColor("#000091")


@dataclass(frozen=True)
class Letter:
    name: str  # « Claire MARTIN »
    matricule: str
    establishment: str
    postal_address: str
    secret: str  # the password, the formatted key or the formatted vote code


@dataclass(frozen=True)
class Batch:
    kind: str  # notice | security_key | vote_code
    election: str
    period: str  # « du mardi 1er décembre 2026 à 8h00 au mardi 8 décembre 2026 à 17h00 »
    portal_url: str
    establishment: str
    identifier_login: bool
    letters: list[Letter]


def _styles():
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], textColor=BLUE, fontSize=17, leading=21),
        "body": ParagraphStyle("body", parent=sheet["BodyText"], fontSize=10.5, leading=14),
        "small": ParagraphStyle("small", parent=sheet["BodyText"], fontSize=8.5, leading=11),
        "secret": ParagraphStyle("secret", parent=sheet["Code"], fontSize=18, leading=24, textColor=BLUE),
        "address": ParagraphStyle("address", parent=sheet["BodyText"], fontSize=11, leading=14),
    }


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _notice(batch: Batch, letter: Letter, s) -> list:
    how = (
        "Pour votre première connexion, saisissez votre matricule, votre date de naissance, votre clé de "
        "sécurité et ce mot de passe ; vous choisirez alors votre identifiant (votre adresse électronique) "
        "et votre mot de passe Élections."
        if batch.identifier_login
        else "Connectez-vous avec votre matricule, votre date de naissance, votre clé de sécurité (au dos de "
        "votre carte agent, ou sur la fiche « clé de sécurité » reçue par courrier) et ce mot de passe."
    )
    return [
        _p("Notice de vote — confidentiel", s["title"]),
        _p(batch.election, s["body"]),
        _p(f"Vote en ligne {batch.period} (heure de Paris), sur {batch.portal_url}", s["body"]),
        Spacer(1, 0.6 * cm),
        _p(f"{letter.name} — matricule {letter.matricule}", s["body"]),
        _p(letter.establishment, s["body"]),
        Spacer(1, 0.6 * cm),
        _p("Votre mot de passe :", s["body"]),
        _p(letter.secret, s["secret"]),
        _p(
            "Les majuscules et minuscules comptent ; il ne contient ni 0, ni O, ni 1, ni l, ni I.", s["small"]
        ),
        Spacer(1, 0.6 * cm),
        _p(how, s["body"]),
        _p(
            "Cette notice vous est remise en main propre par votre référent RH. Ne la confiez à personne. "
            "Mot de passe perdu : réassort en ligne avec votre matricule, ou auprès du président de votre "
            "bureau de vote, muni d'une pièce d'identité.",
            s["body"],
        ),
    ]


def _mailed(batch: Batch, letter: Letter, s) -> list:
    if batch.kind == "security_key":
        title, label = "Fiche clé de sécurité", "Votre clé de sécurité :"
        text = (
            "Elle remplace la clé imprimée au dos de la carte agent, que vous n'avez pas ou qui n'est pas "
            "utilisable. Saisissez-la avec votre matricule, votre date de naissance et le mot de passe de "
            "votre notice de vote, remise en main propre par votre référent RH : ce courrier ne contient "
            "pas de mot de passe."
        )
    else:
        title, label = "Code de vote", "Votre code de vote :"
        text = (
            "Saisissez-le avant d'entrer dans l'espace de vote, après votre connexion. Il reste valable "
            "pendant toute l'élection. Sans ce courrier, demandez un nouveau code en ligne avec votre "
            "NUMEN ou les 10 premiers chiffres de votre numéro de sécurité sociale."
        )
    address = Table(
        [[_p(f"{letter.name}\n{letter.postal_address}", s["address"])]], colWidths=[8.5 * cm], hAlign="RIGHT"
    )
    return [
        Spacer(1, 1.5 * cm),
        address,
        Spacer(1, 2.0 * cm),
        _p(f"{title} — confidentiel", s["title"]),
        _p(batch.election, s["body"]),
        _p(f"Vote en ligne {batch.period} (heure de Paris), sur {batch.portal_url}", s["body"]),
        Spacer(1, 0.5 * cm),
        _p(f"Matricule {letter.matricule} — {letter.establishment}", s["body"]),
        Spacer(1, 0.4 * cm),
        _p(label, s["body"]),
        _p(letter.secret, s["secret"]),
        Spacer(1, 0.4 * cm),
        _p(text, s["body"]),
    ]


def _handover(batch: Batch, s) -> list:
    rows = [["Matricule", "Nom et prénom", "Date", "Signature"]] + [
        [letter.matricule, letter.name, "", ""] for letter in batch.letters
    ]
    table = Table(
        rows,
        colWidths=[2.8 * cm, 6.7 * cm, 2.5 * cm, 5.0 * cm],
        rowHeights=[0.8 * cm] * len(rows),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("GRID", (0, 0), (-1, -1), 0.4, HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return [
        PageBreak(),
        _p("Liste de remise des notices de vote", s["title"]),
        _p(f"{batch.election} — {batch.establishment}", s["body"]),
        _p(
            "Chaque agent signe à la remise de sa notice. Liste à conserver par le référent RH ; "
            "elle ne contient aucun mot de passe.",
            s["small"],
        ),
        Spacer(1, 0.4 * cm),
        table,
    ]


def letters_pdf(batch: Batch) -> tuple[bytes, int]:
    """The batch's PDF and its number of pages."""
    s = _styles()
    buffer = io.BytesIO()
    titles = {
        "notice": "Notices de vote",
        "security_key": "Fiches clé de sécurité",
        "vote_code": "Codes de vote",
    }
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=f"{titles[batch.kind]} — {batch.establishment}",
        author="Isoloir",
        subject=batch.election,
        lang="fr-FR",
    )
    story: list = []
    for index, letter in enumerate(batch.letters):
        if index:
            story.append(PageBreak())
        story.extend(_notice(batch, letter, s) if batch.kind == "notice" else _mailed(batch, letter, s))
    if batch.kind == "notice" and batch.letters:
        story.extend(_handover(batch, s))
    doc.build(story)
    return buffer.getvalue(), doc.page


__all__ = ["Batch", "Letter", "letters_pdf"]
