"""Adds events to a case's timeline. Every step of the pipeline and the workflow calls this."""

from screening.models import Case, CaseEvent, EventKind


def record_event(
    case: Case,
    kind: EventKind | str,
    message: str = "",
    *,
    actor=None,
    data: dict | None = None,
    patient_visible: bool = False,
) -> CaseEvent:
    """Append one event. `data` must be JSON-safe and hold no medical details beyond ids."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        message=message[:500],
        actor=actor if actor is not None and actor.is_authenticated else None,
        data=data or {},
        patient_visible=patient_visible,
    )
