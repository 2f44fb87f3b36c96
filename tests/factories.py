"""factory_boy factories. Voters are made through the service, as the app makes them."""

import contextlib
import datetime as dt
import uuid

import factory
from django.utils import timezone

from accounts import services
from accounts.models import User
from elections.models import CandidateList, Election, Establishment, Scrutin, SupportChannel

VOTER_PASSWORD = "Mot-de-passe-de-test-42"


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    code = factory.Sequence(lambda n: f"ETAB{n:03d}")
    name = factory.Sequence(lambda n: f"Établissement {n}")


class ElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Election
        skip_postgeneration_save = True

    id = factory.LazyFunction(uuid.uuid4)
    name = factory.Sequence(lambda n: f"Élections professionnelles {n}")
    slug = factory.Sequence(lambda n: f"election-{n}")
    opens = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    closes = factory.LazyAttribute(lambda o: o.opens + dt.timedelta(days=8))
    state = Election.State.OPEN

    @factory.post_generation
    def support(self, create, extracted, **kwargs):
        """A connection support and a CSU électeurs, as the seeds give them."""
        if create and extracted is not False:
            SupportChannel.objects.create(
                election=self,
                kind=SupportChannel.Kind.CONNECTION,
                name="le support électeurs",
                phones="N° vert 0 800 808 900\n05 56 42 72 47",
                hours="tous les jours de 9h00 à 18h00",
            )
            SupportChannel.objects.create(
                election=self,
                kind=SupportChannel.Kind.SECURITY_KEY,
                name="la CSU électeurs",
                phones="01 80 15 43 21",
                hours="tous les jours de 9h00 à 18h00",
            )


@contextlib.contextmanager
def in_preparation(election_or_id):
    """For the duration of the block, the election is in preparation in the database, so its
    definition (scrutins, lists, candidates, rolls) may be written; its state is put back
    afterwards. Tests only: the factories build their objects inside elections that are
    already open, and an attack test may tamper with a sealed definition as someone with
    the database's rights would. The application has no such door."""
    election_id = getattr(election_or_id, "pk", election_or_id)
    rows = Election.objects.filter(pk=election_id)
    former = rows.values_list("state", flat=True).get()
    rows.update(state=Election.State.PREPARATION)
    try:
        yield
    finally:
        rows.update(state=former)


class _InPreparation:
    """A factory whose objects are written while their election is in preparation."""

    @classmethod
    def _election_id(cls, kwargs):
        raise NotImplementedError

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with in_preparation(cls._election_id(kwargs)):
            return super()._create(model_class, *args, **kwargs)


class ScrutinFactory(_InPreparation, factory.django.DjangoModelFactory):
    class Meta:
        model = Scrutin

    @classmethod
    def _election_id(cls, kwargs):
        return kwargs["election"].pk if "election" in kwargs else kwargs["election_id"]

    election = factory.SubFactory(ElectionFactory)
    code = factory.Sequence(lambda n: f"scrutin-{n}")
    name = factory.Sequence(lambda n: f"CSA n° {n}")
    kind = Scrutin.Kind.CSA
    seats = 5
    order = factory.Sequence(lambda n: n)


class CandidateListFactory(_InPreparation, factory.django.DjangoModelFactory):
    class Meta:
        model = CandidateList

    @classmethod
    def _election_id(cls, kwargs):
        if "scrutin" in kwargs:
            return kwargs["scrutin"].election_id
        return Scrutin.objects.values_list("election_id", flat=True).get(pk=kwargs["scrutin_id"])

    scrutin = factory.SubFactory(ScrutinFactory)
    code = factory.Sequence(lambda n: f"liste-{n}")
    name = factory.Sequence(lambda n: f"Liste {n}")
    order = factory.Sequence(lambda n: n)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "staff-password-123")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if extracted:
            self.groups.set(extracted)
        self.save()


def make_voter(
    *,
    election,
    matricule=None,
    establishment=None,
    scrutins=(),
    password=VOTER_PASSWORD,
    security_key="ACDE-FGHJ-KMNP",
    birth_date=dt.date(1980, 5, 17),
    last_name="Durand",
    first_name="Camille",
):
    voter, _ = services.voter_create(
        actor=None,
        election=election,
        matricule=matricule or f"M{uuid.uuid4().hex[:7].upper()}",
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        establishment=establishment or EstablishmentFactory(),
        affectation="Service des ressources humaines",
        password=password,
        security_key=security_key,
    )
    if scrutins:
        with in_preparation(election):
            for scrutin in scrutins:
                voter.roll_entries.create(scrutin=scrutin)
    return voter


def open_for_voting(election, *, lists_per_scrutin: int = 3):
    """Give every scrutin lists (if it has none), a simulated key, and open the vote."""
    from ballots.crypto.keys import ceremony_simulate
    from ballots.models import ElectionKey
    from ballots.services import election_key_install

    for scrutin in election.scrutins.all():
        if not scrutin.lists.exists():
            for i in range(lists_per_scrutin):
                CandidateListFactory(
                    scrutin=scrutin, code=f"liste-{i + 1:02d}", name=f"Liste n° {i + 1}", order=i
                )
    Election.objects.filter(pk=election.pk).update(state=Election.State.PREPARATION)
    election.refresh_from_db()
    ceremony = ceremony_simulate(
        election=str(election.pk),
        president="president",
        secretary="secretaire",
        delegates=[("delegue1", 1), ("delegue2", 2)],
        threshold=2,
    )
    election_key_install(election=election, record=ceremony.record, origin=ElectionKey.Origin.SIMULATED)
    return seal_and_open(election)


def seal_for_tests(election):
    """Freeze the parameters and record the seal of a prepared election, without the checks
    and the bureau's confirmations (``tests/ballots/test_lifecycle*.py`` test those)."""
    from django.utils import timezone

    from ballots.lifecycle import _parameters_freeze, seal_document, seal_of
    from ballots.models import ElectionKey, ElectionSeal

    _parameters_freeze(election, ElectionKey.objects.get(election=election))
    document = seal_document(election)
    ElectionSeal.objects.create(
        election=election, seal=seal_of(document), document=document, sealed=timezone.now()
    )
    Election.objects.filter(pk=election.pk).update(state=Election.State.SEALED)
    election.refresh_from_db()
    return election


def seal_and_open(election):
    """``seal_for_tests``, then the real opening service (the election must have opened by now)."""
    from ballots.lifecycle import election_open

    seal_for_tests(election)
    return election_open(election=election)


BUREAU_GROUP = "Membre du bureau de vote"


def bureau_for(election) -> dict[str, User]:
    """A bureau de vote for the election: president, secretary, three delegates (staff accounts)."""
    from django.contrib.auth.models import Group

    from elections.models import BureauMember

    group = Group.objects.get(name=BUREAU_GROUP)
    seats = {}
    for key, role, index in (
        ("president", "president", None),
        ("secretary", "secretary", None),
        ("delegate1", "delegate", 1),
        ("delegate2", "delegate", 2),
        ("delegate3", "delegate", 3),
    ):
        user = StaffFactory(username=f"{key}-{str(election.pk)[:8]}", groups=[group])
        BureauMember.objects.create(election=election, user=user, role=role, index=index)
        seats[key] = user
    return seats


def sealable_election(*, opens=None, closes=None, voters: int = 2):
    """An election in preparation that passes every check: one scrutin with two lists of one
    candidate, ``voters`` voters on its roll, a simulated key, and a bureau. Returns
    (election, bureau)."""
    from ballots.crypto.keys import ceremony_simulate
    from ballots.models import ElectionKey
    from ballots.services import election_key_install
    from elections.models import Candidate

    kwargs = {"state": Election.State.PREPARATION}
    if opens is not None:
        kwargs["opens"] = opens
    if closes is not None:
        kwargs["closes"] = closes
    election = ElectionFactory(**kwargs)
    scrutin = ScrutinFactory(election=election, seats=1)
    for i in range(2):
        candidate_list = CandidateListFactory(
            scrutin=scrutin, code=f"liste-{i + 1}", name=f"Liste {i + 1}", order=i
        )
        Candidate.objects.create(candidate_list=candidate_list, name=f"Candidat {i + 1}", order=0)
    for i in range(voters):
        make_voter(election=election, scrutins=(scrutin,), first_name=f"Camille{i}")
    ceremony = ceremony_simulate(
        election=str(election.pk), president="p", secretary="s", delegates=[("d1", 1), ("d2", 2)], threshold=2
    )
    election_key_install(election=election, record=ceremony.record, origin=ElectionKey.Origin.SIMULATED)
    return election, bureau_for(election)


def seal_by_bureau(election, bureau, members=("president", "delegate1", "delegate2")):
    """Each member confirms the seal the checks give now; the last one seals."""
    from ballots.lifecycle import seal_confirm, seal_status

    for key in members:
        seal_confirm(election=election, user=bureau[key], seal=seal_status(election).seal)
    election.refresh_from_db()
    return election
