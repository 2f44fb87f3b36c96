"""The editorial pages' passages that depend on the election's settings (issue 14, item 6).

An FAQ or a tutorial describes the login, the recovery paths and the vote code; written
once by hand, it contradicts the election as soon as the election's settings differ (a
tutorial describing the matricule login for an election with the identifier login). So
the editor writes a marker where such a passage goes, and the page renders it from the
settings of the reader's election:

- a paragraph that is only a marker, e.g. ``[[connexion]]``, becomes that passage;
- ``[[matricule]]`` inside a sentence becomes ``Election.matricule_location``.

Unknown markers are refused by the admin (``page_markers_unknown``).
"""

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

MARKER = re.compile(r"\[\[([a-z-]+)\]\]")

# marker -> (what the editor reads in the admin, template of the passage)
BLOCKS = {
    "connexion": ("comment se connecter (mode de connexion, captcha, première connexion)", "connexion"),
    "code-de-vote": ("le code de vote et sa demande (rien si l'élection ne l'exige pas)", "code_de_vote"),
    "mot-de-passe-perdu": (
        "les réassorts du mot de passe (en ligne, par courriel, au bureau)",
        "mot_de_passe",
    ),
    "cle-de-securite-perdue": ("la clé de sécurité perdue et la CSU électeurs", "cle_de_securite"),
    "support": ("les numéros du support de connexion et de la CSU électeurs", "support"),
}
INLINE = {"matricule": "où trouver le matricule (le texte de l'élection)"}


def page_markers_help() -> str:
    """The markers, for the body's help text in the admin."""
    items = [f"[[{name}]] : {label}" for name, (label, _) in BLOCKS.items()]
    items += [f"[[{name}]] : {label}, aussi dans une phrase" for name, label in INLINE.items()]
    return "Passages rédigés d'après les réglages de l'élection du lecteur, seuls sur leur paragraphe : " + (
        " ; ".join(items) + "."
    )


def page_markers_unknown(body: str) -> list[str]:
    """The markers of ``body`` that name no passage."""
    return sorted({m for m in MARKER.findall(body) if m not in BLOCKS and m not in INLINE})


def page_render(body: str, *, election, request=None) -> SafeString:
    """``body`` as HTML for a reader of ``election`` (None: nobody's, e.g. staff with several
    elections; the passages then say that they depend on the election)."""
    parts: list[str] = []
    for paragraph in (p.strip() for p in body.replace("\r\n", "\n").split("\n\n")):
        if not paragraph:
            continue
        whole = MARKER.fullmatch(paragraph)
        if whole and whole.group(1) in BLOCKS:
            _, template = BLOCKS[whole.group(1)]
            context = {
                "election": election,
                "vote_code_minutes": settings.VOTE_CODE_EMAIL_VALIDITY_SECONDS // 60,
            }
            parts.append(render_to_string(f"elections/page_blocks/{template}.html", context, request))
            continue
        parts.append(linebreaks(_inline(paragraph, election)))
    return mark_safe("\n".join(parts))  # noqa: S308 - every piece is escaped or a template's output


def _inline(paragraph: str, election) -> SafeString:
    def replace(match: re.Match) -> str:
        if match.group(1) == "matricule":
            return escape(election.matricule_location) if election else "(selon votre élection)"
        return escape(match.group(0))

    pieces: list[str] = []
    last = 0
    for match in MARKER.finditer(paragraph):
        pieces.append(escape(paragraph[last : match.start()]))
        pieces.append(replace(match))
        last = match.end()
    pieces.append(escape(paragraph[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - escaped above
