"""Users, voters and their credentials, and the audit trail."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class User(AbstractUser):
    """Every person who logs in: staff, and voters (who have a ``voter`` profile).

    A voter logs in with matricule, birth date, security key and password through
    ``accounts.backends.VoterBackend``; their ``username`` is an internal random id.
    """

    establishments = models.ManyToManyField(
        "elections.Establishment",
        blank=True,
        related_name="referents",
        verbose_name="établissements gérés",
        help_text="Pour un référent RH : les établissements dont il gère les électeurs.",
    )

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    @property
    def is_voter(self) -> bool:
        return hasattr(self, "voter")


class Voter(models.Model):
    """A voter of one election. The password is the linked user's (Argon2id).

    The security key is stored encrypted (Fernet) because the support desk reads it
    out; the recovery secrets are HMAC-SHA-256 digests of their normalised values
    (accounts.secrets), never the values themselves.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="voter", verbose_name="compte")
    election = models.ForeignKey(
        "elections.Election",
        on_delete=models.CASCADE,
        related_name="voters",
        verbose_name="élection",
    )
    matricule = models.CharField("matricule", max_length=32)
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150)
    birth_date = models.DateField("date de naissance")
    email = models.EmailField("adresse électronique", blank=True)
    email_confirmed = models.BooleanField("adresse confirmée", default=False)
    postal_address = models.TextField("adresse postale", blank=True, max_length=500)
    establishment = models.ForeignKey(
        "elections.Establishment",
        on_delete=models.PROTECT,
        related_name="voters",
        verbose_name="établissement",
    )
    affectation = models.CharField("affectation", max_length=200, blank=True)
    has_agent_card = models.BooleanField(
        "carte agent utilisable",
        default=True,
        help_text="Sans carte utilisable, l'électeur reçoit une fiche « clé de sécurité » par courrier.",
    )
    security_key_encrypted = models.BinaryField("clé de sécurité (chiffrée)", editable=False)
    card_serial_digest = models.CharField(
        "empreinte du n° de série de carte", max_length=64, blank=True, editable=False
    )
    iban_tail_digest = models.CharField(
        "empreinte de la fin d'IBAN", max_length=64, blank=True, editable=False
    )
    numen_digest = models.CharField("empreinte du NUMEN", max_length=64, blank=True, editable=False)
    nir_prefix_digest = models.CharField(
        "empreinte du n° de sécurité sociale", max_length=64, blank=True, editable=False
    )
    previous_login = models.DateTimeField("connexion précédente", null=True, blank=True, editable=False)
    credentials_set_up = models.DateTimeField(
        "identifiant et mot de passe Élections choisis le",
        null=True,
        blank=True,
        editable=False,
        help_text="Connexion par identifiant (seed 004) : la première connexion avec la notice est faite.",
    )

    class Meta:
        verbose_name = "électeur"
        verbose_name_plural = "électeurs"
        ordering = ["last_name", "first_name", "matricule"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "matricule"],
                name="voter_matricule_unique_in_election",
                violation_error_message="Ce matricule existe déjà dans cette élection.",
            ),
            # The identifier of the seed-004 login: one confirmed address per account.
            models.UniqueConstraint(
                Lower("email"),
                "election",
                condition=Q(credentials_set_up__isnull=False, email_confirmed=True),
                name="voter_identifier_unique_in_election",
                violation_error_message="Cette adresse est déjà l'identifiant d'un autre électeur de cette "
                "élection.",
            ),
        ]
        indexes = [models.Index(fields=["election", "last_name"])]
        permissions = [
            ("view_all_establishments", "Voir les électeurs de tous les établissements"),
            ("handle_security_key", "Lire ou réémettre la clé de sécurité d'un électeur (support)"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name} ({self.matricule})"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"

    @property
    def needs_credentials_setup(self) -> bool:
        """Seed 004: logged in with the notice, the voter must choose identifier and password."""
        return self.election.uses_identifier_login and self.credentials_set_up is None

    @property
    def identifier_active(self) -> bool:
        """Seed 004: the voter logs in with their confirmed address; the notice is retired."""
        return self.credentials_set_up is not None and self.email_confirmed and bool(self.email)


class VoteCode(models.Model):
    """A *code de vote* (seed 004): the second factor asked before the voting space.

    The letter code comes on paper and serves for the whole election; a code e-mailed on
    request serves once, for VOTE_CODE_EMAIL_VALIDITY_SECONDS. Only an HMAC of the code
    is stored. Every wrong entry counts against all the voter's live codes; after
    VOTE_CODE_MAX_FAILURES they are all dead and the voter asks for a new one.
    """

    class Origin(models.TextChoices):
        LETTER = "letter", "courrier"
        EMAIL = "email", "courriel"

    voter = models.ForeignKey(
        Voter, on_delete=models.CASCADE, related_name="vote_codes", verbose_name="électeur"
    )
    origin = models.CharField("origine", max_length=8, choices=Origin.choices)
    digest = models.CharField("empreinte du code", max_length=64, editable=False)
    created = models.DateTimeField("créé le")
    expires = models.DateTimeField("expire le", null=True, blank=True)
    used = models.DateTimeField("utilisé le", null=True, blank=True)
    failures = models.PositiveSmallIntegerField("saisies erronées", default=0)
    revoked = models.BooleanField("révoqué", default=False)

    class Meta:
        verbose_name = "code de vote"
        verbose_name_plural = "codes de vote"
        indexes = [models.Index(fields=["voter", "revoked"])]
        default_permissions = ()

    def __str__(self) -> str:
        return f"code de vote ({self.get_origin_display()}) de {self.voter_id}"


class AuditEntry(models.Model):
    """One row of the append-only, hash-chained audit trail (accounts.audit).

    ``hash`` covers every other field and the previous row's hash, so changing,
    removing or inserting a row breaks the chain at that row. Rows are never updated
    or deleted by the application. No row ever holds a voter next to a ballot.
    """

    # Assigned under the chain lock as previous id + 1, so a gap is a removed row.
    id = models.BigIntegerField(primary_key=True)
    time = models.DateTimeField("date et heure")
    # DO_NOTHING without a database constraint: deleting a user must never rewrite
    # the rows they wrote (actor_label keeps who it was).
    actor = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
        db_constraint=False,
    )
    actor_label = models.CharField("auteur (libellé)", max_length=200)
    action = models.CharField("action", max_length=64, db_index=True)
    object_type = models.CharField("type d'objet", max_length=64, blank=True)
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    object_label = models.CharField("objet", max_length=300, blank=True)
    old_values = models.JSONField("anciennes valeurs", null=True, blank=True)
    new_values = models.JSONField("nouvelles valeurs", null=True, blank=True)
    address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    prev_hash = models.CharField("empreinte précédente", max_length=64)
    hash = models.CharField("empreinte", max_length=64, unique=True)

    class Meta:
        verbose_name = "entrée du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.object_label}"


class AuditChainHead(models.Model):
    """The single row locked while a new audit entry is chained to the last one."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"tête du journal (n° {self.last_id})"


def new_voter_username() -> str:
    return f"electeur-{uuid.uuid4().hex}"
