"""The pipeline on a real Redis with real `celery worker` processes (prefork pool), including
workers and Redis killed mid-flight. Nothing here runs eagerly or in the test's own process.

Bounds (stated, and asserted):
- R2: after the whole worker is SIGKILLed, every case finishes within R2_BOUND seconds of
  the kill: a new worker's start-up (≈ 3 s) + the visibility timeout set for the test
  (VISIBILITY s) + one restore interval (1 s) + the remaining work (≈ 20 × DELAY / 2 s),
  with margin. In production the visibility timeout is BROKER_VISIBILITY_TIMEOUT = 3600 s, so
  a task held by a worker that died is redelivered within about an hour plus 10 s; the sweeper
  re-enqueues a case still unscreened after SCREENING_STUCK_AFTER = 600 s, whichever is first.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from django.db import transaction

from screening.documents.processing import enqueue_document_processing
from screening.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Document,
    EventKind,
    Notification,
    NotificationState,
    ScreeningRun,
    TextStatus,
)
from screening.pipeline.screen import request_screening
from screening.tasks import screen_case_task, sweep_pipeline_task
from tests.factories import CaseFactory, DocumentFactory
from tests.pipeline import pdfs
from tests.pipeline.conftest import wait_for

pytestmark = [pytest.mark.queue, pytest.mark.django_db(transaction=True)]

DELAY = 0.4  # seconds each screening pauses right after its claim (tests/pipeline/worker_app)
VISIBILITY = 4
R2_BOUND = 30


def submit(cases):
    """What submit_case does for each case: request screening inside the transaction."""
    with transaction.atomic():
        for case in cases:
            request_screening(case)


def all_screened(cases):
    """Every case screened, assigned, and its coordinator's email sent."""

    def done():
        ids = [case.pk for case in cases]
        notified = Notification.objects.filter(case_id__in=ids, state=NotificationState.SENT)
        return notified.values("case_id").distinct().count() == len(ids)

    return done


def assert_each_screened_and_notified_once(cases, mailbox):
    for case in cases:
        case.refresh_from_db()
        assert case.status == CaseStatus.AWAITING_REVIEW, case.reference
        assert case.assigned_to is not None, case.reference
        assert ScreeningRun.objects.filter(case=case).count() == 1, case.reference
        assert CaseEvent.objects.filter(case=case, kind=EventKind.SCREENED).count() == 1
        assert CaseEvent.objects.filter(case=case, kind=EventKind.NOTIFIED).count() == 1
        assert mailbox.count_for(case.reference) == 1, case.reference


def markers(start_worker, state: str) -> list[tuple[int, int, float]]:
    """(case id, pid, seconds since) of each screening task in that state: "running" (in the
    worker_app pause at the start of the task) or "done" (past it)."""
    found = []
    for path in Path(start_worker.markers).glob(f"*.{state}"):
        case_id, pid = map(int, path.stem.split("-"))
        try:
            found.append((case_id, pid, time.time() - path.stat().st_mtime))
        except FileNotFoundError:
            continue  # renamed meanwhile
    return found


def pausing(start_worker, count: int = 1) -> list[tuple[int, int, float]]:
    """Tasks at least half a pause away from waking up, once there are `count` of them."""
    fresh = [m for m in markers(start_worker, "running") if m[2] < DELAY / 2]
    return fresh if len(fresh) >= count else []


def test_round_trip_a_submitted_case_is_screened_assigned_and_notified(
    start_worker, coordinator, mailbox
):
    start_worker(concurrency=1)
    case = CaseFactory()

    submit([case])

    wait_for(all_screened([case]), 20, message="the case was not screened")
    assert_each_screened_and_notified_once([case], mailbox)
    case.refresh_from_db()
    assert case.assigned_to == coordinator
    assert case.due_at is not None
    [message] = mailbox.messages()
    assert "To: coordinator.one@example.org" in message
    assert f"/admin/screening/case/{case.pk}/change/" in message
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {
        EventKind.SCREENING_STARTED,
        EventKind.SCREENED,
        EventKind.PRIORITISED,
        EventKind.ASSIGNED,
        EventKind.NOTIFIED,
    } <= kinds


def test_r1_a_pool_process_killed_mid_task_loses_nothing_and_repeats_nothing(
    start_worker, coordinator, mailbox
):
    worker = start_worker(concurrency=2, PIPELINE_TEST_DELAY=DELAY)
    cases = CaseFactory.create_batch(20)

    submit(cases)
    # A pool process is mid-task (message delivered, not acknowledged): kill that process.
    case_id, pid, _ = wait_for(lambda: pausing(start_worker), 20)[0]
    assert pid in worker.children()
    os.kill(pid, signal.SIGKILL)

    wait_for(all_screened(cases), 60, message="not every case was screened")
    assert_each_screened_and_notified_once(cases, mailbox)
    assert worker.alive()
    assert pid not in worker.children()  # the pool replaced the killed process
    # The killed task was delivered again and finished the claimed case.
    killed = Case.objects.get(pk=case_id)
    assert killed.status == CaseStatus.AWAITING_REVIEW
    started = CaseEvent.objects.filter(case=killed, kind=EventKind.SCREENING_STARTED)
    assert started.count() == 1
    assert "WorkerLostError" in worker.read_log() or "SIGKILL" in worker.read_log()


def test_r2_a_worker_killed_whole_mid_batch_is_replaced_and_every_case_finishes(
    start_worker, coordinator, mailbox
):
    options = {
        "PIPELINE_TEST_DELAY": DELAY,
        "BROKER_VISIBILITY_TIMEOUT": VISIBILITY,
        "BROKER_RESTORE_INTERVAL": 1,
    }
    first = start_worker(concurrency=2, **options)
    cases = CaseFactory.create_batch(20)

    submit(cases)
    # Some cases done, both pool processes mid-task: the whole machine goes down.
    wait_for(lambda: len(markers(start_worker, "done")) >= 4 and pausing(start_worker, 2), 30)
    first.kill_all()
    killed_at = time.monotonic()
    ids = [case.pk for case in cases]
    in_flight = {case_id for case_id, _, _ in markers(start_worker, "running")}
    assert len(in_flight) == 2
    assert not Case.objects.filter(pk__in=in_flight, status=CaseStatus.AWAITING_REVIEW).exists()

    second = start_worker(concurrency=2, **options)

    def report():
        states = dict(Case.objects.filter(pk__in=ids).values_list("pk", "status"))
        return f"not all finished within {R2_BOUND}s: {states}\n{second.read_log()[-3000:]}"

    try:
        wait_for(all_screened(cases), R2_BOUND)
    except pytest.fail.Exception:
        pytest.fail(report(), pytrace=False)
    elapsed = time.monotonic() - killed_at
    assert elapsed < R2_BOUND
    assert_each_screened_and_notified_once(cases, mailbox)


def test_r3_a_redis_restart_loses_the_queue_and_the_sweeper_heals_it(
    start_worker, coordinator, mailbox, restartable_redis, publish_to
):
    publish_to(restartable_redis.url)
    cases = CaseFactory.create_batch(5)
    submit(cases)  # five messages wait in Redis; no worker is running yet
    restartable_redis.stop()
    restartable_redis.start()  # empty: persistence is off, as a crash without it would be

    start_worker(concurrency=2, REDIS_URL=restartable_redis.url, SCREENING_STUCK_AFTER=1)
    time.sleep(1.5)
    # The queue is gone: nothing was screened.
    assert Case.objects.filter(status=CaseStatus.SUBMITTED).count() == 5

    sweep_pipeline_task.delay()  # what beat sends every minute

    wait_for(all_screened(cases), 30, message="the sweeper did not heal the lost queue")
    assert_each_screened_and_notified_once(cases, mailbox)


def test_r4_a_rolled_back_transaction_publishes_no_task(pipeline_queue, queued):
    case = CaseFactory()

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            request_screening(case)
            raise RuntimeError("the submission failed after requesting screening")

    assert queued(pipeline_queue) == []
    case.refresh_from_db()
    assert case.screening_requested_at is None

    submit([case])  # the same call in a transaction that commits does publish
    assert queued(pipeline_queue) == [("screening.screen_case_task", [case.pk])]


def test_r4_a_rolled_back_upload_publishes_no_document_task(pipeline_queue, queued):
    document = DocumentFactory()

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            enqueue_document_processing(document)
            raise RuntimeError("rolled back")

    assert queued(pipeline_queue) == []


def test_the_same_task_delivered_twice_screens_once_and_emails_once(
    start_worker, coordinator, mailbox, queued, pipeline_queue
):
    case = CaseFactory()
    # Two copies of the same message, as a redelivery after a visibility timeout would give.
    screen_case_task.delay(case.pk)
    screen_case_task.delay(case.pk)
    assert len(queued(pipeline_queue)) == 2

    start_worker(concurrency=2)  # both copies can run at the same time

    wait_for(all_screened([case]), 20)
    time.sleep(0.5)  # let the second copy finish too
    wait_for(lambda: not queued(pipeline_queue), 10)
    assert_each_screened_and_notified_once([case], mailbox)


def test_hostile_pdfs_are_marked_unreadable_and_the_worker_stays_up(start_worker, pipeline_queue):
    worker = start_worker(concurrency=2, PDF_TEXT_TIME_LIMIT=2)
    pool = worker.children()
    hostile = {
        kind: DocumentFactory(content=make(), original_name=f"{kind}.pdf")
        for kind, make in pdfs.HOSTILE.items()
    }
    good = DocumentFactory(content=pdfs.text_pdf("Cytogenetics report", "KMT2A not detected"))
    started = time.monotonic()

    with transaction.atomic():
        for document in [*hostile.values(), good]:
            enqueue_document_processing(document)

    ids = [d.pk for d in [*hostile.values(), good]]
    wait_for(
        lambda: Document.objects.filter(pk__in=ids, processed_at__isnull=False).count() == len(ids),
        30,
    )
    # Seven files on two processes, none allowed more than 2 s: well under 15 s in all.
    assert time.monotonic() - started < 15
    for kind, document in hostile.items():
        document.refresh_from_db()
        assert document.text_status == TextStatus.UNREADABLE, kind
        assert document.text_detail, kind
    good.refresh_from_db()
    assert good.text_status == TextStatus.EXTRACTED, good.text_detail
    assert "KMT2A not detected" in good.extracted_text
    # The same worker and the same pool processes are still there.
    assert worker.alive()
    assert worker.children() == pool
