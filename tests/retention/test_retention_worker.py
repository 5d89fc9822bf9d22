"""Retention through a real worker: the beat entry's task, published by name to a real Redis
twice (beat firing twice, or a redelivered message), run by a real prefork worker: the
documents and their files are gone once, the case row stays, one timeline event."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from screening.documents.retention import TASK
from screening.jobs import enqueue
from screening.models import Case, CaseEvent, CaseStatus, Document, EventKind
from tests.factories import CaseFactory, DocumentFactory
from tests.pipeline.conftest import wait_for

pytestmark = [pytest.mark.queue, pytest.mark.django_db(transaction=True)]


def test_the_task_run_twice_by_a_real_worker_deletes_the_files_once_and_keeps_the_case(
    start_worker,
):
    closed_at = timezone.now() - dt.timedelta(days=40)
    old = CaseFactory(status=CaseStatus.CLOSED, outcome="withdrawn", closed_at=closed_at)
    recent = CaseFactory(status=CaseStatus.CLOSED, outcome="withdrawn", closed_at=timezone.now())
    gone = [DocumentFactory(case=old) for _ in range(3)]
    kept = DocumentFactory(case=recent)
    worker = start_worker(concurrency=2, DOCUMENT_RETENTION_DAYS=30)

    enqueue(TASK)
    enqueue(TASK)

    def results():  # what each run returned: how many documents it deleted
        found = re.findall(
            rf"Task {TASK}\[[^\]]+\] succeeded in [0-9.]+s: (\d+)", worker.read_log()
        )
        return sorted(int(n) for n in found) if len(found) >= 2 else None

    wait_for(results, 60, 0.1, f"the task did not run twice:\n{worker.read_log()[-3000:]}")
    assert results() == [0, 3]  # one run deleted the three, the other found nothing left
    wait_for(lambda: not Document.objects.filter(case=old).exists(), 30, 0.1)
    assert not any(storages["default"].exists(d.file.name) for d in gone)
    assert storages["default"].exists(kept.file.name)
    assert Document.objects.filter(pk=kept.pk).exists()
    assert Case.objects.filter(pk=old.pk, status=CaseStatus.CLOSED).exists()
    events = CaseEvent.objects.filter(case=old, kind=EventKind.DOCUMENTS_DELETED)
    assert events.count() == 1
    assert events.get().data["retention_days"] == 30
