"""Age in completed years, as the labels read it (C1), from a date of birth."""

from __future__ import annotations

from datetime import date

DAYS_PER_YEAR = 365.25


def age_in_years(birth: date, today: date) -> float | int:
    """Completed years; under one year, completed months / 12, under a month days / 365.25.

    Fractions are never rounded, so a one-month-old is exactly 1/12 and meets "one month and
    older" (C1). Raises ValueError for a birth date after today.
    """
    if birth > today:
        raise ValueError("date of birth is in the future")
    years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if years >= 1:
        return years
    months = (today.year - birth.year) * 12 + today.month - birth.month
    if today.day < birth.day:
        months -= 1
    if months >= 1:
        return months / 12
    return (today - birth).days / DAYS_PER_YEAR
