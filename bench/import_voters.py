"""Benchmark: importing voters and rolls (issue 6) — 50,000 and 500,000 lines.

    .venv/bin/python bench/import_voters.py                 # 50,000 then 500,000 lines, PostgreSQL
    .venv/bin/python bench/import_voters.py --lines 50000   # one size
    make bench-import

On a fresh PostgreSQL database (``isoloir_bench_import`` on 127.0.0.1, or
BENCH_DATABASE_URL), for each size: an election in preparation with 3 establishments
and 5 scrutins, a CSV with every column (recovery secrets included) written the way an
RH referent's export looks; then the real path, timed step by step: the upload
(``imports.import_create``: hashing, Fernet encryption, the queued task), the analysis
and the apply, each run by django-tasks-db's own worker, and a re-import of the same file
(analysis only: it must change nothing). Prints the times, lines per second, the
target (≤ 5 minutes in all for 50,000 lines) and the machine. Bounded: one pass per size.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cast import machine, recreate_database  # noqa: E402

ESTABLISHMENTS = ["EST01", "EST02", "EST03"]
SCRUTINS = ["csa-ministeriel", "csa-proximite", "capn-attaches", "ccp-contractuels", "capa-secretaires"]


def csv_file(lines: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        ["matricule", "nom", "prenom", "date_naissance", "etablissement", "scrutins", "courriel",
         "adresse_postale", "affectation", "carte_agent", "numero_carte", "iban", "numen", "nir"]
    )  # fmt: skip
    for i in range(lines):
        writer.writerow(
            [
                f"B{i:07d}",
                f"Nom{i}",
                f"Prénom{i % 997}",
                f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1960 + i % 45}",
                ESTABLISHMENTS[i % 3],
                " ".join(SCRUTINS[j] for j in range(5) if (i >> j) & 1 or j == 0),
                f"agent{i}@exemple.gouv.fr",
                f"{i % 200} rue de la République, 87000 Limoges",
                "Service des ressources humaines",
                "non" if i % 10 == 0 else "oui",
                f"AC{i:08d}",
                f"FR76 1234 5123 4501 2345 6{i % 100000:05d}",
                f"26E{i:07d}AB",
                f"1{60 + i % 40:02d}{1 + i % 12:02d}87{i % 1000:03d}123456",
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def check(condition: bool, message) -> None:
    """The benchmark stops if what it measured did not happen."""
    if not condition:
        raise SystemExit(f"ÉCHEC : {message}")


def run_jobs() -> None:
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="bench", excluded_queue_names=[],
    )  # fmt: skip
    from django.db import transaction

    while True:
        with transaction.atomic():
            result = DBTaskResult.objects.ready().get_locked()
            if result is None:
                return
            result.claim(worker.worker_id)
        worker.run_task(result)
        result.refresh_from_db()
        check(result.status == "SUCCESSFUL", result.traceback)


def one_size(lines: int) -> dict:
    from django.db import connection

    from accounts.models import AuditEntry, User, Voter
    from elections import imports
    from elections.models import Election, Establishment, Scrutin, VoterImport

    Voter.objects.all().delete()
    User.objects.filter(is_staff=False).delete()
    Election.objects.all().delete()
    election = Election.objects.create(
        name="Banc d'essai",
        slug=f"banc-{lines}",
        opens="2026-12-01T08:00+01:00",
        closes="2026-12-08T17:00+01:00",
    )
    for code in ESTABLISHMENTS:
        Establishment.objects.get_or_create(code=code, defaults={"name": code})
    for order, code in enumerate(SCRUTINS):
        Scrutin.objects.create(election=election, code=code, name=code, kind="CSA", seats=10, order=order)
    admin = User.objects.filter(username="bench").first() or User.objects.create_superuser("bench")

    start = time.perf_counter()
    data = csv_file(lines)
    generated = time.perf_counter() - start
    times = {}
    start = time.perf_counter()
    job = imports.import_create(election=election, user=admin, name="banc.csv", data=data)
    times["upload"] = time.perf_counter() - start
    start = time.perf_counter()
    run_jobs()
    times["analysis"] = time.perf_counter() - start
    job.refresh_from_db()
    check(
        job.status == VoterImport.Status.READY,
        (job.status, job.error, (job.report or {}).get("errors", [])[:3]),
    )
    start = time.perf_counter()
    imports.import_confirm(job=job, user=admin, removals_confirmed=False)
    run_jobs()
    times["apply"] = time.perf_counter() - start
    job.refresh_from_db()
    check(job.status == VoterImport.Status.DONE, job.error)
    check(
        Voter.objects.filter(election=election).count() == lines,
        "Voter.objects.filter(election=election).count() == lines",
    )
    start = time.perf_counter()
    again = imports.import_create(election=election, user=admin, name="banc.csv", data=data)
    run_jobs()
    times["reimport"] = time.perf_counter() - start
    again.refresh_from_db()
    check(
        again.report["counts"]["unchanged"] == lines and again.report["counts"]["added"] == 0,
        "again.report['counts']['unchanged'] == lines and again.report['counts']['added'] == 0",
    )
    imports.import_cancel(job=again, user=admin)
    check(
        AuditEntry.objects.filter(action="voters.import.apply").exists(),
        "AuditEntry.objects.filter(action='voters.import.apply').exists()",
    )
    return {
        "lines": lines,
        "megabytes": len(data) / 1e6,
        "generated": generated,
        "vendor": connection.vendor,
        **times,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--lines", type=int, action="append", help="file size(s) in lines (default: 50000 and 500000)"
    )
    args = parser.parse_args()
    sizes = args.lines or [50_000, 500_000]
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/isoloir_bench_import")
    recreate_database(url)
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="voting_portal.settings.local",
        PRIVATE_ROOT=str(ROOT / "var" / "bench-private"),
    )
    import logging

    import django

    django.setup()
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"Machine : {machine()}")
    print(f"Base : {urllib.parse.urlparse(url)._replace(netloc='127.0.0.1').geturl()}")
    for lines in sizes:
        r = one_size(lines)
        total = r["upload"] + r["analysis"] + r["apply"]
        lines_text = f"{r['lines']:,}".replace(",", " ")
        rate = f"{r['lines'] / total:,.0f}".replace(",", " ")
        print(
            f"\n{lines_text:>9} lignes ({r['megabytes']:.0f} Mo, {r['vendor']})"
            + f"\n  dépôt (empreinte, chiffrement)  {r['upload']:7.1f} s"
            + f"\n  analyse (aperçu)                {r['analysis']:7.1f} s"
            + f"\n  application                     {r['apply']:7.1f} s"
            + f"\n  total                           {total:7.1f} s  ({rate} lignes/s)"
            + f"\n  réimport du même fichier        {r['reimport']:7.1f} s  (aucun changement)"
            + (
                "\n  objectif 50 000 lignes ≤ 300 s : " + ("atteint" if total <= 300 else "MANQUÉ")
                if lines == 50_000
                else ""
            )
        )


if __name__ == "__main__":
    main()
