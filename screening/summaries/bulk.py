"""The queue's bulk "Email a summary to the patients of the selected cases" (leads only).

Each patient gets exactly what "Email a summary" on the case page would send them with no cover
note: the plain-words summary in their language with the PDF attached (compose.py's
`prepare_summary` then `send_summary`, so one rendering and one outbox row each). The work is
one job per case (`screening.send_patient_summary_task`): rendering a PDF for hundreds of cases
does not belong in a web request.

A job is idempotent: it carries the case, the lead and the moment the lead asked (seconds since
the epoch), and under the case's row lock it sends nothing when that lead's summary to this
patient was already queued since that moment. So a redelivered or duplicated job sends once; a
later bulk request sends again, as the lead asked.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from screening.jobs import enqueue
from screening.models import Case, CaseSummary, SummaryRecipient
from screening.summaries.compose import SummaryRefused, can_summarise, prepare_summary, send_summary
from screening.triage.actions import BulkOutcome

logger = logging.getLogger(__name__)

TASK = "screening.send_patient_summary_task"


def email_patient_summaries(cases, *, by, now: dt.datetime | None = None) -> BulkOutcome:
    """Queue one summary job per case that can be summarised (after the commit); the others
    are refused with the reason. `done` lists the references queued."""
    asked_at = int((now or timezone.now()).timestamp())
    outcome = BulkOutcome()
    for case in cases:
        if reason := can_summarise(case):
            outcome.refused[case.reference] = reason
            continue
        enqueue(TASK, case.pk, by.pk, asked_at)
        outcome.done.append(case.reference)
    return outcome


def send_patient_summary(case_id: int, user_id: int, asked_at: int) -> str:
    """What one job does: prepare and send the patient's summary unless this lead's was queued
    since `asked_at`. Returns what happened ("sent", "already sent", "refused: ...", "gone")."""
    since = dt.datetime.fromtimestamp(asked_at, tz=dt.UTC)
    user = get_user_model().objects.filter(pk=user_id).first()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("latest_run", "assigned_to")
            .filter(pk=case_id)
            .first()
        )
        if case is None or user is None:
            logger.info("Patient summary job: case %s or user %s is gone", case_id, user_id)
            return "gone"
        sent = CaseSummary.objects.filter(
            case=case,
            prepared_by=user,
            recipient_kind=SummaryRecipient.PATIENT,
            notification__isnull=False,
            created_at__gte=since,
        )
        if sent.exists():
            return "already sent"
        try:
            summary = prepare_summary(case, recipient=SummaryRecipient.PATIENT, by=user)
            send_summary(case, summary.pk, by=user)
        except SummaryRefused as exc:  # not screened any more, the PDF failed: on the timeline
            logger.warning("Patient summary for case %s not sent: %s", case_id, exc)
            return f"refused: {exc}"
    return "sent"
