"""The profile the rules read, rebuilt from its two parts: the profile derived from the
intake answers and the coordinators' active amendments over it (oldest first).

Only this function writes `Case.profile` after submission, so the amendment service and the
re-derivation cannot disagree about how the two parts combine.
"""

from __future__ import annotations

from screening.core.profile_fields import apply_amendments, changed_fields
from screening.models import Case


def rebuild_case_profile(case: Case, *, by=None, reason: str) -> dict:
    """Rebuild and save `case.profile` (call with the case row locked), with a history row
    saying who and why; returns path → (old, new) for the fields whose value changed."""
    before = case.profile
    amendments = case.amendments.filter(withdrawn_at__isnull=True).order_by("created_at", "pk")
    after = apply_amendments(
        case.intake_profile, ((row.field, row.new_value) for row in amendments)
    )
    changes = changed_fields(before, after)
    case.profile = after
    case.disease = after.get("diagnosis") or "unsure"
    case._change_reason = reason[:100]
    case._history_user = by
    case.save(
        update_fields=["profile", "intake_profile", "derivation_version", "disease", "updated_at"]
    )
    return changes
