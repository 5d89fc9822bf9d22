"""The case workflow: which status moves are allowed, and the one function that makes them.

submitted → screening → awaiting review → in review → records requested → referred → closed.
Every move records who, when and why (a timeline event and a history row). A refused move
raises InvalidMove with a message fit to show a coordinator.
"""

from django.db import transaction
from django.utils import timezone

from screening.core.timeline import record_event
from screening.models import Case, CaseStatus, EventKind, Outcome

S = CaseStatus

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.SCREENING, S.CLOSED}),
    S.SCREENING: frozenset({S.AWAITING_REVIEW, S.CLOSED}),
    S.AWAITING_REVIEW: frozenset({S.IN_REVIEW, S.RECORDS_REQUESTED, S.REFERRED, S.CLOSED}),
    S.IN_REVIEW: frozenset({S.AWAITING_REVIEW, S.RECORDS_REQUESTED, S.REFERRED, S.CLOSED}),
    S.RECORDS_REQUESTED: frozenset({S.IN_REVIEW, S.CLOSED}),
    S.REFERRED: frozenset({S.IN_REVIEW, S.CLOSED}),
    # Reopening a closed case puts it back in front of a coordinator.
    S.CLOSED: frozenset({S.IN_REVIEW}),
}

# What the person sees on their status page for each status.
PATIENT_STATUS_TEXT = {
    S.SUBMITTED: "Received",
    S.SCREENING: "Being screened",
    S.AWAITING_REVIEW: "Under review",
    S.IN_REVIEW: "Under review",
    S.RECORDS_REQUESTED: "Records requested",
    S.REFERRED: "Referred",
    S.CLOSED: "Closed",
}


class InvalidMove(Exception):
    """A status move the workflow does not allow; the message says why in plain words."""


def allowed_moves(case: Case) -> list[str]:
    return sorted(ALLOWED_MOVES[case.status])


def check_move(current: str, target: str, *, outcome: str = "", duplicate_of=None) -> None:
    """Raise InvalidMove unless current → target is allowed with this outcome."""
    if target not in ALLOWED_MOVES:
        raise InvalidMove(f"'{target}' is not a case status.")
    if target == current:
        raise InvalidMove(f"The case is already '{S(current).label}'.")
    if target not in ALLOWED_MOVES[current]:
        allowed = ", ".join(str(S(s).label) for s in sorted(ALLOWED_MOVES[current]))
        raise InvalidMove(
            f"A case that is '{S(current).label}' cannot move to '{S(target).label}'. "
            f"Allowed: {allowed}."
        )
    if target == S.CLOSED:
        if outcome not in Outcome.values:
            raise InvalidMove("Closing a case needs an outcome.")
        if outcome == Outcome.DUPLICATE and duplicate_of is None:
            raise InvalidMove("Closing as a duplicate needs the case it duplicates.")
    elif outcome:
        raise InvalidMove("Only closing a case takes an outcome.")


def move_case(
    case: Case,
    target: str,
    *,
    by=None,
    reason: str = "",
    outcome: str = "",
    duplicate_of: Case | None = None,
) -> Case:
    """Move the case to `target`, or raise InvalidMove. Returns the updated case.

    The row is locked and re-read, so two coordinators acting at once cannot both move it
    from the same status.
    """
    if duplicate_of is not None and duplicate_of.pk == case.pk:
        raise InvalidMove("A case cannot be a duplicate of itself.")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        check_move(locked.status, target, outcome=outcome, duplicate_of=duplicate_of)
        previous = locked.status
        now = timezone.now()
        locked.status = target
        locked.status_changed_at = now
        if target == S.CLOSED:
            locked.outcome = outcome
            locked.closed_at = now
            locked.duplicate_of = duplicate_of if outcome == Outcome.DUPLICATE else None
        elif previous == S.CLOSED:
            locked.outcome = ""
            locked.closed_at = None
            locked.duplicate_of = None
        if target == S.IN_REVIEW and locked.first_reviewed_at is None:
            locked.first_reviewed_at = now
        locked._change_reason = reason[:100] or f"{previous} → {target}"
        locked.save()
        record_event(
            locked,
            EventKind.STATUS_CHANGED,
            f"Status: {S(previous).label} → {S(target).label}"
            + (f" ({Outcome(outcome).label})" if outcome else ""),
            actor=by,
            data={"from": previous, "to": target, "reason": reason, "outcome": outcome},
            patient_visible=PATIENT_STATUS_TEXT[previous] != PATIENT_STATUS_TEXT[target],
        )
    return locked
