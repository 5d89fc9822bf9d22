"""Benchmark: the coordinators' daily digest over 5,000 open cases.

    make bench-digest
    python bench/digest.py [--cases 5000] [--coordinators 25] [--leads 2] [--runs 5]

Migrates a fresh SQLite file in a temporary folder (or uses DATABASE_URL, e.g. a PostgreSQL
database it fills and leaves), loads synthetic open cases (due times spread from five days ago
to ten days ahead, nine in ten assigned, assigned over the last ten days) and the staff, then
prints, best and median of --runs:

1. build: `build_digests` (the queries and the grouping for every recipient);
2. build + render: that, plus each digest's subject, text and HTML as the outbox renders them;
3. send: `send_daily_digests` as beat runs it (build, render, one outbox row each with its
   delivery job), inside a transaction rolled back after each run, so nothing is delivered and
   every run starts from the same state.

Figures, not assertions. Goal: build ≤ 2 s for 5,000 open cases on this machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/queue.py would shadow the standard library's queue module: import from the root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

FIRST = "Amara Bastian Celine Dario Elif Fintan Greta Hamid Ilse Joaquin Keiko Lorenzo".split()
STATUSES = ("awaiting_review", "in_review", "records_requested", "referred")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--coordinators", type=int, default=25)
    parser.add_argument("--leads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args()


def setup_django() -> None:
    os.environ["ENV_FILE"] = ""
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")
    os.environ.pop("REDIS_URL", None)  # eager mode; nothing is committed, so nothing runs
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="navigator-bench-digest-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(args) -> None:
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from screening.core.roles import COORDINATOR, LEAD
    from screening.models import Case, CoordinatorProfile

    rng = random.Random(13)
    coordinator_group = Group.objects.get_or_create(name=COORDINATOR)[0]
    lead_group = Group.objects.get_or_create(name=LEAD)[0]
    staff = []
    for n in range(args.coordinators + args.leads):
        user = User.objects.create(
            username=f"bench-staff-{n}", email=f"bench-staff-{n}@example.org", is_staff=True
        )
        user.groups.add(coordinator_group)
        if n >= args.coordinators:
            user.groups.add(lead_group)
        CoordinatorProfile.objects.create(user=user, languages=["en"])
        staff.append(user)
    now = timezone.now()
    cases = []
    for n in range(args.cases):
        assignee = rng.choice(staff) if rng.random() < 0.9 else None
        cases.append(
            Case(
                reference=f"NAV-B{n:04d}-{rng.randrange(36**4):04X}",
                submission_key=f"bench-digest-{n}",
                status=rng.choice(STATUSES),
                submitter_role="patient",
                first_name=rng.choice(FIRST),
                email=f"bench-patient-{n}@example.org",
                country="US",
                language="en",
                consent_version="bench",
                consented_at=now,
                disease="b_all",
                due_at=now + timedelta(hours=rng.uniform(-5 * 24, 10 * 24)),
                assigned_to=assignee,
                assigned_at=now - timedelta(hours=rng.uniform(0, 10 * 24)) if assignee else None,
            )
        )
    Case.objects.bulk_create(cases, batch_size=1000)


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


class Rollback(Exception):
    pass


def main() -> None:
    args = parse_args()
    setup_django()
    load(args)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from screening.notify.emails import render_email
    from screening.triage.digest import (
        LIST_LIMIT,
        build_digests,
        digest_context,
        send_daily_digests,
    )

    def build_and_render():
        with translation.override("en"):
            for digest in build_digests():
                if not digest.is_empty:
                    render_email("daily_digest", {"case": None, **digest_context(digest)})

    def send():
        try:
            with transaction.atomic():
                send_daily_digests()
                raise Rollback
        except Rollback:
            pass

    build_digests()  # warm up (templates, URL resolver)
    with CaptureQueriesContext(connection) as queries:
        digests = build_digests()
    listed = sum(s.total for d in digests for s in d.sections)
    print(
        f"digest bench: {args.cases} open cases, {len(digests)} recipients "
        f"({args.leads} leads), {listed} case lines before the {LIST_LIMIT}-per-section cut, "
        f"{len(queries)} queries per build, {connection.vendor}"
    )
    for label, function in (("build", build_digests), ("build + render", build_and_render)):
        times = timed(function, args.runs)
        print(f"  {label:15} best {min(times):.3f} s, median {statistics.median(times):.3f} s")
    with translation.override("en"):
        times = timed(send, args.runs)
    print(f"  {'send (queue)':15} best {min(times):.3f} s, median {statistics.median(times):.3f} s")


if __name__ == "__main__":
    main()
