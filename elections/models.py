"""Elections, scrutins, candidate lists, electoral rolls, voters' requests, portal pages."""

import contextlib
import uuid
from collections.abc import Iterable, Iterator
from typing import cast

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator, RegexValidator
from django.db import connections, models, router, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from . import lifecycle as rules
from .lifecycle import DEFINITION_FROZEN_MESSAGE, ElectionState, definition_editable, sealed, vote_over

# PROTOCOL.md §Encodings: ids are ASCII [A-Za-z0-9._-], 1 to 64 characters.
protocol_id_validator = RegexValidator(
    r"^[A-Za-z0-9._-]{1,64}$",
    "Identifiant de 1 à 64 caractères : lettres sans accent, chiffres, « . », « _ » ou « - ».",
)
pdf_validator = FileExtensionValidator(["pdf"], "Le document doit être un fichier PDF.")


def validate_not_blank(value: str) -> None:
    if value == "blank":
        raise ValidationError("« blank » est réservé au vote blanc.")


def _check_size(file, limit_mb: int) -> None:
    if file.size > limit_mb * 1024 * 1024:
        raise ValidationError(f"Le fichier dépasse {limit_mb} Mo.")


def validate_max_1_mb(file) -> None:
    _check_size(file, 1)


def validate_max_10_mb(file) -> None:
    _check_size(file, 10)


def validate_pdf_header(file) -> None:
    """The file starts like a PDF: a renamed HTML or executable is refused."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(5)
    file.seek(position)
    if head != b"%PDF-":
        raise ValidationError("Ce fichier n'est pas un PDF valide.")


logo_validator = FileExtensionValidator(["png", "jpg", "jpeg"], "Le logo doit être PNG ou JPEG.")


class Establishment(models.Model):
    """An establishment (affectation) of the ministry; RH referents are scoped to some."""

    code = models.CharField("code", max_length=32, unique=True)
    name = models.CharField("nom", max_length=200)

    class Meta:
        verbose_name = "établissement"
        verbose_name_plural = "établissements"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Seed 000: the matricule is printed on the back of the agent card; agents without one
# find it on a nominative arrêté or on their ministry's self-service portal.
MATRICULE_LOCATION_DEFAULT = (
    "Votre matricule figure au dos de votre carte agent. Si vous n'avez pas de carte agent, "
    "il figure sur un arrêté nominatif ou sur le portail self-service de votre ministère "
    "(self-mobile, self-agent…)."
)


class Election(models.Model):
    State = ElectionState  # the state machine: elections.lifecycle

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("adresse courte", max_length=80, unique=True)
    opens = models.DateTimeField("ouverture du vote")
    closes = models.DateTimeField("fermeture du vote")
    state = models.CharField("état", max_length=16, choices=State.choices, default=State.PREPARATION)
    matricule_location = models.TextField(
        "où trouver le matricule",
        default=MATRICULE_LOCATION_DEFAULT,
        help_text="Dit tel quel sur la page de connexion, le réassort du mot de passe, l'aide, "
        "la foire aux questions et les tutoriels.",
    )

    class LoginMode(models.TextChoices):
        NOTICE = "notice", "Matricule, date de naissance, clé de sécurité et mot de passe de la notice"
        IDENTIFIER = (
            "identifier",
            ("Identifiant (adresse électronique) et mot de passe Élections choisis à la première connexion"),
        )

    login_mode = models.CharField(
        "mode de connexion",
        max_length=16,
        choices=LoginMode.choices,
        default=LoginMode.NOTICE,
        help_text="Avec l'identifiant, la première connexion se fait avec la notice de vote ; l'électeur "
        "choisit alors son adresse et son mot de passe Élections. Ce mode exige le captcha et le code de vote.",
    )
    captcha_enabled = models.BooleanField(
        "captcha à la connexion",
        default=False,
        help_text="Toujours présent avec la connexion par identifiant.",
    )
    vote_code_enabled = models.BooleanField("code de vote exigé", default=False)
    reassort_flag_staff_per_hour = models.PositiveSmallIntegerField(
        "alerte : lectures ou réinitialisations par un agent en une heure, au-delà de",
        default=20,
        validators=[MinValueValidator(1)],
    )
    reassort_flag_address_per_day = models.PositiveSmallIntegerField(
        "alerte : demandes de réassort d'une même adresse IP en un jour, au-delà de",
        default=50,
        validators=[MinValueValidator(1)],
    )
    created = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "élection"
        verbose_name_plural = "élections"
        ordering = ["-opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")),
                name="election_closes_after_opens",
                violation_error_message="La fermeture doit suivre l'ouverture.",
            ),
            # Seed 004: the identifier login is an address and a password only; the code
            # de vote is its second factor.
            models.CheckConstraint(
                condition=~Q(login_mode="identifier") | Q(vote_code_enabled=True),
                name="election_identifier_login_needs_vote_code",
                violation_error_message="La connexion par identifiant exige le code de vote : cochez "
                "« code de vote exigé ».",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.pk is not None and sealed(self) and not vote_over(self) and self.closes <= timezone.now():
            # A sealed election whose closing time has passed would never open (or would
            # close at once): the timetable of a sealed election only moves forward.
            raise ValidationError(
                {"closes": "L'élection est scellée : sa fermeture ne peut pas être fixée dans le passé."}
            )

    def is_within_window(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens <= at < self.closes

    @property
    def uses_identifier_login(self) -> bool:
        return self.login_mode == self.LoginMode.IDENTIFIER

    @property
    def login_captcha(self) -> bool:
        """The voters' login and recovery forms carry a captcha (always with the identifier login)."""
        return self.captcha_enabled or self.uses_identifier_login

    def support_channels_of(self, kind: str) -> list["SupportChannel"]:
        """The election's support channels of one kind, in their order (prefetch-friendly)."""
        return [channel for channel in self.support_channels.all() if channel.kind == kind]

    @property
    def connection_support(self) -> list["SupportChannel"]:
        return self.support_channels_of(SupportChannel.Kind.CONNECTION)

    @property
    def security_key_support(self) -> list["SupportChannel"]:
        """The CSU électeurs: it reads out or reissues a security key (seed 000, case 2)."""
        return self.support_channels_of(SupportChannel.Kind.SECURITY_KEY)

    @property
    def security_key_online(self) -> list["SupportChannel"]:
        """Seed 000, case 2, first solution: an intranet screen that shows the key (« E-Clé »)."""
        return self.support_channels_of(SupportChannel.Kind.KEY_ONLINE)

    def support_phone_lines(self) -> list[str]:
        """The connection support's numbers (the login page's « Un problème de connexion ? »)."""
        return [line for channel in self.connection_support for line in channel.phone_lines()]


class SupportChannel(models.Model):
    """One of an election's support channels, by kind (seed 000).

    The connection support answers login problems; the CSU électeurs (security keys) reads
    a key out after checking the caller's identity; the online key retrieval is the
    intranet screen agents with a card use first. Each help page shows its kind.
    """

    class Kind(models.TextChoices):
        CONNECTION = "connection", "Support de connexion (problème de connexion)"
        SECURITY_KEY = "security_key", "CSU électeurs (clé de sécurité perdue, vote impossible)"
        KEY_ONLINE = "key_online", "Récupération de la clé en ligne (intranet, agents avec carte)"

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="support_channels", verbose_name="élection"
    )
    kind = models.CharField("type", max_length=16, choices=Kind.choices)
    name = models.CharField(
        "nom",
        max_length=100,
        help_text="Tel qu'il se dit dans une phrase, article compris (« J'appelle … ») : « la CSU électeurs », "
        "« le support électeurs », « eVote-CS ».",
    )
    phones = models.TextField(
        "numéros",
        blank=True,
        help_text="Un numéro par ligne, avec sa description (ex. « N° vert 0 800 808 900 (appel gratuit) »).",
    )
    address = models.CharField(
        "adresse (site ou intranet)", max_length=200, blank=True, help_text="Pour la récupération en ligne."
    )
    instructions = models.TextField(
        "marche à suivre",
        blank=True,
        help_text="Pour la récupération en ligne : comment accéder à l'écran qui donne la clé.",
    )
    service_starts = models.DateField("joignable du", null=True, blank=True)
    service_ends = models.DateField("joignable jusqu'au", null=True, blank=True)
    hours = models.CharField(
        "jours et horaires", max_length=200, blank=True, help_text="Ex. « tous les jours de 9h00 à 18h00 »."
    )
    other_periods = models.CharField(
        "autres périodes",
        max_length=300,
        blank=True,
        help_text="Ex. « également joignable du 17/11 au 30/11 de 9h00 à 18h00, sauf week-end ».",
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "canal de support"
        verbose_name_plural = "support électeurs (par type)"
        ordering = ["election", "kind", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_starts__isnull=True)
                | Q(service_ends__isnull=True)
                | Q(service_ends__gte=models.F("service_starts")),
                name="support_channel_period_ordered",
                violation_error_message="La fin de la période de service doit suivre son début.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.name}"

    def phone_lines(self) -> list[str]:
        return [line.strip() for line in self.phones.splitlines() if line.strip()]

    def phones_text(self) -> str:
        """The numbers in one sentence: « N° vert 0 800 808 900 (…) ou 05 56 42 72 47 (…) »."""
        return " ou ".join(self.phone_lines())

    def availability(self) -> str:
        """When the channel answers, as seed 000 says it: « du 01/12/2026 au 08/12/2026, tous les
        jours de 9h00 à 18h00 (également joignable du … au …, sauf week-end) »."""
        starts, ends = self.service_starts, self.service_ends
        parts = []
        if starts and ends:
            parts.append(f"du {starts:%d/%m/%Y} au {ends:%d/%m/%Y}")
        elif starts:
            parts.append(f"à partir du {starts:%d/%m/%Y}")
        elif ends:
            parts.append(f"jusqu'au {ends:%d/%m/%Y}")
        if self.hours:
            parts.append(self.hours)
        text = ", ".join(parts)
        if self.other_periods:
            text = f"{text} ({self.other_periods})" if text else self.other_periods
        return text


def _definition_check(election: Election | None) -> None:
    if election is not None and not definition_editable(election):
        raise ValidationError(DEFINITION_FROZEN_MESSAGE)


# --- the guard of a sealed definition (issue 15, item 4) -----------------------------------------
#
# After the sealing, scrutins, lists (their documents included), candidates and roll entries
# do not change, whoever writes: the admin and the model ``clean`` say so to a person, and
# the models themselves refuse every ORM write (save, delete, create, and their querysets'
# update, delete, bulk_create, bulk_update), so a service, an import, a data script or the
# shell meets the same rule. The whole election's deletion (Django's collector cascading
# from an Election, e.g. ``load_demo`` replacing its demo elections) does not go through
# these doors, nor do raw SQL and the base manager (``Model._base_manager``).


class DefinitionFrozen(ValidationError):  # noqa: N818 — a ValidationError, caught as one
    """A write to the definition of an election that has left preparation."""

    def __init__(self, message: str = DEFINITION_FROZEN_MESSAGE) -> None:
        super().__init__(message, code="definition_frozen")


def _definition_write_check_where(elections: Q, using: str) -> None:
    """Raise DefinitionFrozen unless every election matching ``elections`` is in preparation.

    One query on the election table, read from the database inside the caller's transaction.
    On PostgreSQL it takes FOR KEY SHARE on those rows: it waits for a transition holding
    the row (``select_for_update`` in ``ballots.lifecycle``, the import's apply) and then
    reads the state that transition committed, and no transition can start before the
    write's transaction ends; other writers of the definition (FOR KEY SHARE too, or an
    insert's foreign key check) do not wait for each other. SQLite serializes writers.
    Django has no FOR KEY SHARE: the ORM's query gets the clause appended.
    """
    query = Election._base_manager.using(using).filter(elections).order_by().values_list("state", flat=True)
    try:
        sql, params = query.query.get_compiler(using=using).as_sql()
    except EmptyResultSet:  # no election at all (e.g. an empty bulk_create)
        return
    connection = connections[using]
    if connection.vendor == "postgresql":
        sql = f"{sql} FOR KEY SHARE"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        states = [state for (state,) in cursor.fetchall()]
    if not all(rules.definition_editable_state(state) for state in states):
        raise DefinitionFrozen()


def definition_write_check(election_id, *, using: str | None = None) -> None:
    """THE guard of a definition write: raise ``DefinitionFrozen`` (a ``ValidationError``
    with ``DEFINITION_FROZEN_MESSAGE``) unless the election, as stored in the database now,
    admits a change of its definition (``elections.lifecycle.definition_editable``).

    Call it inside the transaction that writes (on PostgreSQL its row lock lasts until that
    transaction ends). Scrutin, CandidateList, Candidate and RollEntry call it themselves.
    """
    _definition_write_check_where(Q(pk=election_id), using or router.db_for_write(Election))


@contextlib.contextmanager
def _definition_transaction(using: str) -> Iterator[None]:
    """The guard's lock must last until the write commits: inside the caller's transaction
    if there is one (no savepoint: the check refuses before anything is written), else in
    a transaction of its own."""
    if connections[using].in_atomic_block:
        yield
    else:
        with transaction.atomic(using=using):
            yield


class DefinitionQuerySet(models.QuerySet):
    """The default manager's queryset of the definition models: a bulk write checks every
    election it touches, in one query, before writing."""

    def _stored_elections(self) -> Q:
        """The elections of the rows this queryset selects, as stored."""
        return Q(pk__in=self.order_by().values(self.model.DEFINITION_ELECTION))

    def _moves(self, fields: Iterable[str]) -> bool:
        parent = self.model.definition_parent()
        return any(name in (parent.name, parent.attname) for name in fields)

    def update(self, **kwargs):
        if not self._moves(kwargs):
            with _definition_transaction(self.db):
                _definition_write_check_where(self._stored_elections(), self.db)
                return super().update(**kwargs)
        # Moved to another parent (any expression): the rows' new elections are checked
        # after the write, inside a savepoint that the refusal rolls back.
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            _definition_write_check_where(self._stored_elections(), self.db)
            count = super().update(**kwargs)
            moved = self.model._base_manager.using(self.db).filter(pk__in=pks)
            _definition_write_check_where(Q(pk__in=moved.values(self.model.DEFINITION_ELECTION)), self.db)
            return count

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self):
        with _definition_transaction(self.db):
            _definition_write_check_where(self._stored_elections(), self.db)
            return super().delete()

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with _definition_transaction(self.db):
            parents = [self.model.definition_parent_id(obj) for obj in objs]
            _definition_write_check_where(
                self.model.definition_elections_of_parents(parents, self.db), self.db
            )
            return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        with _definition_transaction(self.db):
            stored = self.model._base_manager.using(self.db).filter(pk__in=[obj.pk for obj in objs])
            elections = Q(pk__in=stored.values(self.model.DEFINITION_ELECTION))
            if self._moves(fields):
                parents = [self.model.definition_parent_id(obj) for obj in objs]
                elections |= self.model.definition_elections_of_parents(parents, self.db)
            _definition_write_check_where(elections, self.db)
            return super().bulk_update(objs, fields, *args, **kwargs)

    bulk_update.alters_data = True  # type: ignore[attr-defined]


class DefinitionModel(models.Model):
    """A part of an election's definition: written only while the election is in preparation.

    ``DEFINITION_ELECTION`` is the path from the model to its election (its first step is
    the parent foreign key); ``save`` and ``delete`` check the election the object belongs
    to in the database and, when its parent is set or moved, the new parent's election.
    """

    DEFINITION_ELECTION: str

    objects = DefinitionQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with _definition_transaction(using):
            _definition_write_check_where(self._definition_elections(using), using)
            super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, using=None, keep_parents=False):
        using = using or router.db_for_write(type(self), instance=self)
        with _definition_transaction(using):
            if self.pk is not None:
                stored = type(self)._base_manager.using(using).filter(pk=self.pk)
                _definition_write_check_where(Q(pk__in=stored.values(self.DEFINITION_ELECTION)), using)
            return super().delete(using=using, keep_parents=keep_parents)

    delete.alters_data = True  # type: ignore[attr-defined]

    @classmethod
    def definition_parent(cls) -> models.ForeignKey:
        return cast(models.ForeignKey, cls._meta.get_field(cls.DEFINITION_ELECTION.split("__", 1)[0]))

    @classmethod
    def definition_parent_id(cls, obj):
        parent = cls.definition_parent()
        value = getattr(obj, parent.attname)
        if value is None and parent.is_cached(obj) and getattr(obj, parent.name) is not None:
            value = getattr(obj, parent.name).pk
        return value

    @classmethod
    def definition_elections_of_parents(cls, parent_ids: Iterable, using: str) -> Q:
        """The elections of these parents (scrutins, lists, or elections themselves)."""
        ids = {pk for pk in parent_ids if pk is not None}
        head, _, rest = cls.DEFINITION_ELECTION.partition("__")
        if not rest:
            return Q(pk__in=ids)
        parent_model = cast(type[models.Model], cls._meta.get_field(head).related_model)
        return Q(pk__in=parent_model._base_manager.using(using).filter(pk__in=ids).values(rest))

    def _definition_elections(self, using: str) -> Q:
        elections = self.definition_elections_of_parents([self.definition_parent_id(self)], using)
        if self.pk is not None:
            stored = type(self)._base_manager.using(using).filter(pk=self.pk)
            elections |= Q(pk__in=stored.values(self.DEFINITION_ELECTION))
        return elections


class Scrutin(DefinitionModel):
    DEFINITION_ELECTION = "election"

    class Kind(models.TextChoices):
        CSA = "CSA", "Comité social d'administration (CSA)"
        CSA_SPECIAL = "CSA_SPECIAL", "CSA spécial"
        FS = "FS", "Formation spécialisée (F3SCT)"
        CAP = "CAP", "Commission administrative paritaire (CAP)"
        CCP = "CCP", "Commission consultative paritaire (CCP)"

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="scrutins", verbose_name="élection"
    )
    code = models.CharField(
        "identifiant",
        max_length=64,
        validators=[protocol_id_validator],
        help_text="Identifiant public du scrutin dans le bulletin chiffré (ex. « csa-ministeriel »).",
    )
    name = models.CharField("nom", max_length=300)
    kind = models.CharField("type", max_length=16, choices=Kind.choices)
    seats = models.PositiveSmallIntegerField("nombre de sièges", validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    establishments = models.ManyToManyField(
        Establishment,
        blank=True,
        related_name="scrutins",
        verbose_name="établissements concernés",
        help_text="Les référents RH de ces établissements gèrent le scrutin, ses listes et ses candidats. "
        "Aucun : scrutin de toute l'élection (CSA ministériel…), géré par l'administration centrale.",
    )

    class Meta:
        verbose_name = "scrutin"
        verbose_name_plural = "scrutins"
        ordering = ["election", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "code"],
                name="scrutin_code_unique_in_election",
                violation_error_message="Cet identifiant est déjà utilisé dans l'élection.",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="scrutin_has_seats"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A scrutin is added or changed only while its election is in preparation."""
        _definition_check(Election.objects.filter(pk=self.election_id).first())
        if self.pk is not None:
            # Moving a scrutin out of a frozen election is a change of that election too.
            _definition_check(Election.objects.filter(scrutins__pk=self.pk).first())


def candidate_document_path(instance: "CandidateList", filename: str) -> str:
    return f"listes/{instance.scrutin.election_id}/{uuid.uuid4().hex}-{filename}"


class CandidateList(DefinitionModel):
    DEFINITION_ELECTION = "scrutin__election"

    scrutin = models.ForeignKey(
        Scrutin, on_delete=models.CASCADE, related_name="lists", verbose_name="scrutin"
    )
    code = models.CharField(
        "identifiant",
        max_length=64,
        validators=[protocol_id_validator, validate_not_blank],
        help_text="Identifiant public de la liste dans le bulletin chiffré (jamais « blank »).",
    )
    name = models.CharField("nom", max_length=300)
    affiliation = models.CharField("appartenance syndicale", max_length=300, blank=True)
    logo = models.ImageField(
        "logo",
        upload_to=candidate_document_path,
        blank=True,
        validators=[logo_validator, validate_max_1_mb],
    )
    profession_de_foi = models.FileField(
        "profession de foi (PDF)",
        upload_to=candidate_document_path,
        blank=True,
        validators=[pdf_validator, validate_max_10_mb, validate_pdf_header],
    )
    candidates_pdf = models.FileField(
        "liste de candidats (PDF)",
        upload_to=candidate_document_path,
        blank=True,
        validators=[pdf_validator, validate_max_10_mb, validate_pdf_header],
    )
    order = models.PositiveSmallIntegerField("ordre sur le bulletin", default=0)

    class Meta:
        verbose_name = "liste de candidats"
        verbose_name_plural = "listes de candidats"
        ordering = ["scrutin", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scrutin", "code"],
                name="list_code_unique_in_scrutin",
                violation_error_message="Cet identifiant est déjà utilisé dans le scrutin.",
            ),
            models.CheckConstraint(condition=~Q(code="blank"), name="list_code_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A list, its documents included, changes only while its election is in preparation."""
        _definition_check(Election.objects.filter(scrutins__pk=self.scrutin_id).first())
        if self.pk is not None:
            _definition_check(Election.objects.filter(scrutins__lists__pk=self.pk).first())


class Candidate(DefinitionModel):
    DEFINITION_ELECTION = "candidate_list__scrutin__election"

    candidate_list = models.ForeignKey(
        CandidateList,
        on_delete=models.CASCADE,
        related_name="candidates",
        verbose_name="liste",
    )
    name = models.CharField("nom et prénom", max_length=200)
    order = models.PositiveSmallIntegerField("rang", default=0)

    class Meta:
        verbose_name = "candidat"
        verbose_name_plural = "candidats"
        ordering = ["candidate_list", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _definition_check(Election.objects.filter(scrutins__lists__pk=self.candidate_list_id).first())
        if self.pk is not None:
            _definition_check(Election.objects.filter(scrutins__lists__candidates__pk=self.pk).first())


ROLLS_FROZEN_MESSAGE = "Les listes électorales ne peuvent plus changer : l'élection a quitté la préparation (scellée ou ouverte)."
ROLL_OTHER_ELECTION_MESSAGE = "Cet électeur appartient à une autre élection que ce scrutin."


def roll_entries_cascade(collector, field, sub_objs, using):
    """``on_delete`` of a roll entry's voter: CASCADE, after the rule of every definition write.

    Django's collector deletes the roll entries of a deleted voter (or of a deleted account's
    voter) itself, never through their guarded ``delete``: here they are refused with
    protected (``ProtectedError``, as PROTECT would) when their election has left
    preparation, unless that election is being deleted in the same operation (``load_demo``
    replaces its elections whole).
    """
    deleted = {election.pk for election in collector.data.get(Election, ())}
    entries = RollEntry._base_manager.using(using).filter(pk__in=[entry.pk for entry in sub_objs])
    elections = Q(pk__in=entries.values("scrutin__election")) & ~Q(pk__in=deleted)
    try:
        _definition_write_check_where(elections, using)
    except DefinitionFrozen:
        # As PROTECT does (Django's collector gathers these into one ProtectedError): the
        # admin's deletion page lists the sealed entries that stop the deletion.
        raise ProtectedError("roll entries of a sealed election", set(sub_objs)) from None
    models.CASCADE(collector, field, sub_objs, using)


class RollEntry(DefinitionModel):
    DEFINITION_ELECTION = "scrutin__election"

    """A voter's right to vote in one scrutin (the electoral roll of that scrutin)."""

    voter = models.ForeignKey(
        "accounts.Voter",
        on_delete=roll_entries_cascade,
        related_name="roll_entries",
        verbose_name="électeur",
    )
    scrutin = models.ForeignKey(
        Scrutin, on_delete=models.CASCADE, related_name="roll_entries", verbose_name="scrutin"
    )

    class Meta:
        verbose_name = "inscription sur liste électorale"
        verbose_name_plural = "inscriptions sur listes électorales"
        ordering = ["scrutin", "voter__last_name", "voter__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["voter", "scrutin"],
                name="roll_entry_unique",
                violation_error_message="L'électeur est déjà inscrit à ce scrutin.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter} — {self.scrutin}"

    def clean(self) -> None:
        """Rolls change only while the election is in preparation (sealing freezes them), and a
        voter is entered only on the rolls of their own election's scrutins (the database
        refuses it too: migration 0011)."""
        scrutin = Scrutin.objects.select_related("election").filter(pk=self.scrutin_id).first()
        if scrutin is None:
            return
        if not definition_editable(scrutin.election):
            raise ValidationError(ROLLS_FROZEN_MESSAGE)
        if self.pk is not None:
            former = Election.objects.filter(scrutins__roll_entries__pk=self.pk).first()
            if former is not None and not definition_editable(former):
                raise ValidationError(ROLLS_FROZEN_MESSAGE)
        from accounts.models import Voter

        voter_election: uuid.UUID | None
        if RollEntry.voter.is_cached(self):  # e.g. the voter being edited, not yet saved
            voter_election = self.voter.election_id
        else:
            voter_election = (
                Voter.objects.filter(pk=self.voter_id).values_list("election_id", flat=True).first()
            )
        if voter_election is not None and voter_election != scrutin.election_id:
            raise ValidationError({"voter": ROLL_OTHER_ELECTION_MESSAGE})


class VoterRequest(models.Model):
    """An assistance request or a réclamation sent by a voter from the portal."""

    class Kind(models.TextChoices):
        ASSISTANCE = "assistance", "Demande d'assistance"
        RECLAMATION = "reclamation", "Réclamation"

    class Status(models.TextChoices):
        NEW = "new", "Nouvelle"
        IN_PROGRESS = "in_progress", "En cours de traitement"
        ANSWERED = "answered", "Répondue"
        CLOSED = "closed", "Close"

    voter = models.ForeignKey(
        "accounts.Voter", on_delete=models.CASCADE, related_name="requests", verbose_name="électeur"
    )
    kind = models.CharField("type", max_length=16, choices=Kind.choices)
    scrutin = models.ForeignKey(
        Scrutin,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name="scrutin concerné",
    )
    subject = models.CharField("objet", max_length=200)
    message = models.TextField("message", max_length=5000)
    status = models.CharField("statut", max_length=16, choices=Status.choices, default=Status.NEW)
    answer = models.TextField("réponse", blank=True, max_length=5000)
    created = models.DateTimeField("reçue le", default=timezone.now)
    updated = models.DateTimeField("mise à jour le", auto_now=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="prise en charge par",
    )
    answered = models.DateTimeField("répondue le", null=True, blank=True)

    class Meta:
        verbose_name = "demande d'électeur"
        verbose_name_plural = "demandes d'électeurs"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.subject}"


class Page(models.Model):
    """A page of text the RH referent edits in the admin (édito, FAQ, legal notices…)."""

    class Kind(models.TextChoices):
        EDITO = "edito", "Édito"
        FAQ = "faq", "Aide en ligne – Foire aux questions"
        TUTORIAL = "tutorial", "Tutoriel"
        LEGAL = "legal", "Mentions légales"
        PERSONAL_DATA = "personal_data", "Données personnelles"
        ACCESSIBILITY = "accessibility", "Accessibilité"
        RGS = "rgs", "Conformité RGS"
        COOKIES = "cookies", "Gestion des cookies"

    # The public pages of the footer: readable without logging in.
    PUBLIC_KINDS = (
        Kind.LEGAL,
        Kind.PERSONAL_DATA,
        Kind.ACCESSIBILITY,
        Kind.RGS,
        Kind.COOKIES,
    )

    # Pages whose passages may follow the reader's election (elections.page_blocks).
    RENDERED_KINDS = (Kind.EDITO, Kind.FAQ, Kind.TUTORIAL)

    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    slug = models.SlugField("adresse", max_length=80, unique=True)
    title = models.CharField("titre", max_length=200)
    body = models.TextField("texte", help_text="Texte simple ; une ligne vide sépare deux paragraphes.")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    updated = models.DateTimeField("mise à jour le", auto_now=True)

    class Meta:
        verbose_name = "page éditoriale"
        verbose_name_plural = "pages éditoriales"
        ordering = ["kind", "order", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.kind in self.PUBLIC_KINDS

    def clean(self) -> None:
        from .page_blocks import page_markers_unknown

        unknown = page_markers_unknown(self.body)
        if unknown:
            names = ", ".join(f"[[{name}]]" for name in unknown)
            raise ValidationError(
                {"body": f"Repère inconnu : {names}. Les repères possibles sont indiqués sous le texte."}
            )


class BureauMember(models.Model):
    """The composition of an election's bureau de vote: the key holders of later issues.

    Delegates are numbered 1..n for the whole election; a number is never reused, even
    after the delegate is removed (PROTOCOL.md §Keys), so rows are deactivated, not deleted.
    """

    class Role(models.TextChoices):
        PRESIDENT = "president", "Président"
        SECRETARY = "secretary", "Secrétaire"
        DELEGATE = "delegate", "Délégué"

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="bureau", verbose_name="élection"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bureau_seats",
        verbose_name="membre",
    )
    role = models.CharField("rôle", max_length=16, choices=Role.choices)
    index = models.PositiveSmallIntegerField(
        "numéro de délégué", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    active = models.BooleanField("en fonction", default=True)

    class Meta:
        verbose_name = "membre du bureau de vote"
        verbose_name_plural = "composition du bureau de vote"
        ordering = ["election", "role", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "role"],
                condition=Q(role__in=["president", "secretary"], active=True),
                name="bureau_one_president_one_secretary",
                violation_error_message="L'élection a déjà un président ou un secrétaire en fonction.",
            ),
            models.UniqueConstraint(
                fields=["election", "index"],
                name="bureau_delegate_index_never_reused",
                violation_error_message="Ce numéro de délégué a déjà été attribué dans l'élection.",
            ),
            models.UniqueConstraint(
                fields=["election", "user"],
                condition=Q(active=True),
                name="bureau_one_seat_per_user",
                violation_error_message="Cette personne siège déjà au bureau de l'élection.",
            ),
            models.CheckConstraint(
                condition=(Q(role="delegate", index__isnull=False) | ~Q(role="delegate"))
                & (Q(role="delegate") | Q(index__isnull=True)),
                name="bureau_delegates_numbered",
                violation_error_message="Seuls les délégués ont un numéro, et chacun en a un.",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_role_display()
        if self.role == self.Role.DELEGATE:
            label = f"{label} n° {self.index}"
        return f"{label} : {self.user}"


class TrackedJob(models.Model):
    """What every background job of the staff shows: who asked, its state and progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "En attente"
        RUNNING = "running", "En cours"
        READY = "ready", "Aperçu prêt"
        INVALID = "invalid", "Fichier à corriger"
        APPLYING = "applying", "Application en cours"
        DONE = "done", "Terminé"
        FAILED = "failed", "Échec"
        CANCELLED = "cancelled", "Annulé"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="+", verbose_name="élection"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="demandé par"
    )
    created = models.DateTimeField("demandé le", default=timezone.now)
    finished = models.DateTimeField("terminé le", null=True, blank=True)
    status = models.CharField("état", max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("lignes traitées", default=0)
    total = models.PositiveIntegerField("lignes à traiter", default=0)
    error = models.TextField("erreur", blank=True)

    class Meta:
        abstract = True
        ordering = ["-created"]

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING, self.Status.APPLYING)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0


class VoterImport(TrackedJob):
    """One CSV or XLSX file of voters and rolls: analysed into a preview, then applied whole.

    The file holds recovery secrets in clear, so it is kept encrypted (Fernet) in the
    private storage only until the import is applied or cancelled.
    """

    file_name = models.CharField("fichier", max_length=255)
    file_sha256 = models.CharField("empreinte SHA-256 du fichier", max_length=64)
    stored_as = models.CharField("stockage chiffré", max_length=255, blank=True, editable=False)
    establishments = models.ManyToManyField(
        Establishment, blank=True, related_name="+", verbose_name="établissements concernés"
    )
    report = models.JSONField("aperçu", null=True, blank=True)
    fingerprint = models.CharField("empreinte de l'aperçu", max_length=64, blank=True)

    class Meta(TrackedJob.Meta):
        verbose_name = "import d'électeurs"
        verbose_name_plural = "imports d'électeurs"

    def __str__(self) -> str:
        return f"Import « {self.file_name} » du {timezone.localtime(self.created):%d/%m/%Y %H:%M}"


class LetterBatch(TrackedJob):
    """One PDF of credential letters for one establishment (issue 6, item 3).

    The seeds' separate channels: the *notice de vote* (with a password, drawn anew for
    every voter of the batch) is handed over in person with a list to sign; the *fiche
    clé de sécurité* (voters without a usable agent card) and the *code de vote* letter
    are mailed, sorted by postal address. A batch never mixes kinds, so a password and a
    key never share an envelope. The PDF is kept encrypted until its one download.
    """

    class Kind(models.TextChoices):
        NOTICE = "notice", "Notices de vote (mot de passe, remise en main propre)"
        SECURITY_KEY = "security_key", "Fiches clé de sécurité (envoi postal, sans carte agent utilisable)"
        VOTE_CODE = "vote_code", "Courriers code de vote (envoi postal)"

    kind = models.CharField("type de courrier", max_length=16, choices=Kind.choices)
    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="+", verbose_name="établissement"
    )
    stored_as = models.CharField("stockage chiffré", max_length=255, blank=True, editable=False)
    letters = models.PositiveIntegerField("courriers", default=0)
    pages = models.PositiveIntegerField("pages", default=0)
    downloaded = models.DateTimeField("téléchargé le", null=True, blank=True)

    class Meta(TrackedJob.Meta):
        verbose_name = "lot de courriers"
        verbose_name_plural = "courriers (notices, clés, codes de vote)"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.establishment} ({timezone.localtime(self.created):%d/%m/%Y %H:%M})"
