"""A real round trip: the summary is queued in the web process's transaction, a real prefork
Celery worker (a separate process, real Redis) delivers it to a real SMTP server (aiosmtpd),
and the message that arrives is taken apart: its MIME parts, its PDF opened with pypdf.
Delivered twice, it arrives once; a transient refusal is retried, a permanent one failed."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.utils import timezone

from screening.jobs import enqueue
from screening.models import CaseEvent, EventKind, Notification, NotificationState
from screening.pipeline.sweeper import sweep_pipeline
from screening.rules.data.products import PRODUCTS
from screening.summaries.compose import prepare_summary, send_summary
from tests.summaries.conftest import PHYSICIAN_EMAIL, pdf_text, wait_for
from tests.summaries.helpers import parts

pytestmark = [pytest.mark.queue, pytest.mark.django_db(transaction=True)]

VERDICT_WORDS = {"eligible": "Likely eligible", "needs_review": "Needs review",
                 "not_eligible": "Not eligible"}  # fmt: skip


@pytest.fixture
def worker(start_worker, mail_server):
    return start_worker(concurrency=1, PIPELINE_TEST_MAIL_DIR="", EMAIL_URL=mail_server.email_url,
                        EMAIL_TIMEOUT=2)  # fmt: skip


def queue_summary(case, recipient="patient", **options):
    summary = prepare_summary(case, recipient=recipient, by=case.assigned_to, **options)
    with transaction.atomic():
        summary, queued = send_summary(case, summary.pk, by=case.assigned_to)
    assert queued
    return Notification.objects.get(pk=summary.notification_id)


def arrived(mail_server, address):
    return [m for m in mail_server.messages() if m["To"] == address]


def test_the_worker_delivers_the_patients_summary_with_text_html_and_a_pdf_of_every_verdict(
    case, worker, mail_server
):
    row = queue_summary(case, cover_note="Here is the summary we talked about.")
    [message] = wait_for(lambda: arrived(mail_server, case.email), 60, 0.2, "nothing arrived")
    text, html, files = parts(message)
    assert message["Message-ID"] == row.message_id
    assert "Here is the summary we talked about." in text and "<table" in html
    [(filename, pdf)] = files
    assert filename == f"navigator-summary-{case.reference}.pdf"
    words = " ".join(pdf_text(pdf).split())
    for key, verdict in case.latest_run.verdicts.items():
        assert re.search(rf"{PRODUCTS[key].brand} \(.*?\) {VERDICT_WORDS[verdict]}", words), key
        assert PRODUCTS[key].brand in text and PRODUCTS[key].brand in html
    assert "not medical advice" in words
    sent_events = CaseEvent.objects.filter(
        case=case, kind=EventKind.EMAIL_SENT, data__template="case_summary"
    )
    wait_for(sent_events.exists, 30)
    sent = CaseEvent.objects.get(
        case=case, kind=EventKind.EMAIL_SENT, data__template="case_summary"
    )
    assert sent.actor == case.assigned_to and sent.patient_visible


def test_the_physician_gets_only_a_link_and_the_same_task_twice_sends_one_message(
    case, worker, mail_server
):
    row = queue_summary(case, recipient="physician")
    enqueue("screening.deliver_email_task", row.pk)  # the same task, delivered again
    # Then another email: the worker (one process) takes its tasks in order, so once this one
    # has arrived both deliveries of the first have run.
    queue_summary(case, recipient="patient")
    wait_for(lambda: arrived(mail_server, case.email), 60, 0.2, "the later email never arrived")
    [message] = arrived(mail_server, PHYSICIAN_EMAIL)
    text, html, files = parts(message)
    assert files == []
    for body in (text, html):
        assert re.search(r"http://127\.0\.0\.1:8000/summary/[\w-]+/", body)
        for words in VERDICT_WORDS.values():
            assert words not in body
        for product in PRODUCTS.values():
            assert product.brand not in body
    stored = Notification.objects.get(pk=row.pk)
    assert "/summary/" not in stored.body_text  # the link left with the message only


def test_a_transient_refusal_is_retried_by_the_worker_and_a_permanent_one_fails(
    case, worker, mail_server
):
    mail_server.refuse_data = "451 4.3.0 Mailbox busy, try later"
    row = queue_summary(case)

    def retried():
        row.refresh_from_db()
        return row.state == NotificationState.QUEUED and row.next_attempt_at is not None

    wait_for(retried, 60, 0.2, "the transient refusal was not recorded")
    assert "451 4.3.0" in row.last_error and row.attempts == 1
    mail_server.refuse_data = None
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    with transaction.atomic():
        sweep_pipeline()  # beat's sweeper hands the due email out again
    wait_for(lambda: arrived(mail_server, case.email), 60, 0.2, "the retry never arrived")
    row.refresh_from_db()
    assert row.attempts == 2

    mail_server.refuse_data = "550 5.1.1 No such mailbox"
    other = queue_summary(case, recipient="physician")

    def failed():
        other.refresh_from_db()
        return other.state == NotificationState.FAILED and other.finished

    wait_for(failed, 60, 0.2, "the permanent refusal was not recorded")
    assert other.last_error == "550 5.1.1 No such mailbox"
    event = CaseEvent.objects.get(case=case, kind=EventKind.EMAIL_FAILED)
    assert "550 5.1.1 No such mailbox" in event.message and PHYSICIAN_EMAIL in event.message
