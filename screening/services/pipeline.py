"""Handing a case to the queue. The database is the source of truth: `screening_requested_at`
marks a case as wanting screening, and the sweeper re-enqueues any the broker lost."""

from django.db import transaction
from django.utils import timezone

from screening.models import Case


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
    """Screen a submitted case and move it to awaiting review. Safe to run twice.

    The claim is a conditional update (submitted → screening); a second delivery finds the
    case already claimed or screened and only completes what is missing.
    """
    from screening.models import CaseStatus, EventKind
    from screening.services.screening import store_screening_run
    from screening.services.timeline import record_event

    claimed = Case.objects.filter(pk=case_id, status=CaseStatus.SUBMITTED).update(
        status=CaseStatus.SCREENING, status_changed_at=timezone.now()
    )
    case = Case.objects.filter(pk=case_id).select_related("latest_run").first()
    if case is None or case.status != CaseStatus.SCREENING:
        return  # deleted, or already past screening: nothing to do
    if claimed:
        record_event(case, EventKind.SCREENING_STARTED, "Screening started", patient_visible=True)
    with transaction.atomic():
        outcome = store_screening_run(case)
        if outcome.created:
            record_event(
                case,
                EventKind.SCREENED,
                f"Screened: {case.screening_summary}",
                data={"run": outcome.run.pk, "ruleset": outcome.run.ruleset_version},
            )
        moved = Case.objects.filter(pk=case_id, status=CaseStatus.SCREENING).update(
            status=CaseStatus.AWAITING_REVIEW,
            status_changed_at=timezone.now(),
            screening_requested_at=None,
        )
        if moved:
            record_event(
                case,
                EventKind.STATUS_CHANGED,
                "Status: Being screened → Awaiting review",
                data={"from": CaseStatus.SCREENING, "to": CaseStatus.AWAITING_REVIEW},
                patient_visible=True,
            )
