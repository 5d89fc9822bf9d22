"""The profile field by field, with where each value came from: the Facts section.

One row per field of the case schema: the value the rules read, what the intake answers
gave, the source of the value (the intake answers, or the active amendment with its source,
who and when), every amendment and withdrawal of the field, the products waiting on it when
the latest screening found it missing, and the field's revision (the amendment form's
concurrency mark). Two queries: the amendments with their people and documents, and none
more (the latest run is already on the case).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from screening.core.profile_fields import (
    PROFILE_FIELDS,
    describe_value,
    field_of_missing_fact,
    get_value,
)
from screening.models import Amendment, Case
from screening.triage.actions import MissingFactRow, missing_facts


@dataclass
class FactRow:
    path: str
    label: str
    value_text: str
    intake_text: str
    source: str
    amendment: Amendment | None  # the active amendment that sets the value, if any
    history: list[Amendment] = field(default_factory=list)  # oldest first
    missing_for: tuple[str, ...] = ()  # products whose screening waits on this fact
    revision: int = 0
    amendable: bool = True  # false for what the derivation notes (unrecognised lines)

    @property
    def amended(self) -> bool:
        return self.amendment is not None

    @property
    def differs_from_intake(self) -> bool:
        return self.value_text != self.intake_text


def _person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def case_facts(case: Case, missing: list[MissingFactRow] | None = None) -> list[FactRow]:
    """Every profile field of the case with its value and provenance, in schema order."""
    amendments = list(
        Amendment.objects.filter(case=case)
        .select_related("created_by", "withdrawn_by", "document")
        .order_by("created_at", "pk")
    )
    by_field: dict[str, list[Amendment]] = {}
    for amendment in amendments:
        by_field.setdefault(amendment.field, []).append(amendment)
    waiting: dict[str, tuple[str, ...]] = {}
    for row in missing if missing is not None else missing_facts(case):
        path = field_of_missing_fact(row.field)
        if path is not None:
            waiting[path] = tuple(dict.fromkeys(waiting.get(path, ()) + row.products))
    derived = bool(case.derivation_version)
    rows = []
    for path, schema_field in PROFILE_FIELDS.items():
        history = by_field.get(path, [])
        active = [a for a in history if a.withdrawn_at is None]
        current = active[-1] if active else None
        if current is not None:
            source = _("%(source)s (amended by %(user)s, %(when)s)") % {
                "source": current.source_label,
                "user": _person(current.created_by),
                "when": current.created_at.strftime("%Y-%m-%d %H:%M"),
            }
        elif derived:
            source = _("the intake answers")
        else:
            source = _("recorded at submission")
        rows.append(
            FactRow(
                path=path,
                label=schema_field.label,
                value_text=describe_value(path, get_value(case.profile, path)),
                intake_text=describe_value(path, get_value(case.intake_profile, path)),
                source=source,
                amendment=current,
                history=history,
                missing_for=waiting.get(path, ()),
                revision=len(history) + sum(1 for a in history if a.withdrawn_at is not None),
            )
        )
    unrecognised = get_value(case.profile, "unrecognised_lines") or []
    if unrecognised:
        # Settled by recording the treatments received (amend that field), never amended.
        lines = ", ".join(str(number) for number in unrecognised)
        rows.append(
            FactRow(
                path="unrecognised_lines",
                label=_("Treatment lines not recognised"),
                value_text=_("%(lines)s: ask what was given (the name entered was not recognised)")
                % {"lines": lines},
                intake_text=describe_value(
                    "unrecognised_lines", get_value(case.intake_profile, "unrecognised_lines")
                ),
                source=_("the intake answers"),
                amendment=None,
                missing_for=waiting.get("prior_therapies", ()),
                amendable=False,
            )
        )
    return rows
