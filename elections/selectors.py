import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from .access import scrutins_for_voter
from .models import Candidate, CandidateList, Election, RollEntry


@dataclass(frozen=True)
class Countdown:
    label: str
    target: dt.datetime
    days: int
    hours: int
    minutes: int


def election_countdown(election: Election, now: dt.datetime | None = None) -> Countdown | None:
    """Time left before the vote opens or closes, rounded down to the minute."""
    now = now or timezone.now()
    if now < election.opens:
        label, target = "Ouverture du vote dans", election.opens
    elif now < election.closes:
        label, target = "Fermeture du vote dans", election.closes
    else:
        return None
    minutes_left = int((target - now).total_seconds() // 60)
    days, rest = divmod(minutes_left, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return Countdown(label=label, target=target, days=days, hours=hours, minutes=minutes)


def voter_scrutins_with_lists(voter):
    lists = CandidateList.objects.order_by("order", "pk").prefetch_related(
        Prefetch("candidates", queryset=Candidate.objects.order_by("order", "pk"))
    )
    return scrutins_for_voter(voter).prefetch_related(Prefetch("lists", queryset=lists))


def scrutin_roll(scrutin, *, search: str = ""):
    """The electoral roll of a scrutin as voters may see it: names and affectation only."""
    entries = RollEntry.objects.filter(scrutin=scrutin).select_related("voter", "voter__establishment")
    if search:
        entries = entries.filter(voter__last_name__icontains=search.strip())
    return entries.order_by("voter__last_name", "voter__first_name", "voter__pk").only(
        "voter__last_name",
        "voter__first_name",
        "voter__affectation",
        "voter__establishment__name",
    )


def elections_for_login(now: dt.datetime | None = None):
    """Elections a voter may log into: with voters, and not finished more than a month ago."""
    from accounts.models import Voter

    now = now or timezone.now()
    with_voters = Exists(Voter.objects.filter(election=OuterRef("pk")))
    return Election.objects.filter(with_voters, closes__gte=now - dt.timedelta(days=31)).order_by("opens")


def election_of_reader(user) -> Election | None:
    """The election whose settings a page is written for: the voter's own; for anybody else
    the only election open for login, or None when there are several (or none)."""
    if user.is_authenticated and user.is_voter:
        return user.voter.election
    elections = list(elections_for_login()[:2])
    return elections[0] if len(elections) == 1 else None


# --- roll quality checks (issue 6, item 2) ---------------------------------------------------

ROLL_PROBLEMS_SHOWN = 500  # voters listed per kind; the count is always complete
YOUNGEST_AGE, OLDEST_AGE = 16, 75


@dataclass(frozen=True)
class RollProblem:
    kind: str
    message: str
    fix_url: str


@dataclass
class RollProblems:
    """What must be fixed before the sealing; ``counts`` per kind are complete."""

    problems: list[RollProblem]
    counts: dict[str, int]

    def __bool__(self) -> bool:
        return any(self.counts.values())

    @property
    def total(self) -> int:
        return sum(self.counts.values())


ROLL_PROBLEM_KINDS = {
    "duplicate": "Doublons probables (mêmes nom, prénom et date de naissance)",
    "no_scrutin": "Électeurs inscrits à aucun scrutin",
    "birth_date": "Dates de naissance impossibles ou improbables",
    "postal_address": "Adresses postales manquantes pour un courrier à envoyer",
    "no_list": "Scrutins sans liste de candidats",
    "few_candidates": "Scrutins avec moins de candidats que de sièges",
}


def can_check_rolls(user) -> bool:
    """Who reads the roll checks: those who fix the rolls (RH referents) or seal them (the bureau)."""
    return user.is_active and user.is_staff and user.has_perm("elections.view_rollentry")


def roll_problems(election, *, establishments=None) -> RollProblems:
    """Everything in the rolls that would make the election go wrong, with where to fix it.

    ``establishments`` limits the voter checks to those establishments (an RH referent's
    scope); the scrutin checks always cover the whole election. The sealing (a later
    issue) refuses while any problem remains.
    """
    from django.db.models import Count, Q
    from django.urls import reverse

    from accounts.models import Voter

    voters = Voter.objects.filter(election=election)
    if establishments is not None:
        voters = voters.filter(establishment__in=establishments)
    problems: list[RollProblem] = []
    counts = dict.fromkeys(ROLL_PROBLEM_KINDS, 0)

    def voter_url(pk) -> str:
        return reverse("admin:accounts_voter_change", args=[pk])

    def add(kind: str, message: str, url: str) -> None:
        counts[kind] += 1
        if sum(1 for p in problems if p.kind == kind) < ROLL_PROBLEMS_SHOWN:
            problems.append(RollProblem(kind, message, url))

    groups = (
        voters.values("last_name", "first_name", "birth_date")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("last_name", "first_name")
    )
    for group in groups[: ROLL_PROBLEMS_SHOWN + 1]:
        same = voters.filter(
            last_name=group["last_name"], first_name=group["first_name"], birth_date=group["birth_date"]
        ).order_by("matricule")
        matricules = ", ".join(v.matricule for v in same)
        add(
            "duplicate",
            f"{group['last_name'].upper()} {group['first_name']}, né(e) le {group['birth_date']:%d/%m/%Y} : "
            f"matricules {matricules}",
            voter_url(same[0].pk),
        )
    counts["duplicate"] = groups.count()

    for kind, queryset, text in (
        ("no_scrutin", voters.filter(roll_entries__isnull=True), "n'est inscrit(e) à aucun scrutin"),
        (
            "birth_date",
            voters.filter(
                Q(birth_date__gt=_years_ago(YOUNGEST_AGE)) | Q(birth_date__lt=_years_ago(OLDEST_AGE))
            ),
            f"a une date de naissance hors de {YOUNGEST_AGE} à {OLDEST_AGE} ans",
        ),
        (
            "postal_address",
            _needs_letter(voters, election).filter(postal_address=""),
            "attend un courrier mais n'a pas d'adresse postale",
        ),
    ):
        counts[kind] = queryset.count()
        for voter in queryset.order_by("last_name", "first_name")[:ROLL_PROBLEMS_SHOWN]:
            problems.append(RollProblem(kind, f"{voter} {text}", voter_url(voter.pk)))

    scrutins = election.scrutins.annotate(
        n_lists=Count("lists", distinct=True), n_candidates=Count("lists__candidates", distinct=True)
    ).order_by("order")
    for scrutin in scrutins:
        url = reverse("admin:elections_scrutin_change", args=[scrutin.pk])
        if scrutin.n_lists == 0:
            add("no_list", f"{scrutin.name} n'a aucune liste de candidats", url)
        elif scrutin.n_candidates < scrutin.seats:
            add(
                "few_candidates",
                f"{scrutin.name} : {scrutin.n_candidates} candidats en tout pour {scrutin.seats} sièges",
                url,
            )
    return RollProblems(problems, counts)


def _years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _needs_letter(voters, election):
    """Voters who get something by post: a fiche clé de sécurité (no usable agent card) or,
    when the election uses one, the code de vote letter."""
    if election.vote_code_enabled:
        return voters
    return voters.filter(has_agent_card=False)
