"""Benchmark: credential letters (issue 6, item 3) — pages per second.

    .venv/bin/python bench/letters.py                  # 1 000 voters
    .venv/bin/python bench/letters.py --voters 3000    # or: make bench-letters

On a fresh PostgreSQL database (``isoloir_bench_letters`` on 127.0.0.1, or
BENCH_DATABASE_URL): one establishment of ``--voters`` voters (a tenth without a usable
agent card), an election that uses the code de vote; then each kind of batch through the
real path (request, django-tasks-db's worker, one download) and prints letters, pages,
seconds and pages per second, with the machine. Notices are bound by one Argon2id hash
per new password (m = 19 MiB, t = 2). Bounded: one batch per kind.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cast import machine, recreate_database  # noqa: E402
from import_voters import check, run_jobs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=1000)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/isoloir_bench_letters")
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
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from accounts import secrets
    from accounts.models import User, Voter, new_voter_username
    from elections import letters
    from elections.models import Election, Establishment, LetterBatch

    call_command("migrate", verbosity=0)
    election = Election.objects.create(
        name="Banc d'essai des courriers", slug="banc-courriers", opens="2026-12-01T08:00+01:00",
        closes="2026-12-08T17:00+01:00", vote_code_enabled=True,
    )  # fmt: skip
    place = Establishment.objects.create(code="BANC", name="Direction du banc d'essai")
    users = User.objects.bulk_create(
        [User(username=new_voter_username(), password=make_password(None)) for _ in range(args.voters)]
    )
    Voter.objects.bulk_create(
        [
            Voter(
                user=user,
                election=election,
                matricule=f"V{i:06d}",
                last_name=f"Nom{i:06d}",
                first_name="Agent",
                birth_date="1980-01-01",
                establishment=place,
                has_agent_card=i % 10 != 0,
                postal_address=f"{i % 300} avenue de la Gare\n87000 Limoges",
                security_key_encrypted=secrets.encrypt_security_key(secrets.generate_security_key()),
            )  # fmt: skip
            for i, user in enumerate(users)
        ]
    )
    admin = User.objects.create_superuser("bench")
    print(f"Machine : {machine()}")
    print(
        f"Base : {urllib.parse.urlparse(url)._replace(netloc='127.0.0.1').geturl()}, {args.voters} électeurs"
    )
    for kind in LetterBatch.Kind:
        start = time.perf_counter()
        batch = letters.letters_request(election=election, establishment=place, kind=kind, user=admin)
        run_jobs()
        pdf = letters.letters_download(batch=LetterBatch.objects.get(pk=batch.pk), user=admin)
        seconds = time.perf_counter() - start
        batch.refresh_from_db()
        check(batch.status == LetterBatch.Status.DONE and pdf.startswith(b"%PDF"), batch.error)
        print(
            f"  {kind.label[:40]:40} {batch.letters:6} courriers {batch.pages:6} pages "
            f"{seconds:7.1f} s  {batch.pages / seconds:7.1f} pages/s"
        )


if __name__ == "__main__":
    main()
