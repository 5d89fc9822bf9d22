"""Benchmark: the coordinators' case queue (the admin changelist) over 100,000 cases.

    python bench/admin.py [--cases 100000] [--runs 20] [--reload]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/navigator_bench python bench/admin.py

Loads synthetic cases into a separate bench database (SQLite at var/bench/admin.sqlite3 unless
DATABASE_URL is set; a PostgreSQL database is created if missing), each with a screening run
(full explained results), ten ProductVerdict rows and 0-4 document rows. The loading reuses a
dozen distinct screening results (one per synthetic profile) and bulk inserts, so it takes a
minute or two once; later runs reuse the data unless --reload.

Then it requests the queue through Django's test client, signed in as a lead, and prints for
each scenario the queries per page and the p50/p95 wall time of the whole request (routing,
permissions, queries, template rendering). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Python puts this script's folder first on the path, where bench/queue.py would shadow the
# standard library's queue module; import from the repository root instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = f"sqlite:///{ROOT / 'var' / 'bench' / 'admin.sqlite3'}"

BATCH = 2000
OPEN_SHARE = 0.6  # the rest are closed; page 500 of the open queue needs 50,000 open cases
STATUSES_OPEN = ("awaiting_review", "in_review", "records_requested", "referred")
COUNTRIES = ("US", "US", "US", "GB", "ES", "PT", "DE", "FR", "IE", "IT", "NL", "BR", "MX", "CA")
FIRST = "Amara Bastian Celine Dario Elif Fintan Greta Hamid Ilse Joaquin Keiko Lorenzo".split()
LAST = "Abernethy Brightwater Castellane Dunmore Eskildsen Fairbairn Galloway Hartigan".split()
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SLA = {1: timedelta(hours=24), 2: timedelta(hours=72), 3: timedelta(days=7)}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="timed requests per scenario")
    parser.add_argument("--reload", action="store_true", help="drop and reload the bench data")
    return parser.parse_args()


def setup_django():
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")
    os.environ["ENV_FILE"] = ""  # never pick up a developer's .env database by accident
    url = os.environ["DATABASE_URL"]
    if url.startswith(("postgres://", "postgresql://")):
        create_postgres_database(url)
    import django

    django.setup()


def create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def reference(i: int) -> str:
    # A bijection of i onto 8 base-32 characters: unique, and not in insertion order.
    n = (i * 2654435761 + 12345) % (32**8)
    chars = ""
    for _ in range(8):
        n, r = divmod(n, 32)
        chars += ALPHABET[r]
    return f"NAV-{chars[:4]}-{chars[4:]}"


def profiles():
    """A dozen distinct valid profiles, screened once each (the 'few distinct results')."""
    from screening.management.demo import PROFILES
    from screening.pipeline.runs import profile_hash, summarise_verdicts
    from screening.rules.engine import screen_patient

    screened = []
    for profile in PROFILES:
        result = screen_patient(profile)
        verdicts = result.verdicts()
        screened.append(
            {
                "profile": profile,
                "hash": profile_hash(profile),
                "results": result.to_dict()["results"],
                "verdicts": verdicts,
                "summary": summarise_verdicts(verdicts),
            }
        )
    return screened


def intake_answers(profile: dict, i: int) -> dict:
    """About a kilobyte of answers, as an intake would keep them (the queue never reads it)."""
    return {
        "source": "bench",
        "about": {"role": "patient", "contact_preference": "email", "case": i},
        "diagnosis": {"answer": profile["diagnosis"], "year": 2020 + i % 6},
        "treatments": [{"line": n + 1, "regimen": "synthetic regimen"} for n in range(3)],
        "notes": "Synthetic free-text answer kept only to give the row a realistic size. " * 8,
    }


def load(count: int, reload: bool, *, open_share: float = OPEN_SHARE) -> None:
    """Load `count` synthetic cases (a share `open_share` of them open) unless the database
    already holds exactly that many and `reload` is off."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Min, OuterRef, Subquery
    from django.utils import timezone

    from screening.core.roles import COORDINATOR, LEAD, sync_roles
    from screening.models import Case, Document, ProductVerdict, ScreeningRun
    from screening.rules.ruleset import RULESET_VERSION

    existing = Case.objects.count()
    if existing == count and not reload:
        print(f"Reusing {existing:,} cases in {connection.settings_dict['NAME']}")
        return
    print(f"Loading {count:,} cases into {connection.settings_dict['NAME']} ...", flush=True)
    started = time.perf_counter()
    for model in (Document, ProductVerdict):
        model.objects.all()._raw_delete(model.objects.db)
    Case.objects.update(latest_run=None)
    ScreeningRun.objects.all()._raw_delete(ScreeningRun.objects.db)
    Case.objects.all()._raw_delete(Case.objects.db)
    Case.history.all()._raw_delete(Case.objects.db)

    sync_roles()
    users = get_user_model().objects

    def staff(username, groups, n=0):
        user = users.filter(username=username).first()
        if user is None:
            # No password: the bench signs in with tests.auth.staff_login (hashing is slow).
            user = users.create_user(
                username,
                f"{username}@example.org",
                None,
                is_staff=True,
                first_name=FIRST[n % len(FIRST)],
                last_name=LAST[n % len(LAST)],
            )
        user.groups.add(*user.groups.model.objects.filter(name__in=groups))
        return user

    staff("bench-lead", [COORDINATOR, LEAD])
    coordinators = [staff(f"bench-coordinator{n}", [COORDINATOR], n) for n in range(20)]

    rng = random.Random(6)
    screened = profiles()
    now = timezone.now()
    for start in range(0, count, BATCH):
        cases = []
        for i in range(start, min(start + BATCH, count)):
            pick = screened[i % len(screened)]
            is_open = rng.random() < open_share
            if is_open:
                # Most open cases are recent; a tail of old ones is overdue.
                age = timedelta(minutes=int(rng.expovariate(1 / (20 * 24 * 60))))
            else:
                age = timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
            priority = rng.choice((1, 2, 3, 3))
            submitted = now - age
            cases.append(
                Case(
                    reference=reference(i),
                    submission_key=f"bench-{i}",
                    status=rng.choice(STATUSES_OPEN) if is_open else "closed",
                    outcome="" if is_open else "not_eligible",
                    priority=priority,
                    due_at=submitted + SLA[priority],
                    assigned_to=None if rng.random() < 0.1 else rng.choice(coordinators),
                    closed_at=None if is_open else submitted + timedelta(days=9),
                    submitter_role="patient",
                    first_name=f"{FIRST[i % len(FIRST)]}{i % 997}",
                    last_name=LAST[(i // len(FIRST)) % len(LAST)],
                    email=f"bench{i}@example.org",
                    country=rng.choice(COUNTRIES),
                    language="en",
                    consent_version="bench",
                    consented_at=submitted,
                    disease=pick["profile"]["diagnosis"],
                    intake=intake_answers(pick["profile"], i),
                    profile=pick["profile"],
                    screening_summary=pick["summary"],
                    document_count=i % 5,
                )
            )
        # auto_now_add stamps submitted_at with the load time: fix_submission_times puts the
        # synthetic times back afterwards (due = submitted + the priority's time to review).
        Case.objects.bulk_create(cases)
        done = min(start + BATCH, count)
        if done % 20_000 == 0 or done == count:
            print(f"  {done:,} cases ({time.perf_counter() - started:.0f} s)", flush=True)

    # Runs, verdicts and documents are copied inside the database, one statement per
    # distinct profile (cases were inserted in order, so case i has profile i % n).
    first_id = Case.objects.aggregate(first=Min("id"))["first"]
    jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
    case_t, run_t = Case._meta.db_table, ScreeningRun._meta.db_table
    verdict_t, document_t = ProductVerdict._meta.db_table, Document._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for k, pick in enumerate(screened):
            cursor.execute(
                f"INSERT INTO {run_t} (case_id, ruleset_version, derivation_version,"
                f" profile_hash, created_at, trigger, results, verdicts, changes)"
                f" SELECT id, %s, '', %s, %s, 'submit', %s{jsonb}, %s{jsonb}, %s{jsonb}"
                f" FROM {case_t} WHERE (id - %s) %% %s = %s",
                [
                    RULESET_VERSION,
                    pick["hash"],
                    now,
                    json.dumps(pick["results"]),
                    json.dumps(pick["verdicts"]),
                    "{}",
                    first_id,
                    len(screened),
                    k,
                ],
            )
            for product, verdict in pick["verdicts"].items():
                cursor.execute(
                    f"INSERT INTO {verdict_t} (run_id, case_id, product, verdict)"
                    f" SELECT id, case_id, %s, %s FROM {run_t} WHERE profile_hash = %s",
                    [product, verdict, pick["hash"]],
                )
        for n in range(4):
            cursor.execute(
                f"INSERT INTO {document_t} (case_id, category, original_name, file, sha256,"
                f" size, content_type, uploaded_at, source, scan_status, scan_detail,"
                f" text_status, text_detail, extracted_text)"
                f" SELECT id, 'pathology', %s, 'documents/bench/' || id || %s, %s, 120000,"
                f" 'application/pdf', %s, 'intake', 'clean', '', 'extracted', '', ''"
                f" FROM {case_t} WHERE document_count > %s",
                [f"report-{n}.pdf", f"-{n}.pdf", "0" * 64, now, n],
            )
    print(f"  runs, verdicts, documents ({time.perf_counter() - started:.0f} s)", flush=True)
    with transaction.atomic():
        Case.objects.update(
            latest_run=Subquery(
                ScreeningRun.objects.filter(case=OuterRef("pk")).order_by().values("pk")[:1]
            )
        )
    fix_submission_times()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"Loaded in {time.perf_counter() - started:.0f} s", flush=True)


def fix_submission_times() -> None:
    """bulk_create stamps submitted_at (auto_now_add) with the load time; spread them again
    as generated, derived from due_at (due = submitted + the priority's time to review)."""
    from django.db.models import Case as When_
    from django.db.models import F, When

    from screening.models import Case

    Case.objects.update(
        submitted_at=When_(
            *(When(priority=p, then=F("due_at") - delay) for p, delay in SLA.items()),
            default=F("due_at"),
        )
    )


def measure(runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import (
        CaptureQueriesContext,
        override_settings,
        setup_test_environment,
    )

    from screening.models import Case
    from tests.auth import staff_login

    setup_test_environment()  # lets the test client run against this (bench) database
    # Production settings for templates: DEBUG off means cached template loaders.
    override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]).enable()
    sample = Case.objects.filter(status="in_review").order_by("pk")[1234]
    lead = get_user_model().objects.get(username="bench-lead")
    coordinator = get_user_model().objects.get(username="bench-coordinator3")
    queue = "/admin/screening/case/"
    scenarios = [
        ("first page (open queue, overdue first)", lead, ""),
        ("filter: Kymriah likely eligible", lead, "?verdict=kymriah:eligible"),
        ("filter: overdue, unassigned", lead, "?overdue=yes&assigned=none"),
        ("filter: disease + country", lead, "?disease=mm&country=PT"),
        ("page 500", lead, "?p=500"),
        ("page 500 of everything (newest first)", lead, "?status=all&p=500"),
        ("search: name", lead, f"?q={sample.first_name}"),
        ("search: reference", lead, f"?q={sample.reference}"),
        ("search: email", lead, f"?q={sample.email.upper()}"),
        ("first page as a coordinator", coordinator, ""),
    ]
    # cpu = this process's CPU time (with SQLite that includes the queries; with PostgreSQL
    # the server's share is not in it). Wall times suffer from anything else on the machine.
    print(
        f"\n{'scenario':<42} {'rows':>5} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8}"
    )
    for name, user, query in scenarios:
        client = Client()
        staff_login(client, user)  # password and second factor, as the admin requires
        for _ in range(2):  # warm caches and connections
            response = client.get(queue + query)
            assert response.status_code == 200, (name, response.status_code)
        reset_queries()  # the request resets the log too; start from empty
        with CaptureQueriesContext(connection) as captured:
            response = client.get(queue + query)
        # Read now: the captured list is a view of the connection's log, which the next
        # request resets.
        queries = len(captured)
        rows = response.content.count(b'name="_selected_action"')
        timings, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(queue + query)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
        print(
            f"{name:<42} {rows:>5} {queries:>8} {p50:>8.1f} {p95:>8.1f} "
            f"{statistics.median(cpu):>8.1f}",
            flush=True,
        )


def main():
    args = parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    load(args.cases, args.reload)
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    measure(args.runs)


if __name__ == "__main__":
    main()
