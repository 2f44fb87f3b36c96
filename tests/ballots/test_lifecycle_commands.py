"""The calendar with no request (issue 15, items 8 and 10): ``manage.py lifecycle_tick``, the queued
jobs run by the real ``db_worker``, and the demo-only commands that move an election along."""

import datetime as dt
import io
import signal
import subprocess
import sys

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import AuditEntry
from ballots import lifecycle
from ballots.models import ScrutinFreeze
from elections import lifecycle as rules
from elections.lifecycle import ElectionState as S
from elections.lifecycle import Transition as T
from elections.models import Election
from tests.factories import seal_by_bureau, sealable_election
from tests.test_security import ROOT, production_env

pytestmark = pytest.mark.django_db


def _at(moment):
    return time_machine.travel(moment, tick=False)


def _sealed(days_ahead: int = 2):
    opens = timezone.now().replace(microsecond=0) + dt.timedelta(days=days_ahead)
    election, bureau = sealable_election(opens=opens, closes=opens + dt.timedelta(days=8))
    seal_by_bureau(election, bureau)
    return election


def _opened():
    election = _sealed()
    with _at(election.opens):
        lifecycle.lifecycle_tick()
    election.refresh_from_db()
    assert election.state == S.OPEN
    return election


def _run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def _actions(election) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(election.pk), action__startswith="election.")
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- manage.py lifecycle_tick --------------------------------------------------------------


def test_lifecycle_tick_opens_a_due_election_says_so_in_french_and_is_idempotent():
    election = _sealed()
    with _at(election.opens - dt.timedelta(seconds=1)):
        assert _run("lifecycle_tick") == ""
        assert _run("lifecycle_tick", verbosity=2).strip().endswith("aucune transition due.")
    with _at(election.opens):
        output = _run("lifecycle_tick")
        assert output.count("\n") == 1
        assert output.strip().endswith(f"{election.slug} : Ouvrir le vote")
        assert _run("lifecycle_tick") == ""
    election.refresh_from_db()
    assert election.state == S.OPEN
    assert AuditEntry.objects.filter(action="election.open", actor=None).count() == 1


def test_lifecycle_tick_catches_up_a_missed_closing_and_freeze_one_line_each(settings):
    election = _opened()
    grace = dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES)
    with _at(election.closes + grace):
        lines = _run("lifecycle_tick").splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == [
        f"{election.slug} : Clore le vote",
        f"{election.slug} : Figer l'urne",
    ]
    election.refresh_from_db()
    assert election.state == S.CLOSED
    assert ScrutinFreeze.objects.filter(scrutin__election=election).count() == 1


def test_lifecycle_tick_loop_goes_on_after_a_failed_tick_and_stops_on_interrupt(monkeypatch):
    election = _sealed()
    calls = []

    def tick(*, now=None):
        calls.append(now)
        if len(calls) == 1:
            raise lifecycle.LifecycleRefused("Refus de test.")
        return [(election, T.OPEN)]

    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(lifecycle, "lifecycle_tick", tick)
    monkeypatch.setattr("ballots.management.commands.lifecycle_tick.time.sleep", sleep)
    out, err = io.StringIO(), io.StringIO()
    call_command("lifecycle_tick", "--loop", "30", stdout=out, stderr=err)
    assert len(calls) == 2 and sleeps == [30, 30]
    assert "échec : Refus de test." in err.getvalue()
    assert out.getvalue().strip().endswith(f"{election.slug} : Ouvrir le vote")


def test_lifecycle_tick_loop_needs_a_positive_interval():
    with pytest.raises(CommandError, match="strictement positif"):
        call_command("lifecycle_tick", "--loop", "0")


# --- the queued jobs, run by the real db_worker, with no request ---------------------------


@pytest.fixture
def _signals_kept():
    """db_worker installs its own SIGINT/SIGTERM handlers: give pytest back its own."""
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in kept.items():
        signal.signal(sig, handler)


def _db_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)


@pytest.fixture
def _roles():
    """The bureau's group (made by a migration; an earlier transactional test may have flushed it)."""
    from django.apps import apps

    from accounts.roles import roles_sync

    roles_sync(apps)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_signals_kept", "_roles")
def test_the_worker_opens_closes_and_freezes_at_the_queued_times_with_no_request(settings):
    from django_tasks_db.models import DBTaskResult

    election = _sealed()
    jobs = DBTaskResult.objects.filter(task_path="ballots.tasks.lifecycle_due")
    assert sorted(jobs.values_list("run_after", flat=True)) == sorted(
        rules.scheduled_times(election).values()
    )
    grace_end = election.closes + dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES)
    expected = [
        (election.opens - dt.timedelta(seconds=1), S.SEALED, 0),
        (election.opens, S.OPEN, 1),
        (election.closes - dt.timedelta(seconds=1), S.OPEN, 1),
        (election.closes, S.CLOSING, 2),
        (grace_end - dt.timedelta(seconds=1), S.CLOSING, 2),
        (grace_end, S.CLOSED, 3),
    ]
    for moment, state, done in expected:
        with _at(moment):
            _db_worker()
        election.refresh_from_db()
        assert (election.state, jobs.filter(status="SUCCESSFUL").count()) == (state, done), moment
    assert not jobs.exclude(status="SUCCESSFUL").exists()
    frozen = ScrutinFreeze.objects.get(scrutin__election=election)
    assert (frozen.ballots, frozen.emargements, frozen.frozen) == (0, 0, grace_end)
    assert _actions(election)[-3:] == ["election.open", "election.close", "election.freeze"]
    assert not AuditEntry.objects.filter(action__in=["election.open", "election.freeze"]).exclude(actor=None)


# --- the demo-only commands -----------------------------------------------------------------


def test_demo_open_opens_a_sealed_election_now_by_moving_its_opening_time_only():
    election = _sealed(days_ahead=3)
    closes = election.closes
    now = timezone.now().replace(microsecond=0)
    with _at(now):
        output = _run("demo_open", election.slug)
    election.refresh_from_db()
    assert (election.state, election.opens, election.closes) == (S.OPEN, now, closes)
    assert f"{election.slug} : Ouvrir le vote" in output and "Le vote est ouvert" in output
    assert _actions(election)[-2:] == ["election.demo.calendar", "election.open"]
    moved = AuditEntry.objects.get(action="election.demo.calendar")
    assert moved.actor_id is None and moved.new_values["command"] == "demo_open"
    assert moved.new_values["opens"] == now.isoformat()
    assert moved.old_values["opens"] != now.isoformat()
    opened = AuditEntry.objects.get(action="election.open")
    assert opened.actor_id is None


def test_demo_close_starts_the_grace_now_and_the_tick_freezes_after_it(settings):
    election = _opened()
    now = election.opens + dt.timedelta(hours=2)
    with _at(now):
        output = _run("demo_close", election.slug)
    election.refresh_from_db()
    assert (election.state, election.closes) == (S.CLOSING, now)
    grace_end = now + dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES)
    assert f"{election.slug} : Clore le vote" in output
    assert f"{timezone.localtime(grace_end):%d/%m/%Y à %H:%M}" in output
    assert _actions(election)[-2:] == ["election.demo.calendar", "election.close"]
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path="ballots.tasks.lifecycle_due", status="READY")
    assert queued.filter(run_after=grace_end).count() == 1  # the freeze's job for the new timetable
    with _at(grace_end - dt.timedelta(seconds=1)):
        assert lifecycle.lifecycle_tick() == []
    with _at(grace_end):
        assert [t for _, t in lifecycle.lifecycle_tick()] == [T.FREEZE]


@pytest.mark.parametrize("closing_first", [False, True])
def test_demo_freeze_closes_and_freezes_now_with_the_boxes_recorded(settings, closing_first):
    election = _opened()
    now = election.opens + dt.timedelta(hours=3)
    if closing_first:
        with _at(now - dt.timedelta(minutes=5)):
            _run("demo_close", election.slug)
    with _at(now):
        output = _run("demo_freeze", election.slug)
    election.refresh_from_db()
    grace = dt.timedelta(minutes=settings.VOTE_CLOSING_GRACE_MINUTES)
    assert (election.state, election.closes) == (S.CLOSED, now - grace)
    assert election.opens < election.closes
    assert f"{election.slug} : Figer l'urne" in output
    assert (f"{election.slug} : Clore le vote" in output) is not closing_first
    frozen = ScrutinFreeze.objects.get(scrutin__election=election)
    assert frozen.frozen == now
    freeze = AuditEntry.objects.get(action="election.freeze")
    assert freeze.new_values["seal_intact"] is True  # the seal does not cover the timetable
    taken = ["election.freeze"] if closing_first else ["election.close", "election.freeze"]
    assert _actions(election)[-1 - len(taken) :] == ["election.demo.calendar", *taken]


def test_demo_freeze_moves_the_opening_back_when_the_vote_opened_less_than_the_grace_ago():
    election = _sealed()
    now = timezone.now().replace(microsecond=0)
    with _at(now):
        _run("demo_open", election.slug)
    with _at(now + dt.timedelta(minutes=1)):
        _run("demo_freeze", election.slug)
    election.refresh_from_db()
    assert election.state == S.CLOSED
    assert election.opens == election.closes - dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("command", "state", "message"),
    [
        ("demo_open", S.PREPARATION, "Scellez-la d'abord depuis le tableau de bord du bureau de vote"),
        ("demo_open", S.OPEN, "Impossible d'ouvrir le vote : l'élection est dans l'état « Ouverte »"),
        ("demo_close", S.PREPARATION, "Scellez-la d'abord"),
        ("demo_close", S.SEALED, "Ouvrez-la d'abord (demo_open)."),
        (
            "demo_close",
            S.CLOSING,
            "Impossible de clore le vote : l'élection est dans l'état « Clôture en cours »",
        ),
        ("demo_freeze", S.SEALED, "Ouvrez-la d'abord (demo_open)."),
        ("demo_freeze", S.CLOSED, "Impossible de figer l'urne : l'élection est dans l'état « Close »"),
    ],
)
def test_a_demo_command_out_of_order_is_refused_in_french_and_changes_nothing(command, state, message):
    if state == S.PREPARATION:
        election, _ = sealable_election()
    elif state == S.SEALED:
        election = _sealed()
    else:
        election = _opened()
        if state != S.OPEN:
            call_command(
                "demo_close" if state == S.CLOSING else "demo_freeze", election.slug, stdout=io.StringIO()
            )
    election.refresh_from_db()
    assert election.state == state
    before = (election.opens, election.closes, AuditEntry.objects.count())
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command(command, election.slug)
    election.refresh_from_db()
    assert (election.state, election.opens, election.closes, AuditEntry.objects.count()) == (state, *before)


def test_a_demo_command_names_an_unknown_election():
    with pytest.raises(CommandError, match="Aucune élection n'a l'identifiant « inconnue »."):
        call_command("demo_close", "inconnue")


@pytest.mark.parametrize("command", ["demo_open", "demo_close", "demo_freeze"])
def test_demo_commands_are_refused_without_the_demo_settings_and_change_nothing(settings, command):
    election = _sealed() if command == "demo_open" else _opened()
    before = (election.state, election.opens, election.closes, AuditEntry.objects.count())
    settings.ISOLOIR_SIMULATED_KEYS_ALLOWED = False
    with pytest.raises(CommandError, match="Commande de démonstration refusée : les réglages de production"):
        call_command(command, election.slug)
    election.refresh_from_db()
    assert (election.state, election.opens, election.closes, AuditEntry.objects.count()) == before


def test_demo_commands_are_refused_under_the_production_settings_before_reading_the_database():
    """manage.py's default settings: the refusal comes first (the production database named by
    production_env does not exist here, so reaching it would fail otherwise)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "demo_close", "demo-2026"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Commande de démonstration refusée : les réglages de production" in result.stderr
    assert not Election.objects.exists()
