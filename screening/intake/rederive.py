"""Deriving a case's profile again from its stored answers when the derivation code changed.

A case stores the DERIVATION_VERSION its intake profile was derived with (blank when it was
not derived from wizard answers, e.g. demo data: those are never re-derived). When the code
changes, each open, screened case is derived again from the answers it stored, as of the day
it was submitted (so nobody ages between two derivations: only the code's change shows). The
coordinators' amendments still lie over the new intake profile, and the case is re-screened
through the same path as a rules change, so the timeline shows the diff per product.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from screening.core.case_profile import rebuild_case_profile
from screening.core.profile_fields import changed_fields, describe_fact, describe_value
from screening.core.profile_fields import profile_field as schema_field
from screening.core.timeline import record_event
from screening.intake.derivation import DERIVATION_VERSION, derive_profile
from screening.models import Case, EventKind
from screening.pipeline.assignment import ASSIGNABLE_STATUSES
from screening.pipeline.rescreen import RescreenResult, rescreen_case
from screening.rules.profile import InvalidProfile, validate_patient

logger = logging.getLogger(__name__)


@dataclass
class RederiveResult:
    case_id: int
    rederived: bool = False  # the intake profile was derived again under the current code
    intake_changes: dict = field(default_factory=dict)  # path -> (old, new), intake profile
    profile_changes: dict = field(default_factory=dict)  # the same for the screened profile
    error: str = ""
    rescreen: RescreenResult | None = None


def cases_to_rederive():
    """Open, screened cases derived from answers by another version of the derivation."""
    return (
        Case.objects.filter(status__in=ASSIGNABLE_STATUSES)
        .exclude(derivation_version="")
        .exclude(derivation_version=DERIVATION_VERSION)
        .order_by("pk")
    )


def _field_words(changes: dict) -> str:
    return "; ".join(
        f"{schema_field(path).label}: {describe_value(path, old)} → {describe_value(path, new)}"
        for path, (old, new) in changes.items()
    )


def rederive_case(case: Case, *, by=None) -> RederiveResult:
    """Derive the case's intake profile again if the derivation changed since; rebuild the
    screened profile (amendments kept) and re-screen it with a diff when it changed.

    Raises InvalidProfile if the rebuilt profile cannot be screened (as a rules re-screen
    would); a failure to derive from the answers is recorded and leaves the profile as it was.
    """
    result = RederiveResult(case.pk)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        previous = locked.derivation_version
        if not previous or previous == DERIVATION_VERSION:
            return result
        submitted_on = timezone.localdate(locked.submitted_at)
        try:
            derived = derive_profile(locked.intake, today=submitted_on)
            validate_patient(derived)
        except (InvalidProfile, ValueError, TypeError, KeyError, AttributeError) as exc:
            # The stored answers do not derive under the new code: keep the profile, say so
            # once (the version is recorded, so the next pass does not try again).
            result.error = str(exc)
            logger.warning("Case %s could not be derived again: %s", locked.pk, exc)
            locked.derivation_version = DERIVATION_VERSION
            locked.save(update_fields=["derivation_version", "updated_at"])
            record_event(
                locked,
                EventKind.PROFILE_REDERIVED,
                f"The answers could not be derived again under {DERIVATION_VERSION}: {exc}"[:500],
                data={"from": previous, "to": DERIVATION_VERSION, "error": str(exc)[:300]},
            )
            return result
        result.rederived = True
        result.intake_changes = changed_fields(locked.intake_profile, derived)
        locked.intake_profile = derived
        locked.derivation_version = DERIVATION_VERSION
        result.profile_changes = rebuild_case_profile(
            locked, by=by, reason=f"Profile derived again ({DERIVATION_VERSION})"
        )
        if not result.intake_changes:
            return result
        amended = set(result.intake_changes) - set(result.profile_changes)
        record_event(
            locked,
            EventKind.PROFILE_REDERIVED,
            (
                f"Profile derived again from the answers ({previous} → {DERIVATION_VERSION}): "
                + _field_words(result.intake_changes)
                + (f". Amendments still decide: {', '.join(sorted(amended))}" if amended else "")
            )[:500],
            actor=by,
            data={
                "from": previous,
                "to": DERIVATION_VERSION,
                "changes": {path: list(pair) for path, pair in result.intake_changes.items()},
            },
        )
        if result.profile_changes:
            because = "; ".join(
                describe_fact(path, new) for path, (_old, new) in result.profile_changes.items()
            )
            result.rescreen = rescreen_case(
                locked,
                by=by,
                trigger="rederive",
                after="the answers were derived again",
                because=f"{because} (intake answers, {DERIVATION_VERSION})",
            )
    return result


def rederive_and_rescreen(case: Case, *, by=None) -> RescreenResult:
    """What the hourly pass does for one case: derive it again if the derivation changed,
    then re-screen it under the current rules (each step does nothing when up to date)."""
    rederived = rederive_case(case, by=by)
    result = rescreen_case(case, by=by)
    if rederived.rescreen is not None and rederived.rescreen.rescreened:
        return rederived.rescreen
    return result


@dataclass
class RederiveReport:
    version: str = ""  # the derivation the cases were derived again with
    checked: int = 0
    rederived: int = 0
    changed: int = 0  # the screened profile changed
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.checked} open case(s) derived under an older derivation, "
            f"{self.rederived} derived again, {self.changed} with a changed profile"
            + (f", {self.failed} could not be derived or screened" if self.failed else "")
        )


def rederive_open_cases(*, by=None) -> RederiveReport:
    """Derive again every open case whose derivation is outdated (see rederive_case)."""
    report = RederiveReport(version=DERIVATION_VERSION)
    for case in cases_to_rederive().only("pk").iterator():
        report.checked += 1
        try:
            result = rederive_case(case, by=by)
        except InvalidProfile as exc:
            logger.warning("Case %s could not be re-screened after derivation: %s", case.pk, exc)
            report.failed += 1
            continue
        report.rederived += result.rederived
        report.changed += bool(result.profile_changes)
        report.failed += bool(result.error)
    return report
