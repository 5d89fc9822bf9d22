"""The bulk re-screen on a real prefork worker that is killed whole mid-job and replaced:
every open case re-screened exactly once, the diffs right. Runs on SQLite (a file shared with
the worker) and on PostgreSQL (CI's second pass, or DATABASE_URL).

Each batch pauses after it has written everything and before it commits
(PIPELINE_TEST_RESCREEN_PAUSE, tests/pipeline/worker_app.py), so the kill lands on batches
whose runs, verdict rows and events exist only in an open transaction.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from screening.intake.rederive import start_rescreen
from screening.models import (
    Case,
    CaseEvent,
    EventKind,
    ProductVerdict,
    RescreenBatch,
    RescreenJob,
    ScreeningRun,
)
from screening.pipeline import runs
from screening.rules.data.products import PRODUCTS
from screening.tasks import sweep_pipeline_task
from tests.pipeline.conftest import wait_for
from tests.pipeline.old_rules import NEWLY_LIKELY, myeloma_after_two_lines, screened_cases
from tests.rules.profiles import third_line_dlbcl

pytestmark = [pytest.mark.queue, pytest.mark.django_db(transaction=True)]

PAUSE = 2.0  # seconds each batch waits, written and uncommitted
OPTIONS = {
    "PIPELINE_TEST_RESCREEN_PAUSE": PAUSE,
    "SCREENING_STUCK_AFTER": 2,  # a dead worker's claims are taken over after 2 s
    "BROKER_VISIBILITY_TIMEOUT": 4,
    "BROKER_RESTORE_INTERVAL": 1,
    "RESCREEN_WORKERS": 2,
}


def batch_markers(start_worker, state: str) -> list[tuple[int, float]]:
    """(first case id, seconds since) of each batch in that state: "running" (written, in
    the pause before its commit) or "done" (past it)."""
    found = []
    for path in Path(start_worker.markers).glob(f"batch-*.{state}"):
        _, first, _pid = path.stem.split("-")
        try:
            found.append((int(first), time.time() - path.stat().st_mtime))
        except FileNotFoundError:
            continue  # renamed meanwhile
    return found


def test_a_worker_killed_mid_job_is_replaced_and_every_case_is_rescreened_exactly_once(
    start_worker, monkeypatch, settings
):
    settings.RESCREEN_BATCH = 4
    myeloma, dlbcl = myeloma_after_two_lines(), third_line_dlbcl()
    cases = screened_cases(monkeypatch, [myeloma, dlbcl, dlbcl] * 8)  # 24 cases, 6 batches
    likely = {case.pk for case in cases if case.profile["diagnosis"] == "mm"}
    first = start_worker(concurrency=2, **OPTIONS)

    job = start_rescreen(reason="kill test")  # its two steps are published at once
    assert (job.total, job.batches.count()) == (24, 6)

    # A batch committed, another written and waiting to commit (on PostgreSQL perhaps two;
    # on SQLite the other process waits for the write lock): the whole machine goes down.
    def in_flight():
        fresh = [m for m in batch_markers(start_worker, "running") if m[1] < PAUSE / 2]
        return batch_markers(start_worker, "done") and fresh

    wait_for(in_flight, 60, message=f"no batch in flight: {first.read_log()[-3000:]}")
    first.kill_all()

    paused = {first_id for first_id, _ in batch_markers(start_worker, "running")}
    killed = list(RescreenBatch.objects.filter(job=job, state="claimed"))
    assert 1 <= len(paused) <= len(killed) <= 2
    assert paused <= {batch.case_ids[0] for batch in killed}
    lost = [case_id for batch in killed for case_id in batch.case_ids]
    current = ScreeningRun.objects.filter(ruleset_version=runs.RULESET_VERSION)
    assert not current.filter(case_id__in=lost).exists()  # rolled back with the worker
    assert not CaseEvent.objects.filter(case_id__in=lost, kind=EventKind.RESCREENED).exists()

    second = start_worker(concurrency=2, **OPTIONS)
    time.sleep(OPTIONS["SCREENING_STUCK_AFTER"])
    sweep_pipeline_task.delay()  # what beat sends every minute

    def finished():
        return RescreenJob.objects.get(pk=job.pk).state == "done"

    wait_for(finished, 90, message=f"job not finished: {second.read_log()[-3000:]}")
    job.refresh_from_db()
    assert (job.total, job.done, job.changed, job.newly_likely, job.invalid) == (24, 24, 8, 8, 0)
    assert set(job.batches.values_list("state", flat=True)) == {"done"}
    # The killed batches were claimed twice (taken over), the others once.
    attempts = dict(job.batches.values_list("pk", "attempts"))
    assert [attempts[batch.pk] for batch in killed] == [2] * len(killed)
    assert sum(attempts.values()) == len(attempts) + len(killed)
    for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
        runs_now = current.filter(case=case)
        assert runs_now.count() == 1, case.reference
        run = runs_now.get()
        assert case.latest_run_id == run.pk
        assert ProductVerdict.objects.filter(run=run).count() == len(PRODUCTS)
        events = CaseEvent.objects.filter(case=case, kind=EventKind.RESCREENED)
        raised = CaseEvent.objects.filter(
            case=case, kind=EventKind.PRIORITISED, message__startswith="Priority raised"
        )
        if case.pk in likely:
            assert [e.data["changes"] for e in events] == [NEWLY_LIKELY], case.reference
            assert raised.count() == 1
            assert case.newly_likely == sorted(NEWLY_LIKELY)
        else:
            assert not events.exists() and not raised.exists(), case.reference
            assert run.changes == {}
