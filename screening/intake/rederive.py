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
from screening.models import Case, EventKind, RescreenJob
from screening.pipeline.assignment import ASSIGNABLE_STATUSES
from screening.pipeline.bulk_rescreen import rescreen_next_batch, start_rescreen_job
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
    # For the re-screen, when the screened profile changed: what prompted it and why.
    after: str = ""
    because: str = ""


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


def _rederive_locked(locked: Case, *, by=None) -> RederiveResult:
    """Derive a locked case's intake profile again if the derivation changed since; rebuild
    and save the screened profile (amendments kept), with its timeline event. Sets
    `after`/`because` for the re-screen when the screened profile changed."""
    result = RederiveResult(locked.pk)
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
        logger.warning(
            "Case %s could not be derived again (%s)",
            locked.pk,
            ", ".join(exc.fields) if isinstance(exc, InvalidProfile) else type(exc).__name__,
        )
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
        facts = "; ".join(
            describe_fact(path, new) for path, (_old, new) in result.profile_changes.items()
        )
        result.after = "the answers were derived again"
        result.because = f"{facts} (intake answers, {DERIVATION_VERSION})"
    return result


def rederive_case(case: Case, *, by=None) -> RederiveResult:
    """Derive the case's intake profile again if the derivation changed since; rebuild the
    screened profile (amendments kept) and re-screen it with a diff when it changed.

    Raises InvalidProfile if the rebuilt profile cannot be screened (as a rules re-screen
    would); a failure to derive from the answers is recorded and leaves the profile as it was.
    """
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        result = _rederive_locked(locked, by=by)
        if result.after:
            result.rescreen = rescreen_case(
                locked, by=by, trigger="rederive", after=result.after, because=result.because
            )
    return result


def rederive_for_rescreen(cases: list[Case]) -> dict[int, tuple[str, str]]:
    """The bulk re-screen's hook (screening/pipeline/bulk_rescreen.py), on its locked cases:
    derive again those derived under an older derivation, before they are screened. Returns
    case id → (after, because) for the cases whose screened profile changed."""
    outdated = [c for c in cases if c.derivation_version not in ("", DERIVATION_VERSION)]
    if not outdated:
        return {}
    # The batch loads only what screening reads; a re-derivation reads and saves whole rows
    # (with a history row each), so it gets them whole, then hands the new profile back.
    whole = Case.objects.in_bulk([case.pk for case in outdated])
    reasons = {}
    for case in outdated:
        result = _rederive_locked(whole[case.pk])
        case.profile = whole[case.pk].profile
        case.intake_profile = whole[case.pk].intake_profile
        case.derivation_version = whole[case.pk].derivation_version
        if result.after:
            reasons[case.pk] = (result.after, result.because)
    return reasons


def rederive_and_rescreen(case: Case, *, by=None) -> RescreenResult:
    """What the hourly pass does for one case: derive it again if the derivation changed,
    then re-screen it under the current rules (each step does nothing when up to date)."""
    rederived = rederive_case(case, by=by)
    result = rescreen_case(case, by=by)
    if rederived.rescreen is not None and rederived.rescreen.rescreened:
        return rederived.rescreen
    return result


def start_rescreen(*, reason: str, all_cases: bool = False, by=None):
    """Start (or find) the bulk re-screen of every open case the current ruleset has not
    screened, and of every case derived under an older derivation (derived again first, in
    the job's batches); see screening/pipeline/bulk_rescreen.py. None when nothing needs it."""
    outdated = list(cases_to_rederive().values_list("pk", flat=True))
    return start_rescreen_job(
        reason=reason,
        all_cases=all_cases,
        also=outdated,
        derivation_version=DERIVATION_VERSION,
        by=by,
    )


def run_rescreen_here(job_id: int, *, progress=None) -> int:
    """Work through a bulk re-screen job in this process (`manage.py rescreen`); returns the
    number of batches this process did. `progress(job)` is called after each batch."""
    batches = 0
    while rescreen_next_batch(job_id, prepare=rederive_for_rescreen):
        batches += 1
        if progress is not None:
            progress(RescreenJob.objects.get(pk=job_id))
    return batches
