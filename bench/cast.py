"""Benchmark: concurrent JE VOTE on gunicorn + PostgreSQL, and the cost of verifying a ballot.

    .venv/bin/python bench/cast.py            # or: make bench-cast

Runs gunicorn with the production settings (sessions cached in Redis: BENCH_CACHE_URL,
default redis://127.0.0.1:6379/15, flushed first) on a fresh PostgreSQL database
(``isoloir_bench`` on 127.0.0.1, or BENCH_DATABASE_URL). Creates
an election with one CSA of 13 lists + blank (14 options), ``--voters`` voters already
logged in (sessions made directly, no Argon2 run), and one pre-built ballot per voter
(the Python crypto core, the same format the browser makes). Then it starts gunicorn (3 sync
workers by default, gunicorn.conf.py) and sends every ballot once with
``--concurrency`` client threads, and prints: ballots per second, p50/p95/p99 latency, errors, double votes
(émargements or ballots beyond one per voter), and the one-core CPU cost of verifying
one ballot. Targets on the 2-core reference machine, load generator included: ≥ 100
ballots/s, p95 ≤ 300 ms, 0 errors, 0 double votes, ≤ 7 ms of CPU per verification.
Bounded: it stops after the last ballot; it only talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8765


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        memory = "?"
    return (
        f"{platform.node()} — {model}, {os.cpu_count()} CPU, {memory}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(voters: int):
    """Election, voters with sessions, pre-built ballots. Returns (scrutin pk, [(cookie, ballot, ref)])."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX as CACHED_DB_PREFIX
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.cache import cache
    from django.utils import timezone

    from accounts.models import User, Voter
    from ballots import crypto
    from ballots.crypto.keys import ceremony_simulate
    from ballots.lifecycle import election_open, seal_confirm, seal_status
    from ballots.models import ElectionKey
    from ballots.services import ballot_build, election_key_install
    from elections.models import (
        BureauMember,
        Candidate,
        CandidateList,
        Election,
        Establishment,
        RollEntry,
        Scrutin,
    )

    now = timezone.now()
    election = Election.objects.create(
        name="Banc d'essai",
        slug="bench",
        opens=now - timezone.timedelta(hours=1),
        closes=now + timezone.timedelta(days=1),
    )
    scrutin = Scrutin.objects.create(
        election=election, code="csa-bench", name="CSA du banc d'essai", kind="CSA", seats=15
    )
    lists = CandidateList.objects.bulk_create(
        CandidateList(scrutin=scrutin, code=f"liste-{i:02d}", name=f"Liste {i}", order=i)
        for i in range(1, 14)
    )
    Candidate.objects.bulk_create(
        Candidate(candidate_list=cl, name=f"Candidat {j}", order=j) for cl in lists for j in range(2)
    )
    ceremony = ceremony_simulate(
        election=str(election.pk),
        president="p",
        secretary="s",
        delegates=[("d1", 1), ("d2", 2), ("d3", 3)],
        threshold=2,
    )
    election_key_install(election=election, record=ceremony.record, origin=ElectionKey.Origin.SIMULATED)
    establishment = Establishment.objects.create(code="BENCH", name="Banc d'essai")

    users = User.objects.bulk_create(
        User(username=f"bench-{i:06d}", password=f"!{secrets.token_hex(16)}", last_login=now)
        for i in range(voters)
    )
    voter_rows = Voter.objects.bulk_create(
        Voter(
            user=user,
            election=election,
            matricule=f"B{i:06d}",
            last_name="Essai",
            first_name=f"Électeur {i}",
            birth_date="1980-01-01",
            establishment=establishment,
            security_key_encrypted=b"",
        )
        for i, user in enumerate(users)
    )
    RollEntry.objects.bulk_create(RollEntry(voter=v, scrutin=scrutin) for v in voter_rows)
    # Sealed by a bureau through the real services, then opened (its opening time is past).
    for username, role, index in (
        ("bench-p", "president", None),
        ("bench-d1", "delegate", 1),
        ("bench-d2", "delegate", 2),
    ):
        member = User.objects.create(username=username, is_staff=True)
        BureauMember.objects.create(election=election, user=member, role=role, index=index)
        seal_confirm(election=election, user=member, seal=seal_status(election).seal)
    election_open(election=election)
    store = SessionStore()
    sessions, cookies, warm = [], [], {}
    expiry = now + timezone.timedelta(hours=2)
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "accounts.backends.VoterBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            "last_activity": int(time.time()),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expiry))
        warm[key] = data
        cookies.append(key)
    Session.objects.bulk_create(sessions)
    # As after a real login with cached_db sessions (production): the cache is warm.
    cache.set_many({CACHED_DB_PREFIX + key: data for key, data in warm.items()}, timeout=7200)

    params = crypto.ScrutinParameters.from_json(scrutin.parameters.params)
    ballots = []
    started = time.perf_counter()
    for cookie in cookies:
        ballot = ballot_build(scrutin=scrutin, choice=secrets.choice(params.options))
        ballots.append((cookie, json.dumps(ballot), crypto.ballot_reference(ballot)))
    print(
        f"  {voters} ballots of 14 options built in {time.perf_counter() - started:.1f} s (server-side crypto core)"
    )

    sample = ballots[0][1]
    cpu = time.process_time()
    rounds = 200
    for _ in range(rounds):
        crypto.verify_ballot(params, sample)
    verify_ms = (time.process_time() - cpu) / rounds * 1000
    return scrutin.pk, ballots, verify_ms


def cpu_seconds(names: tuple[str, ...]) -> dict[str, float]:
    """CPU time (user + system) used so far by processes whose command line starts with
    each name, from /proc (Linux); the bench's own process counts as "client"."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = dict.fromkeys(names, 0.0)
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = (int(fields[11]) + int(fields[12])) / tick
        for name in names:
            if name in cmdline.split(" ")[0] or (name == "gunicorn" and "gunicorn" in cmdline):
                totals[name] += used
                break
    times = os.times()
    totals["client"] = times.user + times.system
    return totals


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on 127.0.0.1:{port}")


def drive(scrutin_pk: int, ballots, concurrency: int, cookie_names: list[str], expect: int = 200):
    """Send every ballot once; returns (latencies in s, errors, elapsed s).

    ``expect`` is the status every answer must have (409 when replaying votes)."""
    csrf = secrets.token_hex(16)  # a 32-character CSRF secret, set as cookie and form field
    path = f"/portail/je-vote/{scrutin_pk}/voter/"
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    local = threading.local()
    queue = iter(ballots)

    def connection() -> http.client.HTTPConnection:
        if getattr(local, "conn", None) is None:
            local.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        return local.conn

    def worker() -> None:
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                return
            cookie, ballot, reference = item
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": csrf, "ballot": ballot, "reference": reference}
            )
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"{cookie_names[0]}={cookie}; {cookie_names[1]}={csrf}",
            }
            started = time.perf_counter()
            try:
                conn = connection()
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                page = response.read()
                elapsed = time.perf_counter() - started
                if response.status != expect or (expect == 200 and reference.encode() not in page):
                    with lock:
                        errors.append(f"HTTP {response.status}")
                with lock:
                    latencies.append(elapsed)
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    local.conn = None
            except (OSError, http.client.HTTPException) as exc:
                local.conn = None
                with lock:
                    errors.append(type(exc).__name__)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    return latencies, errors, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=9)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/isoloir_bench")
    cache_url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")
    # The setup runs with the local settings (which may key an election with a
    # simulated key); gunicorn runs the production settings, with their sessions in
    # Redis (cached_db) and the same secrets.
    shared = {
        "DATABASE_URL": url,
        "CACHE_URL": cache_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FERNET_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "RECOVERY_HMAC_KEY": secrets.token_urlsafe(32),
        "RECEIPT_SIGNING_KEY": os.urandom(32).hex(),
        "LOG_LEVEL": "ERROR",  # the 100 replayed votes would each log « Conflict »
    }
    env = {**os.environ, **shared, "DJANGO_SETTINGS_MODULE": "voting_portal.settings.local", "DEBUG": "false"}
    server_env = {
        **os.environ,
        **shared,
        "DJANGO_SETTINGS_MODULE": "voting_portal.settings.production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_HOST": "localhost",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    }
    os.environ.update(env)
    print("== collectstatic (production storage, hashed names)")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=server_env,
        check=True,
    )
    import redis

    redis.Redis.from_url(cache_url).flushdb()
    cookie_names = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings; print(settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)"],
        cwd=ROOT, env=server_env, capture_output=True, text=True, check=True,
    ).stdout.split()[-2:]  # fmt: skip
    print(f"Machine : {machine()}")
    print("== database")
    recreate_database(url)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    print("== election, voters, sessions, ballots")
    scrutin_pk, ballots, verify_ms = setup(args.voters)
    from django.db import connection

    pg_version = connection.cursor().connection.info.server_version
    connection.close()

    print(f"== gunicorn: {args.workers} workers × {args.threads} threads on 127.0.0.1:{PORT}")
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config=gunicorn.conf.py",
            f"--bind=127.0.0.1:{PORT}",
            f"--workers={args.workers}",
            f"--threads={args.threads}",
            f"--worker-class={'gthread' if args.threads > 1 else 'sync'}",
            "--keep-alive=30",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=server_env,
    )
    try:
        wait_for_port(PORT)
        # Warm-up: a few requests so that every worker has imported everything.
        warm = ballots[: 2 * args.workers * args.threads]
        drive(scrutin_pk, warm, 2, cookie_names)
        cpu_before = cpu_seconds(("gunicorn", "postgres", "redis-server"))
        latencies, errors, elapsed = drive(scrutin_pk, ballots[len(warm) :], args.concurrency, cookie_names)
        cpu_after = cpu_seconds(("gunicorn", "postgres", "redis-server"))
        # Every voter of the first hundred tries again, concurrently: all must be refused.
        _, replay_errors, _ = drive(
            scrutin_pk, ballots[len(warm) : len(warm) + 100], args.concurrency, cookie_names, 409
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    import django.db

    django.db.connections.close_all()
    from django.db.models import Count

    from ballots.models import Ballot, Emargement

    emargements = Emargement.objects.filter(scrutin_id=scrutin_pk).count()
    stored = Ballot.objects.filter(scrutin_id=scrutin_pk).count()
    doubles = Emargement.objects.values("voter").annotate(n=Count("pk")).filter(n__gt=1).count()
    doubles += max(0, stored - emargements)

    sent = len(latencies) + sum(1 for e in errors if not e.startswith("HTTP"))
    print()
    print(f"Machine            : {machine()}")
    print(f"PostgreSQL         : {pg_version // 10000}.{pg_version % 10000}")
    print(
        f"Server             : gunicorn {args.workers} workers × {args.threads} threads; client: {args.concurrency} threads"
    )
    print(f"Ballots sent       : {sent} (14 options each), in {elapsed:.1f} s")
    print(f"Throughput         : {len(latencies) / elapsed:.1f} ballots/s")
    print(
        f"Latency            : p50 {percentile(latencies, 50) * 1000:.0f} ms, p95 {percentile(latencies, 95) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 99) * 1000:.0f} ms"
    )
    print(f"Errors             : {len(errors)}{' ' + str(sorted(set(errors))) if errors else ''}")
    print(
        f"Double votes       : {doubles} (émargements {emargements}, ballots {stored}); "
        f"second JE VOTE refused (409) for {100 - len(replay_errors)} of 100 voters"
    )
    print(f"Verify one ballot  : {verify_ms:.2f} ms of CPU on one core (14 options)")
    per_ballot = {k: (cpu_after[k] - cpu_before[k]) / max(1, len(latencies)) * 1000 for k in cpu_after}
    print(
        "CPU per ballot     : "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in per_ballot.items())
        + f"; machine busy {sum(cpu_after[k] - cpu_before[k] for k in cpu_after) / elapsed / (os.cpu_count() or 1):.0%}"
    )
    return 0 if not errors and not doubles and not replay_errors else 1


if __name__ == "__main__":
    sys.exit(main())
