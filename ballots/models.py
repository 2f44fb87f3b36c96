"""Election key, frozen scrutin parameters, émargement and the ballot box.

DESIGN.md §4: the émargement row (voter, scrutin, time) and the ballot-box row
(scrutin, encrypted ballot, reference) are written in one transaction but share no key,
no foreign key, no sequence and no timestamp. Ballot-box rows have random ids and no
column that leads to a voter; the weeding index is the composite primary key of
``BallotAlpha``.
"""

import uuid

from django.conf import settings
from django.db import models

from elections.models import TrackedJob


class ElectionKey(models.Model):
    """The election public key and the public record of how it was made (PROTOCOL.md §Keys)."""

    class Origin(models.TextChoices):
        CEREMONY = "ceremony", "Cérémonie des détenteurs de clé"
        SIMULATED = "simulated", "Simulée sur le serveur (démonstration et tests)"

    election = models.OneToOneField(
        "elections.Election", on_delete=models.PROTECT, related_name="key", verbose_name="élection"
    )
    public_key = models.CharField("clé publique Y", max_length=64)
    record = models.JSONField("valeurs publiques de la cérémonie")
    origin = models.CharField("origine", max_length=16, choices=Origin.choices)
    created = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "clé de l'élection"
        verbose_name_plural = "clés des élections"

    def __str__(self) -> str:
        return f"Clé de {self.election} ({self.get_origin_display()})"


class ScrutinParameters(models.Model):
    """A scrutin's public parameters, frozen at the sealing; ballots name its fingerprint."""

    scrutin = models.OneToOneField(
        "elections.Scrutin", on_delete=models.PROTECT, related_name="parameters", verbose_name="scrutin"
    )
    params = models.JSONField("paramètres publics")
    fingerprint = models.CharField("empreinte", max_length=64, unique=True)
    created = models.DateTimeField("figés le", auto_now_add=True)

    class Meta:
        verbose_name = "paramètres publics d'un scrutin"
        verbose_name_plural = "paramètres publics des scrutins"

    def __str__(self) -> str:
        return f"{self.scrutin} — {self.fingerprint[:16]}…"


class Emargement(models.Model):
    """The voter has voted in this scrutin: the database decides « exactly once »."""

    # No separate index: the unique constraint (voter, scrutin) leads with voter.
    voter = models.ForeignKey(
        "accounts.Voter",
        on_delete=models.PROTECT,
        related_name="emargements",
        verbose_name="électeur",
        db_index=False,
    )
    scrutin = models.ForeignKey(
        "elections.Scrutin", on_delete=models.PROTECT, related_name="emargements", verbose_name="scrutin"
    )
    voted_at = models.DateTimeField("a voté le")

    class Meta:
        verbose_name = "émargement"
        verbose_name_plural = "émargements"
        ordering = ["scrutin", "voted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["voter", "scrutin"],
                name="emargement_once_per_voter_and_scrutin",
                violation_error_message="Cet électeur a déjà voté à ce scrutin.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter} a voté — {self.scrutin}"


class Ballot(models.Model):
    """One encrypted ballot in a scrutin's box: random id, no voter, no time, no sequence."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scrutin = models.ForeignKey(
        "elections.Scrutin", on_delete=models.PROTECT, related_name="ballots", verbose_name="scrutin"
    )
    reference = models.CharField("référence", max_length=64, unique=True)
    ballot = models.TextField("bulletin chiffré (JSON canonique)")

    class Meta:
        verbose_name = "bulletin"
        verbose_name_plural = "urne"
        ordering = ["scrutin", "reference"]

    def __str__(self) -> str:
        return self.reference


class BallotAlpha(models.Model):
    """Weeding (PROTOCOL.md §Ballot, Verification 4): an alpha appears once per scrutin."""

    # The primary key (scrutin, alpha) is the only index: 14 rows per ballot are
    # written on every vote, and nothing looks alphas up by ballot.
    pk = models.CompositePrimaryKey("scrutin_id", "alpha")
    scrutin = models.ForeignKey(
        "elections.Scrutin", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    alpha = models.CharField(max_length=64)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="alphas", db_index=False)

    class Meta:
        verbose_name = "alpha d'un bulletin"
        verbose_name_plural = "alphas des bulletins"

    def __str__(self) -> str:
        return self.alpha


# --- the bureau's life cycle (issue 15) -------------------------------------------------


class SealConfirmation(models.Model):
    """A bureau member confirmed, logged in with their own account, that the checks pass and
    the seal they were shown is right. It counts only while the seal is still that one:
    any change to what the seal covers makes it expire."""

    election = models.ForeignKey(
        "elections.Election",
        on_delete=models.CASCADE,
        related_name="seal_confirmations",
        verbose_name="élection",
    )
    member = models.ForeignKey(
        "elections.BureauMember", on_delete=models.CASCADE, related_name="+", verbose_name="membre du bureau"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="confirmé par"
    )
    role = models.CharField("rôle au moment de la confirmation", max_length=16)
    seal = models.CharField("sceau confirmé", max_length=64)
    confirmed = models.DateTimeField("confirmé le")

    class Meta:
        verbose_name = "confirmation du scellement"
        verbose_name_plural = "confirmations du scellement"
        ordering = ["election", "confirmed"]
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="seal_confirmation_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.seal[:16]}…"


class ElectionSeal(models.Model):
    """The seal: SHA-256 of the canonical JSON of the election's public parameters."""

    election = models.OneToOneField(
        "elections.Election", on_delete=models.PROTECT, related_name="seal", verbose_name="élection"
    )
    seal = models.CharField("sceau", max_length=64)
    document = models.JSONField("paramètres publics scellés")
    sealed = models.DateTimeField("scellée le")

    class Meta:
        verbose_name = "sceau de l'élection"
        verbose_name_plural = "sceaux des élections"

    def __str__(self) -> str:
        return f"{self.election} — {self.seal}"


class ScrutinFreeze(models.Model):
    """A scrutin's box and émargements frozen after the closing (R. 211-572)."""

    scrutin = models.OneToOneField(
        "elections.Scrutin", on_delete=models.PROTECT, related_name="freeze", verbose_name="scrutin"
    )
    box_hash = models.CharField("empreinte de l'urne (box_hash)", max_length=64)
    emargements_hash = models.CharField(
        "empreinte de la liste d'émargement",
        max_length=64,
        help_text="SHA-256 des lignes « matricule;heure du vote (UTC) » triées, une par émargement.",
    )
    ballots = models.PositiveIntegerField("bulletins")
    emargements = models.PositiveIntegerField("émargements")
    frozen = models.DateTimeField("figée le")

    class Meta:
        verbose_name = "urne figée"
        verbose_name_plural = "urnes figées"

    def __str__(self) -> str:
        return f"{self.scrutin} — {self.box_hash[:16]}…"


class IntegrityCheck(TrackedJob):
    """« Contrôler l'intégrité »: the seal recomputed and the box checked, in the background."""

    ok = models.BooleanField("intègre", null=True)
    progressed = models.DateTimeField("dernière progression", null=True, blank=True)
    report = models.JSONField("constats", default=list)

    class Meta(TrackedJob.Meta):
        verbose_name = "contrôle d'intégrité"
        verbose_name_plural = "contrôles d'intégrité"
