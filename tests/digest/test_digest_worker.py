"""The digest end to end: the task published twice through a real Redis, a real prefork worker
runs both, and a real SMTP server (aiosmtpd) receives the coordinator's digest once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from screening.jobs import enqueue
from screening.models import CaseStatus, Notification, NotificationState
from tests.factories import CaseFactory, CoordinatorFactory
from tests.pipeline.conftest import wait_for

pytestmark = [pytest.mark.queue, pytest.mark.django_db(transaction=True)]

TASK = "screening.send_daily_digests_task"


def test_the_digest_task_run_twice_delivers_one_email_through_a_real_worker_and_smtp(
    start_worker, mail_server
):
    coordinator = CoordinatorFactory(email="digest.reader@example.org", first_name="Iris")
    now = timezone.now()
    case = CaseFactory(
        status=CaseStatus.IN_REVIEW,
        assigned_to=coordinator,
        assigned_at=now - dt.timedelta(days=2),
        due_at=now - dt.timedelta(hours=1),
        first_name="Odile",
        screening_summary="Likely: Kymriah, Besponsa",
    )
    worker = start_worker(concurrency=2, EMAIL_URL=mail_server.email_url, PIPELINE_TEST_MAIL_DIR="")

    enqueue(TASK)
    enqueue(TASK)  # beat firing twice, or a redelivered message

    def results():  # what each run returned: how many digests it queued
        # Only the digest task returns a number (task names are redacted in the log).
        found = re.findall(r"\] succeeded in [0-9.]+s: (\d+)$", worker.read_log(), re.M)
        return sorted(int(n) for n in found) if len(found) >= 2 else None

    wait_for(results, 60, 0.1, f"the digest task did not run twice:\n{worker.read_log()[-3000:]}")
    wait_for(
        lambda: Notification.objects.filter(
            template="daily_digest", state=NotificationState.SENT, finished=True
        ).exists(),
        60,
        0.1,
        f"the digest was not delivered:\n{worker.read_log()[-3000:]}",
    )

    messages = [m for m in mail_server.messages() if m["To"] == coordinator.email]
    assert len(messages) == 1
    assert Notification.objects.filter(template="daily_digest").count() == 1
    message = messages[0]
    assert str(message["Subject"]).startswith("Navigator digest, ")
    parts = [p.get_payload(decode=True).decode() for p in message.walk() if not p.is_multipart()]
    body = "\n".join(parts)
    assert case.reference in body and "Odile" in body
    assert f"/admin/screening/case/{case.pk}/change/" in body
    assert "Kymriah" not in body and "Likely" not in body
    assert results() == [0, 1]  # one run queued it, the other found it queued
