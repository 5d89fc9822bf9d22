"""The sweeper: the database is the source of truth, the broker may forget.

A beat task (`sweep_pipeline_task`, every SWEEP_INTERVAL seconds) heals whatever a lost
message, a Redis restart, a crashed worker or an enqueue that never happened left behind:

- cases still submitted or being screened whose screening was asked for more than
  SCREENING_STUCK_AFTER seconds ago are enqueued again (the task is idempotent, so a message
  that was only late does no harm);
- screened cases nobody was ever assigned (e.g. no coordinator was accepting cases) get
  another assignment attempt;
- outbox emails never picked up, due for another attempt after a transient failure, or
  claimed by a delivery that died (screening/notify/delivery.py: a claim older than
  `claim_stale_after()`, 2 minutes) are handed to the delivery task again; those whose every
  attempt died are marked failed;
- documents never processed are enqueued again;
- webhooks whose next attempt is due (or whose sender died) are handed out again;
- a bulk re-screen job with no progress for SCREENING_STUCK_AFTER seconds gets its worker
  steps queued again (its batches claimed by a dead worker are taken over).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from screening.jobs import enqueue
from screening.models import Case, CaseEvent, CaseStatus, Document, EventKind
from screening.notify.delivery import fail_abandoned_emails, take_due_emails
from screening.notify.outbox import DELIVER_TASK
from screening.notify.webhooks import due_webhook_deliveries
from screening.pipeline.assignment import ASSIGNABLE_STATUSES, assign_new_case
from screening.pipeline.bulk_rescreen import resume_stalled_jobs

logger = logging.getLogger(__name__)

# At most this many of each kind per sweep, so one sweep stays short; the next takes the rest.
BATCH = 500


@dataclass
class SweepReport:
    cases: int = 0
    assigned: int = 0
    notifications: int = 0
    documents: int = 0
    webhooks: int = 0
    failed_emails: int = 0
    rescreen_jobs: int = 0

    def __str__(self) -> str:
        return (
            f"re-enqueued {self.cases} case(s), {self.notifications} email(s), "
            f"{self.documents} document(s), {self.webhooks} webhook(s); "
            f"assigned {self.assigned} case(s); "
            f"{self.failed_emails} email(s) failed after every attempt died; "
            f"resumed {self.rescreen_jobs} re-screen job(s)"
        )


def stuck_cases(now: dt.datetime, stuck_after: dt.timedelta):
    """Cases waiting for screening since before now - stuck_after."""
    threshold = now - stuck_after
    return Case.objects.filter(status__in=[CaseStatus.SUBMITTED, CaseStatus.SCREENING]).filter(
        Q(screening_requested_at__lt=threshold)
        # Never requested (an enqueue that never happened): go by the last status change,
        # or the submission.
        | Q(screening_requested_at__isnull=True, status_changed_at__lt=threshold)
        | Q(
            screening_requested_at__isnull=True,
            status_changed_at__isnull=True,
            submitted_at__lt=threshold,
        )
    )


def sweep_pipeline(*, now: dt.datetime | None = None) -> SweepReport:
    """Re-enqueue stuck work (see module docstring); returns what it did."""
    now = now or timezone.now()
    stuck_after = dt.timedelta(seconds=settings.SCREENING_STUCK_AFTER)
    report = SweepReport()

    for case_id in list(stuck_cases(now, stuck_after).values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            # Restart the clock so the next sweep waits a full threshold for this message.
            Case.objects.filter(pk=case_id).update(screening_requested_at=now)
            enqueue("screening.screen_case_task", case_id)
        report.cases += 1

    never_assigned = (
        Case.objects.filter(
            status__in=ASSIGNABLE_STATUSES,
            assigned_to__isnull=True,
            status_changed_at__lt=now - stuck_after,
        )
        .exclude(pk__in=CaseEvent.objects.filter(kind=EventKind.ASSIGNED).values("case_id"))
        .order_by("priority", "due_at")
    )
    for case in never_assigned[:BATCH]:
        assign_new_case(case)  # its coordinator's email is queued with the assignment
        if case.assigned_to_id is None:
            break  # nobody is accepting cases: the next sweep tries again
        report.assigned += 1

    report.failed_emails = fail_abandoned_emails(now)
    for email_id in take_due_emails(BATCH, now):
        enqueue(DELIVER_TASK, email_id)
        report.notifications += 1

    unprocessed = Document.objects.filter(
        processed_at__isnull=True, uploaded_at__lt=now - stuck_after
    ).values_list("pk", flat=True)
    for document_id in list(unprocessed[:BATCH]):
        enqueue("screening.process_document_task", document_id)
        report.documents += 1

    for delivery_id in list(due_webhook_deliveries()[:BATCH]):
        enqueue("screening.deliver_webhook_task", delivery_id)
        report.webhooks += 1

    report.rescreen_jobs = resume_stalled_jobs(now)

    if (
        report.cases
        or report.assigned
        or report.notifications
        or report.documents
        or report.failed_emails
    ):
        logger.warning("Sweeper: %s", report)
    elif report.webhooks or report.rescreen_jobs:
        logger.info("Sweeper: %s", report)
    return report
