"""screen_case end to end in one process: screen, prioritise, assign, notify; and repeat-safety."""

import pytest
from django.core import mail

from screening.models import (
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Notification,
    NotificationState,
    Priority,
    ScreeningRun,
)
from screening.notify.delivery import deliver_email, deliver_pending_emails
from screening.pipeline.priority import due_time
from screening.pipeline.screen import NOT_SCREENED_SUMMARY, screen_case
from tests.factories import CaseFactory
from tests.rules.profiles import make_patient, rr_myeloma_triple_exposed, third_line_dlbcl

pytestmark = pytest.mark.django_db


def kinds(case):
    return list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))


def test_it_screens_prioritises_assigns_and_notifies_a_case(coordinator, settings):
    settings.SITE_URL = "https://navigator.example.org"
    case = CaseFactory(profile=third_line_dlbcl())

    screen_case(case.pk)

    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_REVIEW
    assert case.latest_run.verdicts["kymriah"] == "eligible"
    assert case.priority == Priority.HIGH  # R/R aggressive lymphoma with Kymriah & co likely
    assert case.priority_reason.startswith("Relapsed or refractory aggressive lymphoma")
    assert case.due_at == due_time(case.submitted_at, Priority.HIGH)
    assert case.assigned_to == coordinator
    assert kinds(case) == [
        EventKind.SCREENING_STARTED,
        EventKind.SCREENED,
        EventKind.PRIORITISED,
        EventKind.STATUS_CHANGED,
        EventKind.ASSIGNED,
        EventKind.EMAIL_SENT,
        EventKind.NOTIFIED,
    ]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["coordinator.one@example.org"]
    assert case.reference in email.subject
    link = f"https://navigator.example.org/admin/screening/case/{case.pk}/change/"
    assert link in email.body
    assert link in email.alternatives[0][0]


def test_the_coordinator_email_carries_no_medical_details(coordinator):
    case = CaseFactory(profile=third_line_dlbcl(), first_name="Marisol", last_name="Quintana")
    screen_case(case.pk)

    email = mail.outbox[0]
    text = " ".join([email.subject, email.body, email.alternatives[0][0]]).lower()
    for detail in ("dlbcl", "lymphoma", "kymriah", "yescarta", "eligible", "relapse", "urgent"):
        assert detail not in text
    assert "marisol" not in text and "quintana" not in text
    assert case.email not in text


def test_a_second_delivery_stores_nothing_and_sends_nothing(coordinator):
    case = CaseFactory()
    screen_case(case.pk)
    events = kinds(case)

    screen_case(case.pk)

    assert ScreeningRun.objects.filter(case=case).count() == 1
    assert kinds(case) == events
    assert len(mail.outbox) == 1
    assert Notification.objects.get(case=case).state == NotificationState.SENT


def test_a_redelivery_after_a_crash_mid_screening_finishes_the_case(coordinator):
    # The first delivery claimed the case and died: the case is left "being screened".
    case = CaseFactory()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.SCREENING)

    screen_case(case.pk)

    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_REVIEW
    assert case.assigned_to == coordinator
    assert ScreeningRun.objects.filter(case=case).count() == 1
    assert len(mail.outbox) == 1


def test_a_redelivery_after_a_crash_before_the_email_sends_it_once(coordinator):
    case = CaseFactory()
    screen_case(case.pk)
    # As if the worker died after claiming the email and before sending it, long ago.
    notification = Notification.objects.get(case=case)
    Notification.objects.filter(pk=notification.pk).update(
        state=NotificationState.SENDING, claimed_at=notification.created_at.replace(year=2000)
    )
    mail.outbox.clear()

    assert deliver_pending_emails(case.pk, "coordinator_assigned") == 1
    assert deliver_pending_emails(case.pk, "coordinator_assigned") == 0
    assert len(mail.outbox) == 1


def test_a_fresh_claim_held_by_another_delivery_is_left_alone(coordinator):
    case = CaseFactory()
    screen_case(case.pk)
    notification = Notification.objects.get(case=case)
    Notification.objects.filter(pk=notification.pk).update(state=NotificationState.QUEUED)
    mail.outbox.clear()
    # Another delivery claims it now; this one must not send.
    from django.utils import timezone

    Notification.objects.filter(pk=notification.pk).update(
        state=NotificationState.SENDING, claimed_at=timezone.now()
    )
    assert deliver_email(notification.pk) is False
    assert mail.outbox == []


def test_a_case_whose_profile_cannot_be_screened_still_reaches_a_coordinator(coordinator):
    case = CaseFactory(profile=make_patient(age_years="twelve"))

    screen_case(case.pk)

    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_REVIEW
    assert case.screening_summary == NOT_SCREENED_SUMMARY
    assert case.priority == Priority.STANDARD
    assert case.assigned_to == coordinator
    assert not ScreeningRun.objects.filter(case=case).exists()
    screened = CaseEvent.objects.get(case=case, kind=EventKind.SCREENED)
    assert "age_years" in screened.message
    assert len(mail.outbox) == 1


def test_without_a_coordinator_the_case_waits_unassigned_and_nothing_is_sent():
    case = CaseFactory(profile=rr_myeloma_triple_exposed())

    screen_case(case.pk)

    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_REVIEW
    assert case.assigned_to is None
    assert mail.outbox == []


def test_a_deleted_case_is_skipped():
    case = CaseFactory()
    case_id = case.pk
    case.delete()
    screen_case(case_id)  # nothing to do, no error
