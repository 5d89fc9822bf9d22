"""Retention: the documents of a case closed longer than DOCUMENT_RETENTION_DAYS are deleted.

`purge_expired_documents()` is what beat runs (daily, `screening.purge_expired_documents_task`).
For each case closed before the cut-off that still has documents, in one transaction per case:
the case row is locked and checked again (still closed, still before the cut-off: a case
reopened meanwhile keeps its files), its document rows go (with their extracted text and the
fact proposals read from them; amendments keep their words and lose only the link), its
document count becomes 0, and its timeline gets "documents deleted" naming how many, their
ids, categories and SHA-256 (never a file name: names often carry the person's), the retention
period and the closing date. The files leave storage once that transaction commits (both the
stored file and a kept original). The case row, its answers, screening runs and timeline stay.

Idempotent: a case whose documents are gone is not selected again, so a repeat (a redelivered
task, two beats) deletes nothing twice; a file already missing from storage is skipped. A run
stops after RETENTION_TIME_BUDGET seconds and queues the task again for the rest, so one run
stays far below the task's time limit however large the backlog.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from screening.core.timeline import record_event
from screening.documents.uploads import delete_document_files
from screening.jobs import enqueue
from screening.models import Case, CaseStatus, Document, EventKind

logger = logging.getLogger(__name__)

TASK = "screening.purge_expired_documents_task"
# Seconds one run works before it queues the task again for what is left.
RETENTION_TIME_BUDGET = 120


@dataclass(frozen=True)
class RetentionResult:
    cases: int = 0
    documents: int = 0
    more: bool = False  # stopped on the time budget with cases left: the task was queued again


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime | None:
    """Cases closed before this lose their documents; None when retention is switched off."""
    days = settings.DOCUMENT_RETENTION_DAYS
    if not days:
        return None
    return (now or timezone.now()) - dt.timedelta(days=days)


def _due_cases(cutoff: dt.datetime):
    return (
        Case.objects.filter(status=CaseStatus.CLOSED, closed_at__lt=cutoff)
        .filter(pk__in=Document.objects.filter(case__isnull=False).values("case_id"))
        .order_by("closed_at", "pk")
    )


def _purge_case(case_id: int, cutoff: dt.datetime) -> int:
    """Delete one closed case's documents (see the module doc); returns how many."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.status != CaseStatus.CLOSED or not case.closed_at:
            return 0
        if case.closed_at >= cutoff:
            return 0
        documents = list(Document.objects.filter(case=case).order_by("pk"))
        if not documents:
            return 0
        delete_document_files(documents)  # after the commit
        Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
        Case.objects.filter(pk=case.pk).update(document_count=0)
        days = settings.DOCUMENT_RETENTION_DAYS
        record_event(
            case,
            EventKind.DOCUMENTS_DELETED,
            f"{len(documents)} document(s) deleted: the case was closed on "
            f"{timezone.localdate(case.closed_at):%Y-%m-%d}, more than {days} days ago "
            "(retention period)",
            data={
                "documents": [d.pk for d in documents],
                "categories": [d.category for d in documents],
                "sha256": [d.sha256 for d in documents],
                "retention_days": days,
                "closed_at": case.closed_at.isoformat(),
            },
        )
    return len(documents)


def purge_expired_documents(
    *, now: dt.datetime | None = None, budget: float = RETENTION_TIME_BUDGET
) -> RetentionResult:
    """Delete the documents of every case closed longer than the retention period (module
    doc). Returns what was deleted; safe to run any number of times, and alongside staff."""
    cutoff = retention_cutoff(now)
    if cutoff is None:
        return RetentionResult()
    started = time.monotonic()
    cases = documents = 0
    for case_id in list(_due_cases(cutoff).values_list("pk", flat=True)):
        if time.monotonic() - started > budget:
            enqueue(TASK)
            _log(cases, documents, more=True)
            return RetentionResult(cases, documents, more=True)
        deleted = _purge_case(case_id, cutoff)
        cases += bool(deleted)
        documents += deleted
    _log(cases, documents, more=False)
    return RetentionResult(cases, documents)


def _log(cases: int, documents: int, *, more: bool) -> None:
    if cases:
        logger.info(
            "Retention: deleted %d document(s) of %d closed case(s)%s",
            documents,
            cases,
            "; the rest in the next run" if more else "",
        )
