"""Benchmark the screening pipeline's queue on a real Redis and a real prefork worker.

    make bench-queue                       # embedded Redis, a fresh SQLite file
    python bench/queue.py [--rate 50] [--duration 30] [--batch 500] [--concurrency 2]

Uses REDIS_URL (make wraps it in an embedded Redis) and DATABASE_URL (default: a new SQLite
file in a temporary folder, migrated first; a PostgreSQL URL works too and is left with the
bench's rows). It starts `celery -A bench.queue_worker worker -P prefork` on a queue of its
own and prints:

1. enqueue: the time `screen_case_task.delay(case_id)` (the after-commit publish that
   `request_screening` schedules) adds to a request, p50/p95, measured while the worker is
   paused so that the two do not share the CPU (on separate machines they would not);
2. pickup: idle-worker pickup latency, from publish to the task starting, p50/p95;
3. throughput: screening tasks per second (screen, prioritise, assign, notify: the whole task,
   email to Django's in-memory backend) against no-op tasks per second on the same worker,
   each from a full queue (from the first task starting to the last one finishing);
4. lag: submission (case committed) to screened (awaiting review), and to the coordinator's
   email sent, p50/p95, with submissions arriving at --rate per second for --duration seconds.

Figures, not assertions. Goals: enqueue ≤ 2 ms p95; pickup ≤ 50 ms p95; screening ≥ 0.25×
no-op throughput; lag p95 ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file is bench/queue.py: run as a script, its folder would shadow the standard library's
# `queue` module, which Django and Celery import (none of the modules above does).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def ms(seconds):
    return f"{seconds * 1000:.2f} ms"


def setup_environment(args) -> dict:
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL is not set: run `make bench-queue` (it starts an embedded Redis).")
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="navigator-bench-queue-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["ENV_FILE"] = ""
    # Production settings: DEBUG off (Django would otherwise keep every query in memory).
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", uuid.uuid4().hex * 2)
    os.environ["EMAIL_URL"] = "memorymail://"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["BENCH_QUEUE"] = f"bench-queue-{uuid.uuid4().hex[:8]}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")
    return dict(os.environ)


def start_worker(env: dict, concurrency: int, log: Path, name: str) -> subprocess.Popen:
    args = [
        sys.executable, "-m", "celery", "-A", "bench.queue_worker", "worker",
        "-P", "prefork", "-c", str(concurrency), "-Q", env["BENCH_QUEUE"],
        "-n", name, "--without-gossip", "--without-mingle",
        "--without-heartbeat", "-l", "INFO",
    ]  # fmt: skip
    output = open(log, "wb")  # noqa: SIM115 - the worker owns it until the bench ends
    worker = subprocess.Popen(
        args,
        cwd=ROOT,
        env={**env, "LOG_LEVEL": "INFO"},
        stdout=output,
        stderr=subprocess.STDOUT,
        process_group=0,
    )
    deadline = time.monotonic() + 60
    while " ready." not in log.read_text(errors="replace"):
        if worker.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"the worker did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)
    return worker


def wait_list(client, key, count, timeout=120):
    deadline = time.monotonic() + timeout
    while client.llen(key) < count:
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {count} results in {key}")
        time.sleep(0.01)
    return [float(v) for v in client.lrange(key, 0, -1)]


def new_case(Case, profile, n):
    from django.utils import timezone

    from screening.core.references import new_case_reference

    return Case(
        reference=new_case_reference(),
        submission_key=uuid.uuid4().hex,
        submitter_role="patient",
        first_name="Bench",
        last_name=f"Case {n}",
        email=f"bench{n}@example.org",
        country="US",
        language="en",
        consent_version="bench",
        consented_at=timezone.now(),
        consent_processing=True,
        consent_sharing=True,
        consent_not_medical_advice=True,
        disease=profile["diagnosis"],
        profile=profile,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="submissions per second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of submissions")
    parser.add_argument("--batch", type=int, default=500, help="tasks per throughput run")
    parser.add_argument("--pickups", type=int, default=200, help="idle pickup samples")
    parser.add_argument("--concurrency", type=int, default=2, help="worker pool processes")
    parser.add_argument("--coordinators", type=int, default=5, help="coordinators to assign")
    args = parser.parse_args(argv)

    env = setup_environment(args)
    import django

    django.setup()
    import redis
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction

    from navigator.celery import app
    from screening.core.roles import COORDINATOR
    from screening.models import Case, CaseEvent, CaseStatus, CoordinatorProfile, EventKind
    from screening.pipeline.screen import request_screening
    from screening.tasks import screen_case_task
    from tests.rules.profiles import relapsed_b_all_adult, third_line_dlbcl

    app.conf.task_default_queue = env["BENCH_QUEUE"]
    call_command("migrate", verbosity=0)
    # A small team: assignment counts each coordinator's open cases.
    group = Group.objects.get_or_create(name=COORDINATOR)[0]
    for n in range(args.coordinators):
        user, _ = get_user_model().objects.get_or_create(
            username=f"bench-coordinator-{n}",
            defaults={"is_staff": True, "email": f"bench-coordinator-{n}@example.org"},
        )
        user.groups.add(group)
        CoordinatorProfile.objects.get_or_create(user=user, defaults={"languages": ["en"]})
    profiles = [relapsed_b_all_adult(), third_line_dlbcl()]
    client = redis.Redis.from_url(env["REDIS_URL"])
    run = uuid.uuid4().hex[:8]
    print(
        f"Database: {connection.vendor}; Redis: {env['REDIS_URL']}; "
        f"worker: prefork x{args.concurrency}; {os.cpu_count()} CPUs"
    )

    log = Path(tempfile.mkdtemp(prefix="navigator-bench-worker-")) / "worker.log"
    node = f"bench-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
    worker = start_worker(env, args.concurrency, log, node)

    def paused(queue_up):
        """Queue a batch while the worker does not consume, so that publishing and consuming
        do not compete for the CPU; the batch then runs from a full queue."""
        app.control.cancel_consumer(env["BENCH_QUEUE"], destination=[node], reply=True)
        try:
            return queue_up()
        finally:
            app.control.add_consumer(env["BENCH_QUEUE"], destination=[node], reply=True)

    try:

        def noop(key):
            app.send_task("bench.noop_task", args=[key])

        def stamp(key, sent_at):
            app.send_task("bench.stamp_task", args=[key, sent_at])

        warm = f"bench:{run}:warm"
        for _ in range(20):
            noop(warm)
        wait_list(client, warm, 20)

        # 2. Idle-worker pickup: one task at a time, the worker idle between them.
        key = f"bench:{run}:pickup"
        for i in range(args.pickups):
            stamp(key, time.time())
            wait_list(client, key, i + 1)
            time.sleep(0.01)
        pickups = wait_list(client, key, args.pickups)

        # 3a. No-op throughput: many queued at once; rate from first start to last finish.
        key = f"bench:{run}:noop"
        paused(lambda: [noop(key) for _ in range(args.batch)])
        times = wait_list(client, key, args.batch)
        noop_rate = (args.batch - 1) / (max(times) - min(times))

        # 1 + 3b. Enqueue cost and screening throughput on the same batch of real cases.
        batch = Case.objects.bulk_create(
            new_case(Case, profiles[n % 2], n) for n in range(args.batch)
        )
        enqueue = []

        def publish_batch():
            for case in batch:
                started = time.perf_counter()
                screen_case_task.delay(case.pk)
                enqueue.append(time.perf_counter() - started)

        paused(publish_batch)
        ids = [case.pk for case in batch]
        deadline = time.monotonic() + 300
        while CaseEvent.objects.filter(case_id__in=ids, kind=EventKind.NOTIFIED).count() < len(ids):
            if time.monotonic() > deadline:
                sys.exit("screening batch did not finish")
            time.sleep(0.2)
        events = CaseEvent.objects.filter(case_id__in=ids)
        first = events.filter(kind=EventKind.SCREENING_STARTED).order_by("at").first().at
        last = events.filter(kind=EventKind.NOTIFIED).order_by("-at").first().at
        screen_rate = (len(ids) - 1) / (last - first).total_seconds()

        # 4. Lag at a steady submission rate.
        total = int(args.rate * args.duration)
        submitted = []
        t0 = time.monotonic()
        for n in range(total):
            pause = t0 + n / args.rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            with transaction.atomic():
                case = new_case(Case, profiles[n % 2], 10_000 + n)
                case.save()
                request_screening(case)
            submitted.append(case.pk)
        achieved = total / (time.monotonic() - t0)
        deadline = time.monotonic() + 300
        while CaseEvent.objects.filter(case_id__in=submitted, kind=EventKind.NOTIFIED).count() < (
            total
        ):
            if time.monotonic() > deadline:
                sys.exit("lag run did not finish")
            time.sleep(0.2)
        rows = Case.objects.filter(pk__in=submitted, status=CaseStatus.AWAITING_REVIEW)
        screened_lag = [
            (changed - at).total_seconds()
            for at, changed in rows.values_list("submitted_at", "status_changed_at")
        ]
        notified_at = dict(
            CaseEvent.objects.filter(case_id__in=submitted, kind=EventKind.NOTIFIED).values_list(
                "case_id", "at"
            )
        )
        notified_lag = [
            (notified_at[pk] - at).total_seconds()
            for pk, at in rows.values_list("pk", "submitted_at")
        ]
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)

    print(f"enqueue (publish after commit): p50 {ms(statistics.median(enqueue))}, "
          f"p95 {ms(pct(enqueue, 95))}   goal ≤ 2 ms p95")  # fmt: skip
    print(f"idle pickup latency:            p50 {ms(statistics.median(pickups))}, "
          f"p95 {ms(pct(pickups, 95))}   goal ≤ 50 ms p95")  # fmt: skip
    print(f"throughput: screening {screen_rate:.0f} tasks/s, no-op {noop_rate:.0f} tasks/s "
          f"= {screen_rate / noop_rate:.2f}x   goal ≥ 0.25x")  # fmt: skip
    print(f"lag at {achieved:.1f} submissions/s for {args.duration:g} s ({total} cases):")
    print(f"  submitted → screened:  p50 {ms(statistics.median(screened_lag))}, "
          f"p95 {ms(pct(screened_lag, 95))}   goal ≤ 1 s p95")  # fmt: skip
    print(f"  submitted → notified:  p50 {ms(statistics.median(notified_lag))}, "
          f"p95 {ms(pct(notified_lag, 95))}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
