"""Re-screening one open case when the rules change (or a profile was corrected).

The case is screened again under the current ruleset. A new run is
stored only when the ruleset or the profile differs from an earlier run (runs are keyed by
case, ruleset and profile hash), so re-screening twice changes nothing the second time. For
each new run the case's timeline gets a RESCREENED event naming every product whose verdict
changed, and a product that became likely eligible raises the case's priority
(screening/pipeline/priority.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from screening.jobs import enqueue
from screening.models import Case, CaseEvent, EventKind
from screening.pipeline import runs as screening_service
from screening.pipeline.assignment import ASSIGNABLE_STATUSES
from screening.pipeline.priority import raise_priority
from screening.rules.data.products import PRODUCTS
from screening.rules.results import ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE

logger = logging.getLogger(__name__)

VERDICT_WORDS = {
    ELIGIBLE: "likely eligible",
    NEEDS_REVIEW: "needs review",
    NOT_ELIGIBLE: "not eligible",
    None: "not screened",
}


@dataclass
class RescreenResult:
    case_id: int
    rescreened: bool = False  # the case's latest run changed (a new run, or one reinstated)
    changes: dict = field(default_factory=dict)
    raised: bool = False  # the priority went up
    verdicts: dict = field(default_factory=dict)  # the latest run's verdicts afterwards
    event: CaseEvent | None = None  # the RESCREENED timeline event, when it rescreened


def describe_changes(changes: dict[str, list], because: str = "") -> str:
    """'Kymriah: not eligible → likely eligible; Besponsa: …' or 'no verdict changed'; with
    `because`, each change says why: 'Besponsa: needs review → likely eligible, because CD22
    positive (flow cytometry report of 2026-11-30, p. 1)'."""
    if not changes:
        return "no verdict changed"
    why = f", because {because}" if because else ""
    return "; ".join(
        f"{PRODUCTS[key].brand}: {VERDICT_WORDS.get(old, old)} → {VERDICT_WORDS.get(new, new)}"
        + why
        for key, (old, new) in sorted(changes.items(), key=lambda item: PRODUCTS[item[0]].brand)
    )


def newly_likely(changes: dict[str, list]) -> list[str]:
    """The products a re-screen made likely eligible (sorted keys)."""
    return sorted(key for key, (old, new) in changes.items() if new == ELIGIBLE and old != ELIGIBLE)


def mark_newly_likely(case: Case, products: list[str], now) -> None:
    """Flag the products for the coordinator's queue (kept until they acknowledge them)."""
    case.newly_likely = sorted(set(case.newly_likely or []) | set(products))
    case.newly_likely_at = now


def rescreened_event(
    case_id: int,
    run,
    changes: dict,
    *,
    first: bool,
    summary: str,
    trigger: str,
    by=None,
    after: str = "",
    because: str = "",
) -> CaseEvent:
    """The RESCREENED timeline event for a new latest run (unsaved): "Re-screened under
    ruleset X: <the per-product diff>", or "Screened: <summary>" for a case whose stored
    profile could not be screened before (`first`)."""
    if first:
        headline = "Screened" + (f" after {after}" if after else "")
        diff = summary
    else:
        headline = (
            f"Re-screened after {after}"
            if after
            else f"Re-screened under ruleset {run.ruleset_version}"
        )
        diff = describe_changes(changes, because)
    return CaseEvent(
        case_id=case_id,
        kind=EventKind.RESCREENED,
        message=f"{headline}: {diff}"[:500],
        actor=by if by is not None and by.is_authenticated else None,
        data={
            "run": run.pk,
            "ruleset": run.ruleset_version,
            "changes": changes,
            "trigger": trigger,
            "because": because,
        },
    )


def rescreen_case(
    case: Case, *, by=None, trigger: str = "rescreen", after: str = "", because: str = ""
) -> RescreenResult:
    """Screen one open case under the current ruleset; record and act on what changed.

    `after` says what prompted it for the timeline ("an amendment of CD22 expression"),
    `because` why the verdicts moved ("CD22 positive (flow cytometry report …, p. 1)");
    without them the event names the ruleset. Raises InvalidProfile if the stored profile
    cannot be screened.
    """
    result = RescreenResult(case.pk)
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("latest_run")
            .get(pk=case.pk)
        )
        if locked.status not in ASSIGNABLE_STATUSES:
            return result  # not screened yet (the pipeline will), or closed
        first = locked.latest_run_id is None  # its stored profile could not be screened
        outcome = screening_service.store_screening_run(locked, trigger=trigger)
        result.verdicts = outcome.run.verdicts
        if not outcome.is_new_result:
            return result
        result.rescreened, result.changes = True, outcome.changes
        enqueue("screening.match_case_trials_task", locked.pk)  # the profile may have changed
        result.event = rescreened_event(
            locked.pk,
            outcome.run,
            outcome.changes,
            first=first,
            summary=locked.screening_summary,
            trigger=trigger,
            by=by,
            after=after,
            because=because,
        )
        result.event.save()
        likely = newly_likely(outcome.changes)
        if likely:
            mark_newly_likely(locked, likely, timezone.now())
            Case.objects.filter(pk=locked.pk).update(
                newly_likely=locked.newly_likely, newly_likely_at=locked.newly_likely_at
            )
            result.raised = raise_priority(locked, outcome.run.verdicts) is not None
    return result
