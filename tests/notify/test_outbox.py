"""The outbox: every email queued in the caller's transaction, delivered after the commit to a
real SMTP server (aiosmtpd), retried when the server is down or slow, failed with the
server's reason when it refuses for good, and never sent twice."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from navigator.celery import app as celery_app
from screening.intake.submit import create_draft, send_resume_link
from screening.models import (
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Notification,
    NotificationState,
)
from screening.notify.delivery import (
    MAX_ATTEMPTS,
    claim_stale_after,
    deliver_email,
    due_emails,
    retry_delay,
)
from screening.notify.emails import REDACTED
from screening.notify.outbox import Attachment, queue_email
from screening.pipeline.sweeper import sweep_pipeline
from screening.triage.actions import request_records
from tests.auth import staff_login
from tests.factories import MINIMAL_PDF, CaseFactory, CoordinatorFactory
from tests.intake.helpers import submit, walk_to_review
from tests.mailserver import SilentServer
from tests.outbox import deliver_outbox

pytestmark = pytest.mark.django_db

STATUS_URL = "http://127.0.0.1:8000/status/secret-token-abc/"


def confirmation(case, **options) -> Notification:
    return queue_email(
        "intake_confirmation",
        case.email,
        case=case,
        context={
            "reference": case.reference,
            "first_name": case.first_name,
            "status_url": STATUS_URL,
            "document_count": 0,
        },
        secrets=("status_url",),
        **options,
    )


def kinds(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))


def time_passes(row: Notification) -> None:
    """The backoff elapses: the row's next attempt is due now."""
    Notification.objects.filter(pk=row.pk, next_attempt_at__isnull=False).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def deliver_due(django_capture_on_commit_callbacks) -> int:
    """What beat and the worker do: the sweeper hands out the due emails and the delivery task
    runs for each (inline here); returns how many were handed out."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            return sweep_pipeline().notifications
    finally:
        celery_app.conf.task_always_eager = eager


# --- Queueing --------------------------------------------------------------------------------


def test_it_stores_what_will_be_sent_and_delivers_it_only_after_the_commit(
    django_capture_on_commit_callbacks,
):
    case = CaseFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            row = confirmation(case)

    assert len(callbacks) == 1  # the delivery task, published after the commit
    assert row.state == NotificationState.QUEUED
    assert row.to == [case.email]
    assert case.reference in row.subject
    assert STATUS_URL in row.body_text and STATUS_URL in row.body_html
    assert row.message_id.startswith("<navigator.") and row.message_id.endswith("@localhost>")
    assert mail.outbox == []
    queued = CaseEvent.objects.get(case=case, kind=EventKind.EMAIL_QUEUED)
    assert queued.data["email"] == row.pk and not queued.patient_visible


def test_a_rolled_back_change_queues_nothing(django_capture_on_commit_callbacks):
    case = CaseFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                confirmation(case)
                raise RuntimeError("the change failed after queueing its email")

    assert callbacks == []
    assert not Notification.objects.exists()


def test_it_renders_in_the_emails_own_language():
    draft = create_draft({})
    row = queue_email(
        "resume_link",
        "ana@example.org",
        draft=draft,
        language="es",
        context={"resume_url": "http://x/r/", "expires_at": dt.datetime(2026, 12, 24, 12, 0)},
    )
    assert row.language == "es"
    assert "diciembre" in row.body_text  # Django's own Spanish month names


def test_it_refuses_an_email_with_no_recipient():
    with pytest.raises(ValueError, match="at least one recipient"):
        confirmation(CaseFactory(email=""))


# --- Delivering to a real SMTP server --------------------------------------------------------


def test_it_sends_once_with_its_stored_message_id_and_records_it(smtp_settings, mail_server):
    case = CaseFactory()
    row = confirmation(case)

    assert deliver_email(row.pk) is True
    assert deliver_email(row.pk) is False  # a redelivered task

    [message] = mail_server.messages()
    row.refresh_from_db()
    assert message["Message-ID"] == row.message_id
    assert case.reference in message["Subject"]
    assert STATUS_URL in message.get_payload()[0].get_payload(decode=True).decode()
    assert row.state == NotificationState.SENT and row.sent_at and row.attempts == 1
    assert kinds(case) == [EventKind.EMAIL_QUEUED, EventKind.EMAIL_SENT]
    # The stored copy keeps the email, without the status link's secret.
    assert STATUS_URL not in row.body_text + row.body_html + row.subject
    assert REDACTED in row.body_text and REDACTED in row.body_html
    assert case.reference in row.body_text


def test_an_attachment_goes_with_the_email_and_stays_with_the_row(smtp_settings, mail_server):
    case = CaseFactory()
    row = confirmation(
        case, attachments=[Attachment("summary.pdf", MINIMAL_PDF, "application/pdf")]
    )

    deliver_email(row.pk)

    [message] = mail_server.messages()
    [pdf] = [part for part in message.walk() if part.get_filename() == "summary.pdf"]
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_payload(decode=True) == MINIMAL_PDF
    assert bytes(row.attachments.get().content) == MINIMAL_PDF


def test_a_refused_connection_is_retried_later_and_then_sends_exactly_once(
    smtp_settings, mail_server, django_capture_on_commit_callbacks
):
    mail_server.stop()
    case = CaseFactory()
    row = confirmation(case)

    assert deliver_email(row.pk) is False
    row.refresh_from_db()
    assert row.state == NotificationState.QUEUED and row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at - timezone.now() > retry_delay(1) - dt.timedelta(seconds=5)
    assert deliver_email(row.pk) is False  # not due yet: nothing is tried
    row.refresh_from_db()
    assert row.attempts == 1

    mail_server.start()
    time_passes(row)
    assert deliver_due(django_capture_on_commit_callbacks) == 1
    time_passes(row)
    assert deliver_due(django_capture_on_commit_callbacks) == 0

    assert len(mail_server.messages()) == 1
    row.refresh_from_db()
    assert row.state == NotificationState.SENT and row.attempts == 2


def test_a_mail_server_that_hangs_times_out_and_the_email_goes_out_later(
    smtp_settings, mail_server, django_capture_on_commit_callbacks
):
    silent = SilentServer()
    smtp_settings.EMAIL_PORT, smtp_settings.EMAIL_TIMEOUT = silent.port, 0.5
    row = confirmation(CaseFactory())
    try:
        assert deliver_email(row.pk) is False
    finally:
        silent.stop()
    row.refresh_from_db()
    assert row.state == NotificationState.QUEUED
    assert "timed out" in row.last_error.lower() or "Timeout" in row.last_error

    smtp_settings.EMAIL_PORT = mail_server.port
    time_passes(row)
    assert deliver_due(django_capture_on_commit_callbacks) == 1
    assert len(mail_server.messages()) == 1


def test_a_temporary_refusal_is_retried_with_a_growing_delay(smtp_settings, mail_server):
    mail_server.refuse_data = "451 4.3.0 Mail server busy, try again later"
    row = confirmation(CaseFactory())

    deliver_email(row.pk)
    row.refresh_from_db()
    first = row.next_attempt_at
    assert row.last_error == "451 4.3.0 Mail server busy, try again later"
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    deliver_email(row.pk)
    row.refresh_from_db()

    assert row.state == NotificationState.QUEUED and row.attempts == 2
    assert row.next_attempt_at - timezone.now() > first - row.created_at
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 12)] == [60, 120, 240, 14400]
    assert mail_server.messages() == []


def test_a_permanent_refusal_fails_with_the_servers_reason_on_the_timeline(
    smtp_settings, mail_server, client
):
    mail_server.refuse_recipients = "550 5.1.1 <nobody@example.org>: mailbox unavailable"
    coordinator = CoordinatorFactory()
    case = CaseFactory(email="nobody@example.org", assigned_to=coordinator)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.IN_REVIEW)
    row = confirmation(case)

    assert deliver_email(row.pk) is False
    assert deliver_email(row.pk) is False  # failed for good: never tried again

    row.refresh_from_db()
    assert row.state == NotificationState.FAILED and row.attempts == 1
    assert "550 5.1.1 <nobody@example.org>: mailbox unavailable" in row.last_error
    failed = CaseEvent.objects.get(case=case, kind=EventKind.EMAIL_FAILED)
    assert "mailbox unavailable" in failed.message and not failed.patient_visible
    assert STATUS_URL not in row.body_text
    staff_login(client, coordinator)
    page = client.get(reverse("admin:screening_case_change", args=[case.pk])).text
    assert "mailbox unavailable" in page


def test_it_gives_up_after_the_last_attempt_and_says_why(smtp_settings, mail_server):
    mail_server.stop()
    case = CaseFactory()
    row = confirmation(case)
    Notification.objects.filter(pk=row.pk).update(attempts=MAX_ATTEMPTS - 1)

    deliver_email(row.pk)

    row.refresh_from_db()
    assert row.state == NotificationState.FAILED
    assert row.last_error.startswith(f"gave up after {MAX_ATTEMPTS} attempts: ")
    assert EventKind.EMAIL_FAILED in kinds(case)


# --- Deliveries that died --------------------------------------------------------------------


def test_a_claim_left_by_a_dead_delivery_is_sent_once_when_it_goes_stale(
    smtp_settings, mail_server, django_capture_on_commit_callbacks
):
    row = confirmation(CaseFactory())
    claimed_at = timezone.now()
    Notification.objects.filter(pk=row.pk).update(
        state=NotificationState.SENDING, claimed_at=claimed_at, attempts=1
    )
    assert deliver_email(row.pk) is False  # the claim still holds

    stale = claimed_at + claim_stale_after() + dt.timedelta(seconds=1)
    assert list(due_emails(stale).values_list("pk", flat=True)) == [row.pk]
    Notification.objects.filter(pk=row.pk).update(claimed_at=claimed_at - claim_stale_after())
    assert deliver_email(row.pk) is True
    assert len(mail_server.messages()) == 1


def test_a_delivery_that_died_after_the_send_is_recorded_and_never_sent_again(
    smtp_settings, mail_server
):
    case = CaseFactory()
    row = confirmation(case)
    # Marked sent in its own commit, then the worker died before the timeline write.
    Notification.objects.filter(pk=row.pk).update(
        state=NotificationState.SENT, claimed_at=timezone.now(), sent_at=timezone.now()
    )

    assert deliver_email(row.pk) is False
    assert deliver_email(row.pk) is False

    assert mail_server.messages() == []
    assert kinds(case).count(EventKind.EMAIL_SENT) == 1
    row.refresh_from_db()
    assert row.finished and STATUS_URL not in row.body_text


def test_every_attempt_dying_mid_send_ends_as_failed(django_capture_on_commit_callbacks):
    case = CaseFactory()
    row = confirmation(case)
    long_ago = timezone.now() - claim_stale_after() * 2
    Notification.objects.filter(pk=row.pk).update(
        state=NotificationState.SENDING, claimed_at=long_ago, attempts=MAX_ATTEMPTS
    )

    with django_capture_on_commit_callbacks(execute=True):
        report = sweep_pipeline()

    assert report.failed_emails == 1
    row.refresh_from_db()
    assert row.state == NotificationState.FAILED
    assert "never finished" in row.last_error
    assert EventKind.EMAIL_FAILED in kinds(case)


def test_an_email_whose_case_was_deleted_is_dropped_with_a_log_line(caplog, mail_server):
    case = CaseFactory()
    row = confirmation(case)
    case.delete()

    with caplog.at_level(logging.WARNING, logger="screening.notify.delivery"):
        assert deliver_email(row.pk) is False

    assert f"Outbox email {row.pk} is gone" in caplog.text
    assert mail_server.messages() == [] and mail.outbox == []


def test_a_resume_link_whose_draft_was_purged_is_dropped(caplog):
    draft = create_draft({})
    send_resume_link(draft, "ana@example.org")
    row = Notification.objects.get(draft=draft)
    draft.delete()

    with caplog.at_level(logging.WARNING, logger="screening.notify.delivery"):
        assert deliver_email(row.pk) is False

    assert "is gone" in caplog.text and mail.outbox == []


# --- The actions commit whatever the mail server does ----------------------------------------


def test_a_submission_commits_while_the_mail_server_is_down_and_its_email_follows(
    client, smtp_settings, mail_server, django_capture_on_commit_callbacks
):
    mail_server.stop()
    review = walk_to_review(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, review)
    assert response["Location"] == reverse("intake_submitted")
    case = Case.objects.get()
    deliver_outbox()  # the worker's first attempt: refused
    row = Notification.objects.get(case=case, template="intake_confirmation")
    assert row.state == NotificationState.QUEUED and row.last_error

    mail_server.start()
    time_passes(row)
    assert deliver_due(django_capture_on_commit_callbacks) == 1
    assert deliver_due(django_capture_on_commit_callbacks) == 0
    [message] = mail_server.messages()
    assert case.reference in message["Subject"]


def test_a_records_request_commits_while_the_mail_server_is_down_and_its_email_follows(
    smtp_settings, mail_server, django_capture_on_commit_callbacks
):
    mail_server.stop()
    coordinator = CoordinatorFactory()
    case = CaseFactory(assigned_to=coordinator, status=CaseStatus.IN_REVIEW)

    request_records(case, [], ["pathology"], "", by=coordinator)
    deliver_outbox()

    case.refresh_from_db()
    assert case.status == CaseStatus.RECORDS_REQUESTED
    row = Notification.objects.get(case=case, template="records_request")
    assert row.state == NotificationState.QUEUED and row.sent_by == coordinator
    mail_server.start()
    time_passes(row)
    assert deliver_due(django_capture_on_commit_callbacks) == 1
    assert len(mail_server.messages()) == 1
    sent = CaseEvent.objects.get(case=case, kind=EventKind.EMAIL_SENT)
    assert sent.actor == coordinator and sent.patient_visible
