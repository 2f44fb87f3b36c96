"""Documents of the demo election: logos and PDFs drawn on the fly (Pillow, reportlab)."""

import io

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

PALETTE = [
    "#000091", "#E1000F", "#18753C", "#B34000", "#6E445A", "#009081",
    "#716043", "#A558A0", "#3558A2", "#C3992A", "#417DC4", "#CE614A",
]  # fmt: skip


def logo_png(initials: str, index: int) -> bytes:
    """A square logo: the list's initials, white on a colour of the palette."""
    image = Image.new("RGB", (256, 256), PALETTE[index % len(PALETTE)])
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=96)
    box = draw.textbbox((0, 0), initials, font=font)
    x = (256 - (box[2] - box[0])) / 2 - box[0]
    y = (256 - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), initials, fill="white", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _pdf(title: str, story_parts) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title=title, author="Isoloir (démonstration)", leftMargin=2 * cm
    )
    styles = getSampleStyleSheet()
    story = [Paragraph(title, styles["Title"]), Spacer(1, 0.5 * cm)]
    story.extend(story_parts(styles))
    doc.build(story)
    return buffer.getvalue()


def profession_de_foi_pdf(list_name: str, scrutin_name: str) -> bytes:
    def parts(styles):
        body = styles["BodyText"]
        return [
            Paragraph(f"Scrutin : {scrutin_name}", styles["Heading2"]),
            Paragraph(
                f"La liste « {list_name} » présente ici ses engagements pour les quatre années "
                "du mandat : défendre les conditions de travail, la formation et les parcours "
                "professionnels de tous les agents.",
                body,
            ),
            Paragraph("Document de démonstration généré par Isoloir.", body),
        ]

    return _pdf(f"Profession de foi — {list_name}", parts)


def candidates_pdf(list_name: str, scrutin_name: str, candidates: list[str]) -> bytes:
    def parts(styles):
        rows = [["Rang", "Nom et prénom"]] + [[str(i), n] for i, n in enumerate(candidates, 1)]
        return [Paragraph(f"Scrutin : {scrutin_name}", styles["Heading2"]), Table(rows)]

    return _pdf(f"Liste de candidats — {list_name}", parts)
