"""Registry age limits ("18 Years", "6 Months") and how a profile's age compares with them.

The registry writes a limit as a number and a unit; a missing key means no limit. Odd forms
("18 years", "N/A", "") are read where they are unambiguous, and anything else is reported
rather than guessed: `parse_age` returns the problem alongside the value.

The profile's age is in completed years, with fractions below one year (completed months / 12,
or days / 365.25 under a month: case-schema C1). A completed age of 5 therefore means "somewhere
from 5 up to 6", and a limit in months can fall inside that span, where only the trial team can
say. A maximum is inclusive in its own unit, as the registry means it: "39 Years" admits a
completed age of 39 and refuses 40; "6 Months" admits 6 completed months and refuses 7.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DAYS_PER_YEAR = 365.25
UNIT_YEARS = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / DAYS_PER_YEAR,
    "day": 1 / DAYS_PER_YEAR,
    "hour": 1 / (24 * DAYS_PER_YEAR),
    "minute": 1 / (24 * 60 * DAYS_PER_YEAR),
}
NO_LIMIT_WORDS = frozenset({"", "n/a", "na", "none", "not applicable", "no limit"})
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.I)
# Tolerance for float arithmetic on months (7/12 + 1/12 is not exactly 2/3).
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class AgeLimit:
    """One bound: the registry's text, its value in years, and the size of its unit."""

    text: str
    years: float
    unit_years: float

    def words(self) -> str:
        return self.text.strip().lower()


def parse_age(text: object) -> tuple[AgeLimit | None, str | None]:
    """(limit or None for no limit, problem or None). Never raises."""
    if text is None:
        return None, None
    if not isinstance(text, str):
        return None, f"{text!r} is not an age (expected text such as '18 Years')"
    if text.strip().lower() in NO_LIMIT_WORDS:
        return None, None
    match = _AGE.match(text)
    if not match:
        return None, f"{text!r} is not an age the registry uses (such as '18 Years' or '6 Months')"
    unit = UNIT_YEARS[match.group(2).lower()]
    return AgeLimit(text.strip(), float(match.group(1)) * unit, unit), None


def age_span(age_years: float) -> tuple[float, float]:
    """The real ages a profile age stands for, [low, high): completed years or months."""
    if age_years >= 1 and float(age_years).is_integer():
        return age_years, age_years + 1
    months = age_years * 12
    if abs(months - round(months)) < 1e-6:
        return age_years, age_years + 1 / 12
    return age_years, age_years + 1 / DAYS_PER_YEAR


MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"


def compare_minimum(age_years: float, limit: AgeLimit) -> str:
    low, high = age_span(age_years)
    if low >= limit.years - _EPSILON:
        return MET
    if high <= limit.years + _EPSILON:
        return NOT_MET
    return UNKNOWN


def compare_maximum(age_years: float, limit: AgeLimit) -> str:
    # Inclusive in its unit: "39 Years" means younger than 40.
    ceiling = limit.years + limit.unit_years
    low, high = age_span(age_years)
    if high <= ceiling + _EPSILON:
        return MET
    if low >= ceiling - _EPSILON:
        return NOT_MET
    return UNKNOWN


def describe_age(age_years: float) -> str:
    if age_years >= 1:
        return f"{age_years:g} years"
    months = age_years * 12
    if months >= 1:
        return f"{months:.0f} months"
    return f"{age_years * DAYS_PER_YEAR:.0f} days"
