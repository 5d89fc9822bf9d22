"""The kill test: a real prefork worker, a real Redis, a real SMTP server (aiosmtpd), and the
whole worker SIGKILLed three times while a batch of 40 cases is screened and notified.

Each case has two emails: the intake confirmation (queued at submission, delivered by
`deliver_email_task`) and the coordinator's notice (sent by the screening task itself right
after its commit). The three kills land, in this order, (1) while screenings are mid-task,
(2) while an email is claimed and connected but not yet handed to the server, (3) after the
server accepted an email and its row was marked sent, before the timeline was written; the
test waits for each moment with the marker files of tests/pipeline/worker_app.py, so each
kill lands where it says. After each kill a new worker starts; the test process plays beat,
running the sweeper every second.

Every case must end screened once, and the server must hold exactly 80 messages: one
confirmation and one coordinator notice per case, no Message-ID twice.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import transaction

from screening.models import (
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Notification,
    NotificationState,
    ScreeningRun,
)
from screening.notify.outbox import queue_email
from screening.pipeline.screen import request_screening
from screening.pipeline.sweeper import sweep_pipeline
from tests.factories import CaseFactory, CoordinatorFactory
from tests.pipeline.conftest import wait_for

pytestmark = [pytest.mark.queue, pytest.mark.django_db(transaction=True)]

CASES = 40
PAUSE = 0.2  # each screening, and each email before and after its send, pauses this long
EMAIL_TIMEOUT = 0.5  # a claim goes stale after 12 × this (6 s)
VISIBILITY = 4
BOUND = 150  # seconds from the first kill until everything is sent and recorded


@pytest.fixture
def fast_sweeps(settings):
    # The sweeper run here (as beat) uses the same thresholds as the workers.
    settings.EMAIL_TIMEOUT = EMAIL_TIMEOUT
    settings.SCREENING_STUCK_AFTER = 20


def submit(cases):
    """What submit_case does: screening requested and the confirmation queued, one commit."""
    with transaction.atomic():
        for case in cases:
            request_screening(case)
            queue_email(
                "intake_confirmation",
                case.email,
                case=case,
                context={
                    "reference": case.reference,
                    "first_name": case.first_name,
                    "status_url": f"http://127.0.0.1:8000/status/token-{case.pk}/",
                    "document_count": 0,
                },
                secrets=("status_url",),
            )


def fresh(markers: Path, pattern: str) -> list[Path]:
    """Markers of that kind touched less than half a pause ago (the pause has time left)."""
    now = time.time()
    found = []
    for path in markers.glob(pattern):
        try:
            if now - path.stat().st_mtime < PAUSE / 2:
                found.append(path)
        except FileNotFoundError:
            continue
    return found


def everything_done(ids):
    def done():
        sent = Notification.objects.filter(
            case_id__in=ids, state=NotificationState.SENT, finished=True
        ).count()
        return sent == 2 * len(ids)

    return done


def test_a_worker_killed_three_times_screens_every_case_once_and_sends_no_email_twice(
    start_worker, mail_server, fast_sweeps
):
    CoordinatorFactory(email="coordinator.one@example.org")
    CoordinatorFactory(email="coordinator.two@example.org")
    options = {
        "PIPELINE_TEST_DELAY": PAUSE,
        "PIPELINE_TEST_MAIL_PAUSE": PAUSE,
        "PIPELINE_TEST_MAIL_DIR": "",  # real SMTP, not files
        "EMAIL_URL": mail_server.email_url,
        "EMAIL_TIMEOUT": EMAIL_TIMEOUT,
        "BROKER_VISIBILITY_TIMEOUT": VISIBILITY,
        "BROKER_RESTORE_INTERVAL": 1,
        "SCREENING_STUCK_AFTER": 20,
    }
    markers = Path(start_worker.markers)
    cases = CaseFactory.create_batch(CASES)
    ids = [case.pk for case in cases]
    worker = start_worker(concurrency=2, **options)
    started = time.monotonic()
    submit(cases)

    kills = []
    for moment, pattern in (
        ("mid-screening", "*.running"),
        ("email claimed, not handed over", "mail-*.sending"),
        ("email accepted and marked sent, timeline not written", "mail-*.sent"),
    ):
        wait_for(lambda pattern=pattern: fresh(markers, pattern), 60, 0.02, f"no {moment}")
        worker.kill_all()
        kills.append((moment, round(time.monotonic() - started, 1)))
        worker = start_worker(concurrency=2, **options)

    first_kill = started + kills[0][1]

    def healed():
        with transaction.atomic():
            sweep_pipeline()  # what beat sends every minute (here every second)
        return everything_done(ids)()

    try:
        wait_for(healed, BOUND, 1.0)
    except pytest.fail.Exception:
        states = Counter(Notification.objects.values_list("state", flat=True))
        pytest.fail(f"not finished after {BOUND}s: {states}\n{worker.read_log()[-3000:]}")
    recovered = time.monotonic() - first_kill

    # Every case screened once, assigned, and its coordinator told once.
    for case in Case.objects.filter(pk__in=ids):
        assert case.status == CaseStatus.AWAITING_REVIEW, case.reference
        assert case.assigned_to_id is not None, case.reference
        assert ScreeningRun.objects.filter(case=case).count() == 1, case.reference
        events = Counter(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
        assert events[EventKind.SCREENING_STARTED] == 1, case.reference
        assert events[EventKind.SCREENED] == 1, case.reference
        assert events[EventKind.NOTIFIED] == 1, case.reference
        assert events[EventKind.EMAIL_SENT] == 2, case.reference

    # Exactly 80 emails reached the server: no Message-ID twice, two per case.
    messages = mail_server.messages()
    message_ids = Counter(str(m["Message-ID"]) for m in messages)
    duplicates = {mid: n for mid, n in message_ids.items() if n > 1}
    assert duplicates == {}
    assert len(messages) == 2 * CASES
    per_case = Counter(
        case.reference for case in cases for m in messages if case.reference in str(m["Subject"])
    )
    assert set(per_case.values()) == {2}
    attempts = Counter(Notification.objects.values_list("attempts", flat=True))
    print(
        f"\nkill test: {CASES} cases, {len(messages)} emails, {len(duplicates)} duplicates; "
        f"kills at {kills}; all sent and recorded {recovered:.1f}s after the first kill; "
        f"attempts per email {dict(sorted(attempts.items()))}"
    )
