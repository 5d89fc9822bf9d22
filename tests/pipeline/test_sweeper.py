"""The sweeper: the database decides what is stuck; the queue only carries the work."""

import datetime as dt

import pytest
from django.utils import timezone

from screening.models import Case, CaseStatus, Notification, NotificationState
from screening.pipeline.assignment import assign_new_case
from screening.pipeline.screen import screen_case
from screening.pipeline.sweeper import sweep_pipeline
from tests.factories import CaseFactory, CoordinatorFactory, DocumentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.queue]

STUCK_AFTER = 600


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.SCREENING_STUCK_AFTER = STUCK_AFTER


def ago(seconds):
    return timezone.now() - dt.timedelta(seconds=seconds)


def sweep(capture):
    with capture(execute=True):
        return sweep_pipeline()


def test_it_re_enqueues_cases_waiting_for_screening_past_the_threshold(
    pipeline_queue, queued, django_capture_on_commit_callbacks
):
    lost = CaseFactory()
    Case.objects.filter(pk=lost.pk).update(screening_requested_at=ago(STUCK_AFTER + 5))
    half_done = CaseFactory(status=CaseStatus.SCREENING)
    Case.objects.filter(pk=half_done.pk).update(screening_requested_at=ago(STUCK_AFTER + 5))
    never_enqueued = CaseFactory()
    Case.objects.filter(pk=never_enqueued.pk).update(submitted_at=ago(STUCK_AFTER * 2))
    recent = CaseFactory()
    Case.objects.filter(pk=recent.pk).update(screening_requested_at=ago(10))
    screened = CaseFactory(status=CaseStatus.AWAITING_REVIEW)
    Case.objects.filter(pk=screened.pk).update(screening_requested_at=ago(STUCK_AFTER + 5))

    report = sweep(django_capture_on_commit_callbacks)

    assert report.cases == 3
    assert sorted(queued(pipeline_queue)) == sorted(
        ("screening.screen_case_task", [case.pk]) for case in (lost, half_done, never_enqueued)
    )
    # The clock restarts, so the next sweep does not enqueue them again straight away.
    assert sweep(django_capture_on_commit_callbacks).cases == 0


def test_a_re_enqueued_case_finishes_when_the_task_runs(
    pipeline_queue, queued, django_capture_on_commit_callbacks
):
    CoordinatorFactory()
    case = CaseFactory()
    Case.objects.filter(pk=case.pk).update(screening_requested_at=ago(STUCK_AFTER + 5))
    sweep(django_capture_on_commit_callbacks)
    [(name, [case_id])] = queued(pipeline_queue)

    screen_case(case_id)  # what the worker does with that message

    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_REVIEW
    assert case.assigned_to is not None


def test_it_assigns_screened_cases_that_found_no_coordinator_earlier(
    pipeline_queue, queued, django_capture_on_commit_callbacks
):
    case = CaseFactory()
    screen_case(case.pk)  # nobody accepts cases yet
    Case.objects.filter(pk=case.pk).update(status_changed_at=ago(STUCK_AFTER + 5))
    coordinator = CoordinatorFactory()

    report = sweep(django_capture_on_commit_callbacks)

    assert report.assigned == 1
    case.refresh_from_db()
    assert case.assigned_to == coordinator
    notification = Notification.objects.get(case=case)
    assert queued(pipeline_queue) == [("screening.deliver_email_task", [notification.pk])]


def test_it_re_enqueues_emails_left_unsent(
    pipeline_queue, queued, django_capture_on_commit_callbacks
):
    CoordinatorFactory()
    waiting, stale_claim, fresh_claim = (
        CaseFactory(status=CaseStatus.AWAITING_REVIEW) for _ in range(3)
    )
    rows = [assign_new_case(case) for case in (waiting, stale_claim, fresh_claim)]
    Notification.objects.update(created_at=ago(STUCK_AFTER + 5))
    Notification.objects.filter(pk=rows[1].pk).update(
        state=NotificationState.SENDING, claimed_at=ago(3600)
    )
    Notification.objects.filter(pk=rows[2].pk).update(
        state=NotificationState.SENDING, claimed_at=ago(5)
    )

    report = sweep(django_capture_on_commit_callbacks)

    assert report.notifications == 2
    assert sorted(queued(pipeline_queue)) == [
        ("screening.deliver_email_task", [rows[0].pk]),
        ("screening.deliver_email_task", [rows[1].pk]),
    ]


def test_it_re_enqueues_documents_never_processed(
    pipeline_queue, queued, django_capture_on_commit_callbacks
):
    old, recent = DocumentFactory(), DocumentFactory()
    done = DocumentFactory(processed_at=timezone.now())
    type(old).objects.filter(pk__in=[old.pk, done.pk]).update(uploaded_at=ago(STUCK_AFTER + 5))

    report = sweep(django_capture_on_commit_callbacks)

    assert report.documents == 1
    assert recent.pk not in [args[0] for _, args in queued(pipeline_queue)]
    assert queued(pipeline_queue) == [("screening.process_document_task", [old.pk])]
