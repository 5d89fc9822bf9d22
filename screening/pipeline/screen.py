"""The screening pipeline: from a submitted case to a screened, prioritised case in front of
a coordinator who has been told about it.

The database is the source of truth: `screening_requested_at` marks a case as wanting
screening, and the sweeper (screening/pipeline/sweeper.py) re-enqueues any that the broker
lost. Each step is claimed in the database before it acts, so running `screen_case` twice, or
concurrently, or again after a crash half-way, repeats nothing and loses nothing:

1. screen, prioritise, move to awaiting review and assign: one transaction whose first
   statement is the conditional update submitted → awaiting review (the claim; the screening
   run is also keyed by case, ruleset and profile hash). A case is assigned only if it never
   was, and the coordinator's email is written to the outbox in the same transaction,
   already claimed by this delivery;
2. notify: that email is sent by this same task right after the commit, marked sent the
   moment the mail server accepts it, then recorded on the timeline
   (screening/notify/delivery.py). A delivery that finds the case already screened only
   sends (or records) what is left unsent and unclaimed.

Timeline events: screening started, screened, prioritised, status changed, assigned, email
sent, notified. A case whose profile the rules cannot read still goes to a coordinator, marked
as not screened.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from screening.core.timeline import record_event
from screening.jobs import enqueue
from screening.models import Case, CaseStatus, EventKind, Notification
from screening.notify.delivery import deliver_pending_emails, send_claimed_email
from screening.pipeline.assignment import (
    ASSIGNABLE_STATUSES,
    COORDINATOR_ASSIGNED_TEMPLATE,
    assign_new_case,
    assign_screened_case,
)
from screening.pipeline.priority import prioritise_case
from screening.pipeline.runs import store_screening_run
from screening.rules.profile import InvalidProfile

logger = logging.getLogger(__name__)

NOT_SCREENED_SUMMARY = "Not screened automatically: the answers need a coordinator's review"


def request_screening(case: Case) -> None:
    """Mark the case as wanting screening and enqueue the task once the transaction commits.

    Called inside `submit_case`'s transaction: if that rolls back, nothing is published.
    """
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(screening_requested_at=now)
    case.screening_requested_at = now
    enqueue("screening.screen_case_task", case.pk)


WAITING_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.SCREENING)


def screen_case(case_id: int) -> None:
    """Screen, prioritise, assign and notify one case. Safe to run twice (see module doc)."""
    case = Case.objects.filter(pk=case_id).select_related("assigned_to").first()
    if case is None:
        return  # deleted since it was queued
    if case.status in WAITING_STATUSES:
        notification = _screen_prioritise_assign(case)
        if notification is not None:
            send_claimed_email(notification)
            return
    if case.status in ASSIGNABLE_STATUSES and case.assigned_to_id is None:
        assign_new_case(case)  # nobody was accepting cases when it was screened
    # A redelivery: send whatever the first delivery left unsent (unless still claimed).
    deliver_pending_emails(case_id, COORDINATOR_ASSIGNED_TEMPLATE)


def _screen_prioritise_assign(case: Case) -> Notification | None:
    """One transaction: claim the case, store the run, prioritise, move it to awaiting review
    and assign it. Returns the coordinator's outbox row, claimed for sending, or None.

    One commit rather than one per step: a commit is a disk flush on PostgreSQL and a turn
    at the single write lock on SQLite, and it leaves no half-done state to resume. A worker
    that dies inside it leaves the case untouched for the redelivered task.
    """
    previous = case.status
    with transaction.atomic():
        # The claim: a second delivery waits on this row (PostgreSQL) or on the write lock
        # (SQLite), then finds the case already moved and does nothing.
        moved = Case.objects.filter(pk=case.pk, status__in=WAITING_STATUSES).update(
            status=CaseStatus.AWAITING_REVIEW,
            status_changed_at=timezone.now(),
            screening_requested_at=None,
        )
        if not moved:
            notification = None
        else:
            record_event(
                case, EventKind.SCREENING_STARTED, "Screening started", patient_visible=True
            )
            _screen_and_prioritise(case)
            # Trials are matched by their own task: a slow catalogue never holds up screening.
            enqueue("screening.match_case_trials_task", case.pk)
            record_event(
                case,
                EventKind.STATUS_CHANGED,
                f"Status: {CaseStatus(previous).label} → {CaseStatus.AWAITING_REVIEW.label}",
                data={"from": previous, "to": CaseStatus.AWAITING_REVIEW},
                patient_visible=True,
            )
            case.status = CaseStatus.AWAITING_REVIEW
            notification = assign_screened_case(case, claim=True)
    if not moved:
        case.refresh_from_db()
    return notification


def _screen_and_prioritise(case: Case) -> None:
    try:
        outcome = store_screening_run(case)
    except InvalidProfile as exc:
        # Every case must reach a coordinator: one the rules cannot read goes on unscreened.
        # The log names the fields, never the values (README "Data minimisation"); the
        # coordinators' timeline below, behind a sign-in, says what was wrong with them.
        logger.warning("Case %s has an invalid profile (%s)", case.pk, ", ".join(exc.fields))
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
