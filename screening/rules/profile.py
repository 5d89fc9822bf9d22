"""The screening profile: a validated, immutable view of one person's `patient` object.

Validation collects every problem at once (one `FieldError` per bad field) so the intake or the
CLI can show them all together, and the engine only ever sees values it understands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .vocabulary import (
    BIOMARKERS,
    DIAGNOSES,
    DISEASE_STATUSES,
    FLAGS,
    OPTIONAL_FLAGS,
    PRIOR_THERAPIES,
)

MAX_AGE_YEARS = 130
MAX_PRIOR_LINES = 30


@dataclass(frozen=True, slots=True)
class Profile:
    """One person's screening facts; `None` means unknown or not applicable."""

    age_years: float | None
    diagnosis: str | None
    disease_status: str | None
    prior_lines: int | None
    # None = the treatment history is unknown; an empty set = nothing received.
    prior_therapies: frozenset[str] | None
    cd19_positive: bool | None
    cd22_positive: bool | None
    bcma_positive: bool | None
    kmt2a_rearranged: bool | None
    npm1_mutated: bool | None
    philadelphia_positive: bool | None
    ecog: int | None
    mrd_percent: float | None
    relapse_within_12_months: bool | None
    transplant_eligible: bool | None
    lenalidomide_refractory: bool | None
    in_consolidation_phase: bool | None
    no_satisfactory_alternative: bool | None
    active_infection: bool | None = None
    cns_involvement: bool | None = None
    # Navigator's extension: a CAR-T of a target the schema has no class for (the intake's
    # "another CAR-T cell therapy"). No label reads it; a trial's "no prior CAR-T" does.
    other_car_t: bool | None = None
    # Navigator's extension: treatment lines (numbered from 1 as entered) whose drugs were not
    # recognised. They count in prior_lines; their classes are unknown (see Received).
    unrecognised_lines: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The profile back in the case-schema shape (prior therapies sorted for stability)."""
        patient: dict[str, Any] = {
            "age_years": self.age_years,
            "diagnosis": self.diagnosis,
            "disease_status": self.disease_status,
            "prior_lines": self.prior_lines,
            "prior_therapies": (
                None if self.prior_therapies is None else sorted(self.prior_therapies)
            ),
            "biomarkers": {key: getattr(self, key) for key in BIOMARKERS},
            "ecog": self.ecog,
            "mrd_percent": self.mrd_percent,
        }
        for key in FLAGS:
            patient[key] = getattr(self, key)
        for key in OPTIONAL_FLAGS:
            patient[key] = getattr(self, key)
        patient["unrecognised_lines"] = list(self.unrecognised_lines)
        if self.other_car_t is not None:  # absent means unknown, as profiles from outside say
            patient["other_car_t"] = self.other_car_t
        return patient


@dataclass(frozen=True, slots=True)
class FieldError:
    """One bad field: where it is, what was given, and what is allowed."""

    field: str
    value: Any
    message: str

    def __str__(self) -> str:
        return self.message


def _error(field: str, value: Any, text: str) -> FieldError:
    """A FieldError whose message names the field, so it reads on its own."""
    return FieldError(field, value, f"{field}: {text}")


class InvalidProfile(ValueError):
    """The profile cannot be screened; `errors` names every bad field."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))

    @property
    def fields(self) -> list[str]:
        """The bad fields' names, without the values given: what a log may say."""
        return list(dict.fromkeys(error.field for error in self.errors))


REQUIRED_FIELDS = (
    "age_years",
    "diagnosis",
    "disease_status",
    "prior_lines",
    "prior_therapies",
    "biomarkers",
    "ecog",
    "mrd_percent",
    *FLAGS,
)
KNOWN_FIELDS = (
    frozenset(REQUIRED_FIELDS) | frozenset(OPTIONAL_FLAGS) | {"unrecognised_lines", "other_car_t"}
)


def _show(value: Any) -> str:
    """A short, safe rendering of a user-supplied value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed(values) -> str:
    return ", ".join(sorted(values))


def _is_number(value: Any) -> bool:
    # bool is an int subclass in Python; `true` is never a valid age or count.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Validator:
    def __init__(self, raw: dict[str, Any]):
        self.raw = raw
        self.errors: list[FieldError] = []

    def fail(self, field: str, value: Any, expectation: str) -> None:
        self.errors.append(
            _error(field, value, f"{_show(value)} is not allowed; expected {expectation}.")
        )

    def number(self, field: str, low: float, high: float, what: str) -> float | None:
        value = self.raw.get(field)
        if value is None:
            return None
        # A plain range check also refuses NaN and infinities, and unlike math.isfinite it
        # cannot overflow on a huge integer.
        if not _is_number(value) or not low <= value <= high:
            self.fail(field, value, f"{what} from {low:g} to {high:g}, or null if unknown")
            return None
        return value

    def whole_number(self, field: str, low: int, high: int, what: str) -> int | None:
        value = self.raw.get(field)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not _is_number(value) or not isinstance(value, int) or not low <= value <= high:
            self.fail(field, value, f"{what}: a whole number from {low} to {high}, or null")
            return None
        return value

    def choice(self, field: str, choices: dict[str, str]) -> str | None:
        value = self.raw.get(field)
        if value is None:
            return None
        if not isinstance(value, str) or value not in choices:
            self.fail(field, value, f"one of {_allowed(choices)}, or null if unknown")
            return None
        return value

    def flag(self, field: str, value: Any) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        self.fail(field, value, "true, false, or null if unknown")
        return None

    def therapies(self) -> frozenset[str] | None:
        value = self.raw.get("prior_therapies")
        if value is None:
            return None
        if not isinstance(value, list):
            self.fail(
                "prior_therapies",
                value,
                "a list of drug classes or procedures (an empty list if none), or null",
            )
            return None
        known = set()
        for index, item in enumerate(value):
            if isinstance(item, str) and item in PRIOR_THERAPIES:
                known.add(item)
            else:
                self.fail(f"prior_therapies[{index}]", item, f"one of {_allowed(PRIOR_THERAPIES)}")
        return frozenset(known)

    def unrecognised_lines(self, prior_lines: int | None) -> tuple[int, ...]:
        """Optional: line numbers (1 = first line entered) whose drugs were not recognised."""
        value = self.raw.get("unrecognised_lines")
        if value is None:
            return ()
        expectation = (
            "a list of treatment line numbers (whole numbers from 1, each at most prior_lines), "
            "or an empty list"
        )
        if not isinstance(value, list):
            self.fail("unrecognised_lines", value, expectation)
            return ()
        highest = MAX_PRIOR_LINES if prior_lines is None else prior_lines
        lines = set()
        for index, item in enumerate(value):
            whole = _is_number(item) and (isinstance(item, int) or item.is_integer())
            if not whole or not 1 <= item <= highest:
                self.fail(f"unrecognised_lines[{index}]", item, expectation)
            else:
                lines.add(int(item))
        return tuple(sorted(lines))

    def biomarkers(self) -> dict[str, bool | None]:
        value = self.raw.get("biomarkers")
        found = dict.fromkeys(BIOMARKERS)
        if not isinstance(value, dict):
            self.fail(
                "biomarkers",
                value,
                f"an object with the keys {_allowed(BIOMARKERS)}, each true, false or null",
            )
            return found
        for key in value.keys() - BIOMARKERS.keys():
            self.fail(f"biomarkers.{key}", value[key], f"one of the keys {_allowed(BIOMARKERS)}")
        for key in BIOMARKERS:
            if key not in value:
                self.errors.append(
                    _error(
                        f"biomarkers.{key}",
                        None,
                        "is missing; give true, false, or null if unknown.",
                    )
                )
            else:
                found[key] = self.flag(f"biomarkers.{key}", value[key])
        return found


def validate_patient(raw: Any) -> Profile:
    """Check a `patient` object against the case schema and return its `Profile`.

    Raises `InvalidProfile` naming every bad field: a missing or unknown field, a wrong type,
    an unknown vocabulary value or a value out of range.
    """
    if not isinstance(raw, dict):
        raise InvalidProfile(
            [_error("patient", raw, f"{_show(raw)} is not allowed; expected an object.")]
        )
    check = _Validator(raw)
    for field in REQUIRED_FIELDS:
        if field not in raw:
            check.errors.append(
                _error(field, None, "is missing; every schema field is required (null = unknown).")
            )
    for field in sorted(str(key) for key in raw.keys() - KNOWN_FIELDS):
        check.errors.append(
            _error(
                field,
                raw.get(field),
                "is not a field of the screening profile; allowed fields: "
                f"{_allowed(KNOWN_FIELDS)}.",
            )
        )

    biomarkers = check.biomarkers() if "biomarkers" in raw else dict.fromkeys(BIOMARKERS)
    profile_fields: dict[str, Any] = {
        "age_years": check.number("age_years", 0, MAX_AGE_YEARS, "an age in years"),
        "diagnosis": check.choice("diagnosis", DIAGNOSES),
        "disease_status": check.choice("disease_status", DISEASE_STATUSES),
        "prior_lines": check.whole_number(
            "prior_lines", 0, MAX_PRIOR_LINES, "the number of prior lines of systemic therapy"
        ),
        "prior_therapies": check.therapies(),
        "ecog": check.whole_number("ecog", 0, 4, "an ECOG performance status"),
        "mrd_percent": check.number("mrd_percent", 0, 100, "an MRD level in percent"),
        **biomarkers,
    }
    for field in (*FLAGS, *OPTIONAL_FLAGS):
        profile_fields[field] = check.flag(field, raw.get(field))
    profile_fields["other_car_t"] = check.flag("other_car_t", raw.get("other_car_t"))
    profile_fields["unrecognised_lines"] = check.unrecognised_lines(profile_fields["prior_lines"])

    if check.errors:
        raise InvalidProfile(check.errors)
    return Profile(**profile_fields)
