"""Benchmark: the bulk re-screen of every open case after a rules change, on a real worker.

    make bench-rescreen                                   # 100,000 open cases
    make bench-rescreen BENCH_ARGS="--cases 5000"          # smaller
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/labels_bench make bench-rescreen

Loads N synthetic open cases with bench/admin.py's loader (a screening run each, with its
verdict rows) screened under older rules, so today's rules are a real change (`--change`):
- `label` (default): the rules before the newest label change (Tecvayli with daratumumab,
  6 Mar 2026): about one case in twenty-five gets a product newly likely;
- `approvals`: the rules before 4 Apr 2024 (tests/pipeline/old_rules.py: the Abecma myeloma
  indication needing four lines, none of the products approved since): about four cases in
  ten get a product newly likely, the worst case;
- `version`: the old runs only relabelled with another ruleset version (a label's SPL version
  recorded, no verdict moves): the floor of the work.
A case whose product became likely gets an event with the diff, a raised priority where due,
the "newly likely" flag and the person's "case updated" email (queued, and delivered by the
same worker); the others a new run and nothing else.

Then it starts `celery -A navigator worker -P prefork -c W` on a queue of its own, starts the
re-screen job in this process (`start_rescreen`, as the hourly check or `manage.py rescreen
--enqueue` would) and polls the job's progress row until it is done. Printed: wall time from
the start to the last batch committed, cases per second, the worker processes' CPU seconds
(user + system, from /proc), what the job counted, and the rows written. Figures, not
assertions; goal: 100,000 cases in 3 minutes or less on PostgreSQL with 2 worker processes.

`--reuse` keeps the loaded cases and only undoes the previous run's re-screen (its runs, events,
emails and jobs), which is much faster than loading again. Needs REDIS_URL (make wraps the
bench in an embedded Redis).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = f"sqlite:///{ROOT / 'var' / 'bench' / 'rescreen.sqlite3'}"
VERSION_ONLY = "bench-old-labels"  # `--change version`: the loaded runs, relabelled


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="open cases to re-screen")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (-c)")
    parser.add_argument("--batch", type=int, default=500, help="cases per batch")
    parser.add_argument("--change", choices=("label", "approvals", "version"), default="label")
    parser.add_argument("--reuse", action="store_true", help="keep the loaded cases")
    return parser.parse_args()


def setup_django(args) -> None:
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL is not set: run `make bench-rescreen` (it starts an embedded Redis).")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ["ENV_FILE"] = ""
    os.environ["DEBUG"] = "0"  # no query log kept in memory
    os.environ.setdefault("SECRET_KEY", uuid.uuid4().hex * 2)
    os.environ["ALLOWED_HOSTS"] = "localhost"
    os.environ["EMAIL_URL"] = "memorymail://"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["CELERY_QUEUE"] = f"bench-rescreen-{uuid.uuid4().hex[:8]}"
    os.environ["RESCREEN_BATCH"] = str(args.batch)
    os.environ["RESCREEN_WORKERS"] = str(args.workers)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")
    url = os.environ["DATABASE_URL"]
    if url.startswith(("postgres://", "postgresql://")):
        from bench.admin import create_postgres_database

        create_postgres_database(url)
    import django

    django.setup()


class Patches:
    """The `monkeypatch` the old-rules helper expects, undone by `undo()`."""

    def __init__(self):
        self._undo = []

    def setattr(self, target, name, value):
        self._undo.append((target, name, getattr(target, name)))
        setattr(target, name, value)

    def undo(self):
        while self._undo:
            target, name, value = self._undo.pop()
            setattr(target, name, value)


def load_under_old_rules(args) -> None:
    """Load the cases screened under the scenario's older rules (reused with --reuse when
    the database holds this many cases loaded under the same rules)."""
    from bench.admin import load
    from screening.models import ScreeningRun
    from screening.rules import ruleset
    from screening.rules.data.products import LABELS_AS_OF
    from tests.pipeline.old_rules import use_abecma_rules_before_april_2024, use_rules_as_of

    patches = Patches()
    if args.change == "approvals":
        version = use_abecma_rules_before_april_2024(patches)
    elif args.change == "label":
        version = use_rules_as_of(patches, LABELS_AS_OF)
    else:
        version = ruleset.RULESET_VERSION
    patches.setattr(ruleset, "RULESET_VERSION", version)  # what the loader stamps
    first = ScreeningRun.objects.order_by("pk").values_list("ruleset_version", flat=True).first()
    reuse = args.reuse and first in (version, VERSION_ONLY)
    if args.reuse and not reuse:
        print("Reloading: the cases in the database were screened under other rules")
    try:
        load(args.cases, reload=not reuse, open_share=1.0)
    finally:
        patches.undo()


def undo_previous_rescreen() -> None:
    """Remove what an earlier re-screen wrote besides runs (events, emails, tokens, jobs) and
    put the priorities it raised back as loaded (due = submitted + SLA[priority])."""
    from django.db import connection, transaction
    from django.db.models import F

    from bench.admin import SLA
    from screening.models import Case, CaseEvent, Notification, RescreenJob, StatusToken

    with transaction.atomic():
        raised = CaseEvent.objects.filter(kind="prioritised", data__has_key="previous")
        for case_id, previous in list(raised.values_list("case_id", "data__previous")):
            Case.objects.filter(pk=case_id).update(
                priority=previous, priority_reason="", due_at=F("submitted_at") + SLA[previous]
            )
        for model in (CaseEvent, Notification, StatusToken):
            model.objects.all()._raw_delete(connection.alias)
        RescreenJob.objects.all().delete()
        Case.objects.filter(newly_likely_at__isnull=False).update(
            newly_likely=[], newly_likely_at=None
        )


def back_to_the_loaded_runs(change: str) -> None:
    """Each case's loaded run (its oldest) is its latest again; later runs are deleted."""
    from django.db import connection, transaction
    from django.db.models import Min, OuterRef, Subquery

    from screening.models import Case, ScreeningRun
    from screening.rules.ruleset import RULESET_VERSION

    first_runs = ScreeningRun.objects.values("case_id").annotate(first=Min("id"))
    later = ScreeningRun.objects.exclude(id__in=first_runs.values("first"))
    with transaction.atomic():
        # Only the cases re-screened before are touched (a full rewrite would bloat the table).
        moved = Case.objects.filter(latest_run__in=later)
        moved.update(
            latest_run=Subquery(
                ScreeningRun.objects.filter(case=OuterRef("pk")).order_by("pk").values("pk")[:1]
            )
        )
        later.delete()
        version = VERSION_ONLY if change == "version" else None
        if version and ScreeningRun.objects.exclude(ruleset_version=version).exists():
            ScreeningRun.objects.update(ruleset_version=version)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # start each measurement from a tidy table
            for table in ("screening_case", "screening_screeningrun", "screening_productverdict"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    outdated = Case.objects.exclude(latest_run__ruleset_version=RULESET_VERSION).count()
    print(f"Ready: {outdated:,} open case(s) not screened under {RULESET_VERSION}", flush=True)


def start_worker(concurrency: int, log: Path) -> subprocess.Popen:
    args = [
        sys.executable, "-m", "celery", "-A", "navigator", "worker", "-P", "prefork",
        "-c", str(concurrency), "-Q", os.environ["CELERY_QUEUE"],
        "-n", f"bench-rescreen-{uuid.uuid4().hex[:6]}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING",
    ]  # fmt: skip
    output = open(log, "wb")  # noqa: SIM115 - the worker owns it until the bench ends
    worker = subprocess.Popen(
        args, cwd=ROOT, env=dict(os.environ), stdout=output, stderr=subprocess.STDOUT
    )
    from navigator.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5)
        if replies:
            return worker
        if worker.poll() is not None:
            sys.exit(f"the worker exited: {log.read_text()[-2000:]}")
    sys.exit("the worker did not answer within 60 s")


def process_tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid] + [p for child in children for p in process_tree(int(child))]


def cpu_seconds(pids) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class DatabaseCpu:
    """CPU seconds of the PostgreSQL server processes serving the bench database (the
    worker's connections), read from /proc while the job runs; None on SQLite."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def sample(self) -> None:
        if self.connection.vendor != "postgresql":
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            pids = [row[0] for row in cursor.fetchall()]
        for pid in pids:
            seconds = cpu_seconds([pid])
            self.first.setdefault(pid, seconds)
            self.last[pid] = seconds

    def seconds(self) -> float | None:
        if self.connection.vendor != "postgresql":
            return None
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def measure(args) -> None:
    from django.db import connection

    from screening.intake.rederive import start_rescreen
    from screening.models import CaseEvent, Notification, ProductVerdict, RescreenJob, ScreeningRun

    log = ROOT / "var" / "bench" / "rescreen-worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    worker = start_worker(args.workers, log)
    try:
        pids = process_tree(worker.pid)
        cpu_before = cpu_seconds(pids)
        runs_before, verdicts_before = ScreeningRun.objects.count(), ProductVerdict.objects.count()
        database_cpu = DatabaseCpu()
        started = time.perf_counter()
        job = start_rescreen(reason="bench")
        created = time.perf_counter() - started
        print(
            f"Job {job.pk}: {job.total:,} case(s) in {job.batches.count()} batches of "
            f"{args.batch} (created in {created:.1f} s); worker of {args.workers} processes",
            flush=True,
        )
        last_report = 0.0
        while True:
            job.refresh_from_db()
            now = time.perf_counter() - started
            if job.state != "running":
                break
            if now - last_report >= 10:
                rate = job.done / now if now else 0
                print(f"  {now:6.0f} s: {job.done:,} done ({rate:,.0f}/s)", flush=True)
                last_report = now
            if worker.poll() is not None:
                sys.exit(f"the worker exited: {log.read_text()[-2000:]}")
            database_cpu.sample()
            time.sleep(0.5)
        wall = (job.finished_at - job.created_at).total_seconds()
        cpu = cpu_seconds(pids) - cpu_before
        emails = Notification.objects.filter(template="case_updated")
        while emails.exclude(state="sent").exists() and time.perf_counter() - started < 3600:
            time.sleep(0.5)
        delivered = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print(f"\nDatabase: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"Re-screened {job.done:,} open case(s) in {wall:.1f} s: {job.done / wall:,.0f} cases/s")
    print(f"Worker CPU: {cpu:.1f} s ({1000 * cpu / max(job.done, 1):.2f} ms per case)")
    server = database_cpu.seconds()
    if server is not None:
        print(
            f"PostgreSQL CPU (the worker's connections, at least): {server:.1f} s "
            f"({1000 * server / max(job.done, 1):.2f} ms per case)"
        )
    print(
        f"Counted: {job.changed:,} with a changed verdict, {job.newly_likely:,} newly likely, "
        f"{job.raised:,} raised in priority, {job.invalid:,} invalid, {job.skipped:,} skipped"
    )
    print(
        f"Written: {ScreeningRun.objects.count() - runs_before:,} runs, "
        f"{ProductVerdict.objects.count() - verdicts_before:,} verdict rows, "
        f"{CaseEvent.objects.count():,} events, {Notification.objects.count():,} emails queued"
    )
    print(
        f"Every 'case updated' email sent {delivered:.1f} s after the start "
        f"({emails.filter(state='sent').count():,} sent)"
    )
    print(f"Jobs: {list(RescreenJob.objects.values_list('pk', 'state', 'done'))}")


def main():
    args = parse_args()
    setup_django(args)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    undo_previous_rescreen()
    load_under_old_rules(args)
    back_to_the_loaded_runs(args.change)
    measure(args)


if __name__ == "__main__":
    main()
