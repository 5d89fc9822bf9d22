"""From intake answers to the screening profile (the case-schema `patient` object).

The intake asks in plain words; the rules read schema vocabulary. Everything that turns one
into the other lives here, in plain Python (no Django), so it is tested on its own:

- the disease chosen in plain words -> `diagnosis` (the "not sure" answers -> null);
- the status answers -> `disease_status` and `mrd_percent`;
- the treatment lines entered -> `prior_lines` (one per line; transplants and the "other
  treatments" checkboxes never add a line), `prior_therapies` (the union of the drug classes
  ticked, the classes of recognised regimen or drug names, the transplants and the other
  treatments), and `relapse_within_12_months` (LBCL only, from the first line's end month and
  relapse month);
- the date of birth -> `age_years` in completed years, with fractions for infants (C1).

Answers are the JSON-safe dicts the wizard stores on the case (`Case.intake`); months are
"YYYY-MM" strings and dates "YYYY-MM-DD".

`DERIVATION_VERSION` names this code: a hash of this module's source and of the vocabulary
it reads. A case stores the version its profile was derived with, so when the derivation
changes (a regimen added to the table, a bug fixed) every open case is derived again from
its stored answers and re-screened with a diff (screening/intake/rederive.py).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any

from screening.rules import vocabulary
from screening.rules.vocabulary import BIOMARKERS, PRIOR_THERAPIES


def derivation_version(*sources: Path) -> str:
    """'derive+' and 12 hex digits of the sha256 of these source files, in order."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return f"derive+{digest.hexdigest()[:12]}"


# Any edit to this module or to the vocabulary changes it; an edit that changes no output
# costs one pass over the open cases that finds nothing to re-screen.
DERIVATION_VERSION = derivation_version(Path(__file__), Path(vocabulary.__file__))

# --- Diagnosis --------------------------------------------------------------------------------

# Plain-words disease key (what the form offers) -> schema diagnosis code, None = not sure.
DISEASES: dict[str, str | None] = {
    "b_all": "b_all",
    "t_all": "t_all",
    "all_unsure": None,
    "aml": "aml",
    "mpal": "mpal",
    "leukemia_unsure": None,
    "cll": "cll",
    "sll": "sll",
    "dlbcl": "dlbcl",
    "dlbcl_transformed": "dlbcl",
    "hgbcl": "hgbcl",
    "pmbcl": "pmbcl",
    "lbcl_other": "lbcl_other",
    "pcnsl": "pcnsl",
    "fl": "fl",
    "mcl": "mcl",
    "mzl": "mzl",
    "lymphoma_unsure": None,
    "mm": "mm",
    "unsure": None,
}

ALL_BIOMARKERS = tuple(BIOMARKERS)
_B_CELL_LYMPHOMA = ("cd19_positive",)
_ACUTE_LYMPHOBLASTIC = ("cd19_positive", "cd22_positive", "kmt2a_rearranged")

# The biomarkers asked for each disease key: only those some indication (or convention C6)
# reads for that disease. A "not sure" disease asks every marker that could apply.
RELEVANT_BIOMARKERS: dict[str, tuple[str, ...]] = {
    "b_all": (*_ACUTE_LYMPHOBLASTIC, "philadelphia_positive"),
    "t_all": _ACUTE_LYMPHOBLASTIC,
    "all_unsure": (*_ACUTE_LYMPHOBLASTIC, "philadelphia_positive"),
    "aml": ("kmt2a_rearranged", "npm1_mutated"),
    "mpal": (*_ACUTE_LYMPHOBLASTIC, "npm1_mutated", "philadelphia_positive"),
    "leukemia_unsure": (*_ACUTE_LYMPHOBLASTIC, "npm1_mutated", "philadelphia_positive"),
    "cll": _B_CELL_LYMPHOMA,
    "sll": _B_CELL_LYMPHOMA,
    "dlbcl": _B_CELL_LYMPHOMA,
    "dlbcl_transformed": _B_CELL_LYMPHOMA,
    "hgbcl": _B_CELL_LYMPHOMA,
    "pmbcl": _B_CELL_LYMPHOMA,
    "lbcl_other": _B_CELL_LYMPHOMA,
    "pcnsl": _B_CELL_LYMPHOMA,
    "fl": _B_CELL_LYMPHOMA,
    "mcl": _B_CELL_LYMPHOMA,
    "mzl": _B_CELL_LYMPHOMA,
    "lymphoma_unsure": _B_CELL_LYMPHOMA,
    "mm": ("bcma_positive",),
    "unsure": ALL_BIOMARKERS,
}

LBCL_DIAGNOSES = frozenset({"dlbcl", "hgbcl", "pmbcl", "lbcl_other", "pcnsl"})

# The "disease now" questions beyond the status itself, and the diagnoses they apply to.
STATUS_QUESTIONS: dict[str, frozenset[str]] = {
    "mrd": frozenset({"b_all"}),
    "in_consolidation_phase": frozenset({"b_all"}),
    "transplant_eligible": LBCL_DIAGNOSES,
    "lenalidomide_refractory": frozenset({"mm"}),
    "no_satisfactory_alternative": frozenset({"aml"}),
}


def status_questions(diagnosis: str | None) -> tuple[str, ...]:
    """The extra "disease now" questions that matter for this schema diagnosis."""
    return tuple(key for key, diagnoses in STATUS_QUESTIONS.items() if diagnosis in diagnoses)


# --- Disease now ------------------------------------------------------------------------------

STATUSES = (
    "newly_diagnosed",
    "first_remission",
    "second_remission",
    "relapsed",
    "second_or_later_relapse",
    "refractory",
    "relapsed_after_transplant",
    "unknown",
)
REMISSION_STATUSES = frozenset({"first_remission", "second_remission"})
# Blincyto's MRD indication reads "MRD greater than or equal to 0.1%"; the schema's
# *_mrd_positive statuses are remission with MRD at or above that level.
MRD_POSITIVE_PERCENT = 0.1


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

# Regimen and drug names people often know better than drug classes. Matched on the whole name
# and on its parts (split at spaces, commas, +, /, brackets and "and"; hyphenated parts are
# also read on their own when at least 3 letters long). Single letters are never read alone:
# "R" is rituximab in R-CHOP but lenalidomide in VRd.
_CHEMO_ANTHRA = ("chemotherapy", "anthracycline")
REGIMEN_CLASSES: dict[str, tuple[str, ...]] = {
    # Chemotherapy and chemoimmunotherapy
    "chemo": ("chemotherapy",),
    "chemotherapy": ("chemotherapy",),
    "r-chop": (*_CHEMO_ANTHRA, "anti_cd20"),
    "rchop": (*_CHEMO_ANTHRA, "anti_cd20"),
    "chop": _CHEMO_ANTHRA,
    "r-cvp": ("chemotherapy", "anti_cd20"),
    "cvp": ("chemotherapy",),
    "r-ice": ("chemotherapy", "anti_cd20"),
    "ice": ("chemotherapy",),
    "r-dhap": ("chemotherapy", "anti_cd20"),
    "r-gemox": ("chemotherapy", "anti_cd20"),
    "da-epoch-r": (*_CHEMO_ANTHRA, "anti_cd20"),
    "r-epoch": (*_CHEMO_ANTHRA, "anti_cd20"),
    "pola-r-chp": (*_CHEMO_ANTHRA, "anti_cd20"),
    "br": ("chemotherapy", "anti_cd20"),
    "r-benda": ("chemotherapy", "anti_cd20"),
    "r-bendamustine": ("chemotherapy", "anti_cd20"),
    "bendamustine": ("chemotherapy",),
    "fcr": ("chemotherapy", "anti_cd20"),
    "hyper-cvad": _CHEMO_ANTHRA,
    "7+3": _CHEMO_ANTHRA,
    "cytarabine": ("chemotherapy",),
    "methotrexate": ("chemotherapy",),
    "cyclophosphamide": ("chemotherapy",),
    "vincristine": ("chemotherapy",),
    "fludarabine": ("chemotherapy",),
    "melphalan": ("chemotherapy",),
    "doxorubicin": _CHEMO_ANTHRA,
    "daunorubicin": _CHEMO_ANTHRA,
    "idarubicin": _CHEMO_ANTHRA,
    # Antibodies and targeted drugs
    "rituximab": ("anti_cd20",),
    "obinutuzumab": ("anti_cd20",),
    "ibrutinib": ("btk_inhibitor",),
    "acalabrutinib": ("btk_inhibitor",),
    "zanubrutinib": ("btk_inhibitor",),
    "pirtobrutinib": ("btk_inhibitor",),
    "venetoclax": ("bcl2_inhibitor",),
    "lenalidomide": ("imid",),
    "revlimid": ("imid",),
    "pomalidomide": ("imid",),
    "thalidomide": ("imid",),
    "bortezomib": ("proteasome_inhibitor",),
    "velcade": ("proteasome_inhibitor",),
    "carfilzomib": ("proteasome_inhibitor",),
    "ixazomib": ("proteasome_inhibitor",),
    "vrd": ("proteasome_inhibitor", "imid"),
    "rvd": ("proteasome_inhibitor", "imid"),
    "kpd": ("proteasome_inhibitor", "imid"),
    "krd": ("proteasome_inhibitor", "imid"),
    "daratumumab": ("anti_cd38",),
    "isatuximab": ("anti_cd38",),
    "dara-vrd": ("anti_cd38", "proteasome_inhibitor", "imid"),
    "imatinib": ("tki",),
    "dasatinib": ("tki",),
    "nilotinib": ("tki",),
    "ponatinib": ("tki",),
    "bosutinib": ("tki",),
    "azacitidine": ("hypomethylating_agent",),
    "decitabine": ("hypomethylating_agent",),
    "blinatumomab": ("blinatumomab",),
    "blincyto": ("blinatumomab",),
    "inotuzumab": ("inotuzumab",),
    "besponsa": ("inotuzumab",),
    # CAR-T products
    "kymriah": ("cd19_car_t",),
    "tisagenlecleucel": ("cd19_car_t",),
    "yescarta": ("cd19_car_t",),
    "axicabtagene": ("cd19_car_t",),
    "breyanzi": ("cd19_car_t",),
    "lisocabtagene": ("cd19_car_t",),
    "tecartus": ("cd19_car_t",),
    "brexucabtagene": ("cd19_car_t",),
    "aucatzyl": ("cd19_car_t",),
    "obecabtagene": ("cd19_car_t",),
    "abecma": ("bcma_car_t",),
    "idecabtagene": ("bcma_car_t",),
    "carvykti": ("bcma_car_t",),
    "ciltacabtagene": ("bcma_car_t",),
}

_SPLIT = re.compile(r"[\s,+/();&]+")

# The "other treatments" checkboxes -> the class each adds: "" when the schema has no class for
# it, None when the class cannot be known (a CAR-T of unknown target makes prior_therapies
# unknown rather than risk a wrong "no earlier CD19 CAR-T").
OTHER_TREATMENTS: dict[str, str | None] = {
    "cd19_car_t": "cd19_car_t",
    "bcma_car_t": "bcma_car_t",
    "car_t_unknown": None,
    "car_t_other": "",
    "blinatumomab": "blinatumomab",
    "inotuzumab": "inotuzumab",
    "bispecific_other": "",
    "adc_other": "",
}
TRANSPLANT_CLASSES = {"autologous": "autologous_sct", "allogeneic": "allogeneic_sct"}


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
                if len(piece) >= 3:
                    found.update(REGIMEN_CLASSES.get(piece, ()))
    if "7+3" in text.replace(" ", ""):  # "+" is a separator everywhere else
        found.update(REGIMEN_CLASSES["7+3"])
    return found


def line_classes(line: dict[str, Any]) -> set[str] | None:
    """The drug classes of one treatment line, or None when nobody could say which.

    The classes ticked and those of a recognised name are merged. A line with neither makes
    the whole history's classes unknown: a partial list could rule a product out wrongly.
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


def derive_treatment(
    treatment: dict[str, Any], diagnosis: str | None
) -> tuple[int | None, list[str] | None, bool | None]:
    """(prior_lines, prior_therapies, relapse_within_12_months) from the treatment answers."""
    had = treatment.get("had_treatment")
    if had == "no":
        return 0, [], None
    if had != "yes":
        # "Not sure": whatever is listed may be incomplete, so both stay unknown.
        return None, None, None
    lines = list(treatment.get("lines") or ())
    therapies: set[str] | None = set()
    for line in lines:
        classes = line_classes(line)
        therapies = None if classes is None or therapies is None else therapies | classes
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
    return (
        len(lines),
        None if therapies is None else sorted(therapies),
        relapse_within_12_months(lines, diagnosis),
    )


# --- Age --------------------------------------------------------------------------------------

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
    prior_lines, prior_therapies, relapse_flag = derive_treatment(
        answers.get("treatment") or {}, diagnosis
    )
    markers = diagnosis_answers.get("biomarkers") or {}
    asked_markers = RELEVANT_BIOMARKERS.get(diagnosis_answers.get("disease"), ())
    ecog = str(health.get("ecog"))

    def flag(key: str) -> bool | None:
        return tri_state(status_answers.get(key)) if key in asked else None

    return {
        "age_years": age,
        "diagnosis": diagnosis,
        "disease_status": disease_status,
        "prior_lines": prior_lines,
        "prior_therapies": prior_therapies,
        "biomarkers": {
            key: tri_state(markers.get(key)) if key in asked_markers else None for key in BIOMARKERS
        },
        "ecog": int(ecog) if ecog in {"0", "1", "2", "3", "4"} else None,
        "mrd_percent": mrd_percent,
        "relapse_within_12_months": relapse_flag,
        "transplant_eligible": flag("transplant_eligible"),
        "lenalidomide_refractory": flag("lenalidomide_refractory"),
        "in_consolidation_phase": flag("in_consolidation_phase"),
        "no_satisfactory_alternative": flag("no_satisfactory_alternative"),
        "active_infection": tri_state(health.get("active_infection")),
        "cns_involvement": tri_state(health.get("cns_involvement")),
    }


# --- Where trials may be offered ----------------------------------------------------------


def derive_trial_inputs(answers: dict[str, Any]) -> dict[str, Any]:
    """The matcher's inputs beyond the profile: where the person lives and the other countries
    they said they would travel to for a trial (ISO codes; the question is optional)."""
    about = answers.get("about") or {}
    country = about.get("country") or ""
    travel = [c for c in about.get("travel_countries") or () if isinstance(c, str) and c != country]
    return {"country": country, "travel_countries": sorted(set(travel))}
