"""Retention: the documents of a case closed longer than DOCUMENT_RETENTION_DAYS are deleted
(rows and files), the deletion is on the case's timeline, and the case row stays. Idempotent,
and never touches an open case, a recently closed one, or one reopened meanwhile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from screening.documents.retention import TASK, purge_expired_documents
from screening.models import (
    Amendment,
    Case,
    CaseEvent,
    CaseStatus,
    Document,
    EventKind,
    FactProposal,
)
from tests.factories import CaseFactory, DocumentFactory, FactProposalFactory

pytestmark = pytest.mark.django_db

DAYS = 365


def closed_case(days_ago: float, **fields) -> Case:
    closed_at = timezone.now() - dt.timedelta(days=days_ago)
    return CaseFactory(status=CaseStatus.CLOSED, outcome="withdrawn", closed_at=closed_at, **fields)


def with_documents(case: Case, count: int = 2) -> list[Document]:
    documents = [
        DocumentFactory(case=case, original_name=f"{case.first_name} report {i}.pdf")
        for i in range(count)
    ]
    Case.objects.filter(pk=case.pk).update(document_count=count)
    return documents


def stored(document: Document) -> bool:
    return storages["default"].exists(document.file.name)


@pytest.fixture(autouse=True)
def retention(settings):
    settings.DOCUMENT_RETENTION_DAYS = DAYS
    return settings


def test_a_case_closed_past_the_period_loses_its_documents_and_files_and_keeps_its_row(
    django_capture_on_commit_callbacks,
):
    case = closed_case(DAYS + 1, first_name="Odile")
    documents = with_documents(case)
    kept_original = documents[0]
    kept_original.original_file.save("original.pdf", ContentFile(b"%PDF-1.4 original"))
    original_name = kept_original.original_file.name
    FactProposalFactory(document=documents[1], case=case)
    assert all(stored(d) for d in documents)

    with django_capture_on_commit_callbacks(execute=True):
        result = purge_expired_documents()

    assert (result.cases, result.documents, result.more) == (1, 2, False)
    assert not Document.objects.filter(case=case).exists()
    assert not FactProposal.objects.filter(case=case).exists()
    assert not any(stored(d) for d in documents)
    assert not storages["default"].exists(original_name)
    case.refresh_from_db()  # the row stays, closed, with its answers
    assert (case.status, case.document_count, case.first_name) == (CaseStatus.CLOSED, 0, "Odile")
    event = CaseEvent.objects.get(case=case, kind=EventKind.DOCUMENTS_DELETED)
    assert event.data["documents"] == [d.pk for d in documents]
    assert event.data["sha256"] == [d.sha256 for d in documents]
    assert event.data["retention_days"] == DAYS
    assert "2 document(s) deleted" in event.message and f"{DAYS} days" in event.message
    assert "Odile" not in event.message + str(event.data)  # no file names, which carry names
    assert not event.patient_visible


def test_open_recent_and_reopened_cases_keep_their_documents(django_capture_on_commit_callbacks):
    open_case = CaseFactory(status=CaseStatus.IN_REVIEW)
    Case.objects.filter(pk=open_case.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=900)
    )
    recent = closed_case(DAYS - 1)
    reopened = closed_case(DAYS + 30)
    Case.objects.filter(pk=reopened.pk).update(status=CaseStatus.IN_REVIEW)
    kept = [*with_documents(open_case), *with_documents(recent), *with_documents(reopened)]
    due = closed_case(DAYS + 2)
    with_documents(due, 1)

    with django_capture_on_commit_callbacks(execute=True):
        result = purge_expired_documents()

    assert (result.cases, result.documents) == (1, 1)
    assert Document.objects.filter(pk__in=[d.pk for d in kept]).count() == len(kept)
    assert all(stored(d) for d in kept)
    assert not CaseEvent.objects.filter(kind=EventKind.DOCUMENTS_DELETED).exclude(case=due).exists()


def test_running_it_again_deletes_nothing_and_records_nothing_twice(
    django_capture_on_commit_callbacks,
):
    case = closed_case(DAYS + 5)
    with_documents(case)
    with django_capture_on_commit_callbacks(execute=True):
        first = purge_expired_documents()
        second = purge_expired_documents()
    assert (first.documents, second.documents, second.cases) == (2, 0, 0)
    assert CaseEvent.objects.filter(case=case, kind=EventKind.DOCUMENTS_DELETED).count() == 1


def test_a_file_already_gone_from_storage_does_not_stop_the_rest(
    django_capture_on_commit_callbacks,
):
    case = closed_case(DAYS + 1)
    gone, present = with_documents(case)
    storages["default"].delete(gone.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        result = purge_expired_documents()
    assert result.documents == 2
    assert not stored(present)


def test_an_amendment_read_from_a_deleted_document_keeps_its_words():
    case = closed_case(DAYS + 1)
    [document] = with_documents(case, 1)
    amendment = Amendment.objects.create(
        case=case,
        field="biomarkers.cd22_positive",
        old_value=None,
        new_value=True,
        source="document",
        document=document,
        source_label="Flow cytometry report, page 1",
    )
    purge_expired_documents()
    amendment.refresh_from_db()
    assert amendment.document is None
    assert amendment.source_label == "Flow cytometry report, page 1"


def test_zero_days_keeps_every_document(retention):
    retention.DOCUMENT_RETENTION_DAYS = 0
    case = closed_case(10 * DAYS)
    with_documents(case)
    assert purge_expired_documents().documents == 0
    assert Document.objects.filter(case=case).count() == 2


def test_a_run_out_of_time_queues_the_task_again_for_the_rest(
    pipeline_queue, queued, django_capture_on_commit_callbacks
):
    case = closed_case(DAYS + 1)
    with_documents(case)
    with django_capture_on_commit_callbacks(execute=True):
        result = purge_expired_documents(budget=-1)  # out of time before the first case
    assert result.more and result.documents == 0
    assert queued(pipeline_queue) == [(TASK, [])]  # on the real Redis, by name
    assert Document.objects.filter(case=case).count() == 2


def test_beat_runs_it_daily_by_name():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-documents"]
    assert entry["task"] == TASK
    assert entry["schedule"] == 24 * 3600.0
    from screening import tasks

    assert tasks.purge_expired_documents_task.name == TASK
    assert tasks.purge_expired_documents_task.acks_late
