"""The screening pipeline: from a submitted case to a screened, prioritised case in front of
a coordinator who has been told about it.

The database is the source of truth: `screening_requested_at` marks a case as wanting
screening, and the sweeper (screening/services/sweeper.py) re-enqueues any that the broker
lost. Each step is claimed in the database before it acts, so running `screen_case` twice, or
concurrently, or again after a crash half-way, finishes the missing steps and repeats none:

1. claim: submitted → screening (conditional update);
2. screen, prioritise, move to awaiting review: one transaction whose first statement is the
   conditional update screening → awaiting review (the claim; the screening run itself is
   keyed by case, ruleset and profile hash);
3. assign: only a case that has never been assigned (row lock; screening/services/assignment);
4. notify: the outbox row is claimed before the email goes (screening/services/notifications).

Each step adds a timeline event: screening started, screened, prioritised, status changed,
assigned, email sent, notified.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from screening.models import Case, CaseStatus, EventKind
from screening.rules.profile import InvalidProfile
from screening.services.assignment import ASSIGNABLE_STATUSES, assign_new_case
from screening.services.notifications import deliver_pending_notifications
from screening.services.priority import prioritise_case
from screening.services.screening import store_screening_run
from screening.services.timeline import record_event

logger = logging.getLogger(__name__)

NOT_SCREENED_SUMMARY = "Not screened automatically: the answers need a coordinator's review"


def request_screening(case: Case) -> None:
    """Mark the case as wanting screening and enqueue the task once the transaction commits.

    Called inside `submit_case`'s transaction: if that rolls back, nothing is published.
    """
    from screening.tasks import screen_case_task  # tasks import services, not the reverse

    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(screening_requested_at=now)
    case.screening_requested_at = now
    case_id = case.pk
    transaction.on_commit(lambda: screen_case_task.delay(case_id))


def screen_case(case_id: int) -> None:
    """Screen, prioritise, assign and notify one case. Safe to run twice (see module doc)."""
    claimed = Case.objects.filter(pk=case_id, status=CaseStatus.SUBMITTED).update(
        status=CaseStatus.SCREENING, status_changed_at=timezone.now()
    )
    case = Case.objects.filter(pk=case_id).select_related("latest_run").first()
    if case is None:
        return  # deleted since it was queued
    if claimed:
        record_event(case, EventKind.SCREENING_STARTED, "Screening started", patient_visible=True)
    if case.status == CaseStatus.SCREENING:
        _screen_and_prioritise(case)
        case.refresh_from_db()
    if case.status in ASSIGNABLE_STATUSES:
        assign_new_case(case)
    deliver_pending_notifications(case_id)


def _screen_and_prioritise(case: Case) -> None:
    with transaction.atomic():
        # The claim: a second delivery waits on this row (PostgreSQL) or on the write lock
        # (SQLite), then finds the case already moved and stores nothing.
        moved = Case.objects.filter(pk=case.pk, status=CaseStatus.SCREENING).update(
            status=CaseStatus.AWAITING_REVIEW,
            status_changed_at=timezone.now(),
            screening_requested_at=None,
        )
        if not moved:
            return
        try:
            outcome = store_screening_run(case)
        except InvalidProfile as exc:
            # Every case must reach a coordinator: one the rules cannot read goes on unscreened.
            logger.warning("Case %s has an invalid profile: %s", case.pk, exc)
            Case.objects.filter(pk=case.pk).update(screening_summary=NOT_SCREENED_SUMMARY)
            record_event(
                case,
                EventKind.SCREENED,
                f"{NOT_SCREENED_SUMMARY}: {exc}",
                data={"errors": [str(error) for error in exc.errors]},
            )
            verdicts = {}
        else:
            verdicts = outcome.run.verdicts
            if outcome.created:
                record_event(
                    case,
                    EventKind.SCREENED,
                    f"Screened: {case.screening_summary}",
                    data={"run": outcome.run.pk, "ruleset": outcome.run.ruleset_version},
                )
        prioritise_case(case, verdicts)
        record_event(
            case,
            EventKind.STATUS_CHANGED,
            "Status: Being screened → Awaiting review",
            data={"from": CaseStatus.SCREENING, "to": CaseStatus.AWAITING_REVIEW},
            patient_visible=True,
        )
