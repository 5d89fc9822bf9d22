"""Re-screening open cases when the rules change (or a profile was corrected).

Each open, already screened case is screened again under the current ruleset. A new run is
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

from screening.core.timeline import record_event
from screening.jobs import enqueue
from screening.models import Case, EventKind
from screening.pipeline import runs as screening_service
from screening.pipeline.assignment import ASSIGNABLE_STATUSES
from screening.pipeline.priority import raise_priority
from screening.rules.data.products import PRODUCTS
from screening.rules.profile import InvalidProfile
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


@dataclass
class RescreenReport:
    checked: int = 0
    rescreened: int = 0
    changed: int = 0
    raised: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.checked} open case(s) checked, {self.rescreened} re-screened, "
            f"{self.changed} with a changed verdict, {self.raised} raised in priority"
            + (f", {self.failed} could not be screened" if self.failed else "")
        )


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
        if first:
            headline = "Screened" + (f" after {after}" if after else "")
            diff = locked.screening_summary
        else:
            headline = (
                f"Re-screened after {after}"
                if after
                else f"Re-screened under ruleset {outcome.run.ruleset_version}"
            )
            diff = describe_changes(outcome.changes, because)
        record_event(
            locked,
            EventKind.RESCREENED,
            f"{headline}: {diff}",
            actor=by,
            data={
                "run": outcome.run.pk,
                "ruleset": outcome.run.ruleset_version,
                "changes": outcome.changes,
                "trigger": trigger,
                "because": because,
            },
        )
        newly_eligible = any(
            new == ELIGIBLE and old != ELIGIBLE for old, new in outcome.changes.values()
        )
        if newly_eligible:
            result.raised = raise_priority(locked, outcome.run.verdicts) is not None
    return result


def cases_to_rescreen(*, all_cases: bool = False):
    """Open, screened cases; by default only those not yet screened under this ruleset."""
    cases = Case.objects.filter(status__in=ASSIGNABLE_STATUSES)
    if not all_cases:
        cases = cases.exclude(latest_run__ruleset_version=screening_service.RULESET_VERSION)
    return cases.order_by("pk")


def rescreen_open_cases(*, all_cases: bool = False, by=None) -> RescreenReport:
    """Re-screen every open case that needs it (every open case with all_cases=True)."""
    report = RescreenReport()
    for case in cases_to_rescreen(all_cases=all_cases).only("pk").iterator():
        report.checked += 1
        try:
            result = rescreen_case(case, by=by)
        except InvalidProfile as exc:
            logger.warning("Case %s could not be re-screened: %s", case.pk, exc)
            report.failed += 1
            continue
        report.rescreened += result.rescreened
        report.changed += bool(result.changes)
        report.raised += result.raised
    return report
