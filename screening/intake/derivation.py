"""From intake answers to the screening profile (the case-schema `patient` object).

The intake asks in plain words; the rules read schema vocabulary. Everything that turns one
into the other lives here, in plain Python (no Django), so it is tested on its own:

- the disease chosen in plain words -> `diagnosis` (the "not sure" answers -> null);
- the status answers -> `disease_status` and `mrd_percent`;
- the treatment lines entered -> `prior_lines` (one per line; transplants and the "other
  treatments" checkboxes never add a line), `prior_therapies` (the union of the drug classes
  ticked, the classes of recognised regimen or drug names, the transplants and the other
  treatments), `unrecognised_lines` (lines with neither a recognised name nor a ticked class)
  and `relapse_within_12_months` (LBCL only, from the first line's end month and relapse month);
- the date of birth -> `age_years` in completed years, with fractions for infants (C1).

The vocabulary (diseases, statuses, regimen and drug names) is data in
screening/intake/vocabulary.py. Answers are the JSON-safe dicts the wizard stores on the case
(`Case.intake`); months are "YYYY-MM" strings and dates "YYYY-MM-DD".

`DERIVATION_VERSION` names this code: a hash of this module's source and of the vocabularies and
the age rule it reads. A case stores the version its profile was derived with, so when the
derivation changes (a regimen added to the table, a bug fixed) every open case is derived again
from its stored answers and re-screened with a diff (screening/intake/rederive.py).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from screening.intake import ages
from screening.intake import vocabulary as intake_vocabulary
from screening.intake.ages import DAYS_PER_YEAR, age_in_years
from screening.intake.vocabulary import (
    ALL_BIOMARKERS,
    DISEASES,
    LBCL_DIAGNOSES,
    MRD_POSITIVE_PERCENT,
    OTHER_TREATMENTS,
    REGIMEN_CLASSES,
    RELEVANT_BIOMARKERS,
    REMISSION_STATUSES,
    STATUS_QUESTIONS,
    STATUSES,
    TRANSPLANT_CLASSES,
    status_questions,
)
from screening.rules import vocabulary
from screening.rules.vocabulary import BIOMARKERS, PRIOR_THERAPIES

# Re-exported: the vocabulary used to live here, and tests and other stages still name it so.
__all__ = [
    "ALL_BIOMARKERS",
    "DAYS_PER_YEAR",
    "DERIVATION_VERSION",
    "DISEASES",
    "LBCL_DIAGNOSES",
    "MRD_POSITIVE_PERCENT",
    "OTHER_TREATMENTS",
    "REGIMEN_CLASSES",
    "RELEVANT_BIOMARKERS",
    "REMISSION_STATUSES",
    "STATUSES",
    "STATUS_QUESTIONS",
    "TRANSPLANT_CLASSES",
    "TreatmentHistory",
    "age_in_years",
    "classes_from_name",
    "derive_profile",
    "derive_status",
    "derive_treatment",
    "derivation_version",
    "line_classes",
    "relapse_within_12_months",
    "status_questions",
    "tri_state",
]


def derivation_version(*sources: Path) -> str:
    """'derive+' and 12 hex digits of the sha256 of these source files, in order."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return f"derive+{digest.hexdigest()[:12]}"


# Any edit to this module, the vocabularies or the age rule changes it; an edit that changes no
# output costs one pass over the open cases that finds nothing to re-screen.
DERIVATION_VERSION = derivation_version(
    Path(__file__),
    Path(intake_vocabulary.__file__),
    Path(ages.__file__),
    Path(vocabulary.__file__),
)

# --- Disease now ---------------------------------------------------------------------------------


def derive_status(status: dict[str, Any]) -> tuple[str | None, float | None]:
    """(disease_status, mrd_percent) from the "disease now" answers.

    MRD counts only in remission: "not detectable" is 0 %, a detectable level at or above
    0.1 % (or detectable with the level unknown) makes the remission MRD-positive, and a
    detectable level below 0.1 % stays a plain remission with its level.
    """
    key = status.get("status")
    if key not in STATUSES or key == "unknown":
        return None, None
    if key not in REMISSION_STATUSES:
        return key, None
    mrd = status.get("mrd")
    level = status.get("mrd_percent")
    if mrd == "negative":
        return key, 0.0
    if mrd == "detectable":
        if level is None or level >= MRD_POSITIVE_PERCENT:
            return f"{key}_mrd_positive", level
        return key, level
    return key, None


# --- Treatment history ------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s,+/();&]+")


def classes_from_name(name: str) -> set[str]:
    """Drug classes of the recognised regimen or drug names in `name` (maybe none)."""
    text = (name or "").strip().lower()
    if not text:
        return set()
    found: set[str] = set(REGIMEN_CLASSES.get(text, ()))
    found.update(REGIMEN_CLASSES.get(text.replace(" ", ""), ()))
    for part in _SPLIT.split(text):
        part = part.strip("-. ")
        if not part:
            continue
        found.update(REGIMEN_CLASSES.get(part, ()))
        if "-" in part:
            for piece in part.split("-"):
                # Two letters are ambiguous ("Rd", "Pd"); "R2" (lenalidomide-rituximab) is not.
                if len(piece) >= 3 or (len(piece) == 2 and not piece.isalpha()):
                    found.update(REGIMEN_CLASSES.get(piece, ()))
    if "7+3" in text.replace(" ", ""):  # "+" is a separator everywhere else
        found.update(REGIMEN_CLASSES["7+3"])
    return found


def line_classes(line: dict[str, Any]) -> set[str] | None:
    """The drug classes of one treatment line, or None when nobody could say which.

    The classes ticked and those of a recognised name are merged. A line with neither is an
    unrecognised line: it still counts, and the coordinator is asked what it held.
    """
    ticked = {c for c in line.get("classes") or () if c in PRIOR_THERAPIES}
    found = ticked | classes_from_name(line.get("name", ""))
    return found or None


def month_index(month: str | None) -> int | None:
    """'2024-03' -> a month count, so two months subtract to the months between them."""
    if not month:
        return None
    year, _, number = month.partition("-")
    return int(year) * 12 + int(number) - 1


def _first_line(lines: list[dict[str, Any]]) -> dict[str, Any] | None:
    # Lines are meant to be entered oldest first; a start month, where given, decides.
    def order(pair):
        start = month_index(pair[1].get("start"))
        return (start is None, start or 0, pair[0])

    ordered = sorted(enumerate(lines), key=order)
    return ordered[0][1] if ordered else None


def relapse_within_12_months(lines: list[dict[str, Any]], diagnosis: str | None) -> bool | None:
    """LBCL only: did the disease come back within 12 months of finishing the first line?

    Months are whole calendar months, so 11 months or fewer between the end month and the
    relapse month is certainly within 12 months, 13 or more certainly not, and exactly 12
    could be either (null: the coordinator checks the exact dates). Without an end month or
    a relapse month for the first line the answer is unknown.
    """
    if diagnosis not in LBCL_DIAGNOSES:
        return None
    first = _first_line(lines)
    if first is None:
        return None
    end, relapse = month_index(first.get("end")), month_index(first.get("relapse"))
    if end is None or relapse is None:
        return None
    gap = relapse - end
    if gap <= 11:
        return True
    if gap >= 13:
        return False
    return None


class TreatmentHistory(NamedTuple):
    """What the treatment answers say, in schema terms."""

    prior_lines: int | None
    prior_therapies: list[str] | None
    relapse_within_12_months: bool | None
    # Lines (numbered from 1 as entered) with neither a recognised name nor a ticked class.
    unrecognised_lines: list[int]


def derive_treatment(treatment: dict[str, Any], diagnosis: str | None) -> TreatmentHistory:
    """The schema's treatment facts from the treatment answers.

    A line whose drugs Navigator does not recognise keeps its place in the count and is listed
    in `unrecognised_lines`; the other lines' classes stay known. The rules then treat a class
    not found, and any earlier same-target therapy, as unknown and ask about that line, so the
    partial list can never make a product look eligible that would not be once the line is known.
    A CAR-T whose target is not known still makes the whole list unknown (it is not a line).
    """
    had = treatment.get("had_treatment")
    if had == "no":
        return TreatmentHistory(0, [], None, [])
    if had != "yes":
        # "Not sure": whatever is listed may be incomplete, so both stay unknown.
        return TreatmentHistory(None, None, None, [])
    lines = list(treatment.get("lines") or ())
    therapies: set[str] | None = set()
    unrecognised: list[int] = []
    for number, line in enumerate(lines, start=1):
        classes = line_classes(line)
        if classes is None:
            unrecognised.append(number)
        elif therapies is not None:
            therapies |= classes
    for transplant in treatment.get("transplants") or ():
        cls = TRANSPLANT_CLASSES.get(transplant.get("kind"))
        if cls and therapies is not None:
            therapies.add(cls)
    for key in treatment.get("other_treatments") or ():
        if key not in OTHER_TREATMENTS:
            continue
        cls = OTHER_TREATMENTS[key]
        if cls is None:
            therapies = None
        elif cls and therapies is not None:
            therapies.add(cls)
    return TreatmentHistory(
        len(lines),
        None if therapies is None else sorted(therapies),
        relapse_within_12_months(lines, diagnosis),
        [] if therapies is None else unrecognised,
    )


def received_another_car_t(answers: dict[str, Any]) -> bool:
    """ "Another CAR-T cell therapy" ticked: a CAR-T the schema has no class for, which a
    trial's "no prior CAR-T" still counts (the profile's `other_car_t`)."""
    treatment = answers.get("treatment") or {}
    others = treatment.get("other_treatments") or ()
    return treatment.get("had_treatment") == "yes" and "car_t_other" in others


# --- The whole profile ------------------------------------------------------------------------

_TRI = {"yes": True, "no": False}


def tri_state(value: Any) -> bool | None:
    """'yes' -> True, 'no' -> False, anything else (not sure, not asked) -> None."""
    return _TRI.get(value)


def derive_profile(answers: dict[str, Any], *, today: date) -> dict[str, Any]:
    """The case-schema `patient` dict for these intake answers, as of `today`."""
    about = answers.get("about") or {}
    diagnosis_answers = answers.get("diagnosis") or {}
    status_answers = answers.get("status") or {}
    health = answers.get("health") or {}

    birth = about.get("date_of_birth")
    age = age_in_years(date.fromisoformat(birth), today) if birth else None
    diagnosis = DISEASES.get(diagnosis_answers.get("disease"))
    disease_status, mrd_percent = derive_status(status_answers)
    asked = set(status_questions(diagnosis))
    if "mrd" not in asked:
        mrd_percent = None
    history = derive_treatment(answers.get("treatment") or {}, diagnosis)
    markers = diagnosis_answers.get("biomarkers") or {}
    asked_markers = RELEVANT_BIOMARKERS.get(diagnosis_answers.get("disease"), ())
    ecog = str(health.get("ecog"))

    def flag(key: str) -> bool | None:
        return tri_state(status_answers.get(key)) if key in asked else None

    return {
        "age_years": age,
        "diagnosis": diagnosis,
        "disease_status": disease_status,
        "prior_lines": history.prior_lines,
        "prior_therapies": history.prior_therapies,
        "biomarkers": {
            key: tri_state(markers.get(key)) if key in asked_markers else None for key in BIOMARKERS
        },
        "ecog": int(ecog) if ecog in {"0", "1", "2", "3", "4"} else None,
        "mrd_percent": mrd_percent,
        "relapse_within_12_months": history.relapse_within_12_months,
        "transplant_eligible": flag("transplant_eligible"),
        "lenalidomide_refractory": flag("lenalidomide_refractory"),
        "in_consolidation_phase": flag("in_consolidation_phase"),
        "no_satisfactory_alternative": flag("no_satisfactory_alternative"),
        "active_infection": tri_state(health.get("active_infection")),
        "cns_involvement": tri_state(health.get("cns_involvement")),
        "unrecognised_lines": history.unrecognised_lines,
        # Only when ticked: profiles without the key (older cases, the API) read it as unknown.
        **({"other_car_t": True} if received_another_car_t(answers) else {}),
    }


# --- Where trials may be offered ----------------------------------------------------------


def derive_trial_inputs(answers: dict[str, Any]) -> dict[str, Any]:
    """The matcher's inputs beyond the profile: where the person lives and the other countries
    they said they would travel to for a trial (ISO codes; the question is optional)."""
    about = answers.get("about") or {}
    country = about.get("country") or ""
    travel = [c for c in about.get("travel_countries") or () if isinstance(c, str) and c != country]
    return {"country": country, "travel_countries": sorted(set(travel))}
