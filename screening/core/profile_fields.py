"""The screening profile field by field: what each field is called, which values it takes,
how a value reads in words, and how amendments lay over the profile derived from the intake.

Built from the rules' vocabulary (screening/rules/vocabulary.py, the case schema's
contract), so a field or value added there appears here, in the amendment form and in the
case file without another list to keep in step. No database access.

A field is named by its dotted schema path: `age_years`, `biomarkers.cd22_positive`,
`prior_therapies`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from screening.rules.profile import (
    MAX_AGE_YEARS,
    MAX_PRIOR_LINES,
    InvalidProfile,
    validate_patient,
)
from screening.rules.vocabulary import (
    BIOMARKERS,
    DIAGNOSES,
    DISEASE_STATUSES,
    FLAGS,
    OPTIONAL_FLAGS,
    PRIOR_THERAPIES,
)

# Field kinds, each with its own form widget and its own words.
NUMBER = "number"  # age_years, mrd_percent: a decimal in a range
WHOLE = "whole"  # prior_lines, ecog: a whole number in a range
CHOICE = "choice"  # diagnosis, disease_status: one value of a vocabulary
CLASSES = "classes"  # prior_therapies: a set of vocabulary values (or unknown)
YES_NO = "yes_no"  # biomarkers and flags: true / false / unknown
LINES = "lines"  # unrecognised_lines: treatment line numbers (derived, never amended)


@dataclass(frozen=True)
class ProfileField:
    path: str
    label: str
    kind: str
    choices: dict[str, str] | None = None  # vocabulary value -> words (CHOICE, CLASSES)
    low: float | None = None
    high: float | None = None
    unit: str = ""
    # Words for true / false (YES_NO), e.g. ("present", "absent").
    yes_no_words: tuple[str, str] = ("yes", "no")
    # Short phrases for a timeline's "because …": "CD22 positive" / "CD22 negative".
    yes_no_phrases: tuple[str, str] | None = None

    @property
    def key(self) -> str:
        """The last part of the path, the name the rules' missing facts use."""
        return self.path.rsplit(".", 1)[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# The names coordinators use for each diagnosis code (the queue, its filter, priority reasons).
DISEASE_SHORT = {
    "b_all": "B-ALL",
    "t_all": "T-ALL",
    "aml": "AML",
    "mpal": "MPAL",
    "cll": "CLL",
    "sll": "SLL",
    "dlbcl": "DLBCL",
    "hgbcl": "HGBCL",
    "pmbcl": "PMBCL",
    "lbcl_other": "LBCL (other)",
    "fl": "FL",
    "mcl": "MCL",
    "mzl": "MZL",
    "mm": "Myeloma",
    "pcnsl": "PCNSL",
    "unsure": gettext_lazy("Not sure"),
}

# How a biomarker reads in a sentence, true first: "CD22 positive" / "CD22 negative".
BIOMARKER_PHRASES = {
    "cd19_positive": ("CD19 positive", "CD19 negative"),
    "cd22_positive": ("CD22 positive", "CD22 negative"),
    "bcma_positive": ("BCMA positive", "BCMA negative"),
    "kmt2a_rearranged": ("KMT2A rearranged", "no KMT2A rearrangement"),
    "npm1_mutated": ("NPM1 mutated", "NPM1 not mutated"),
    "philadelphia_positive": ("Philadelphia positive", "Philadelphia negative"),
}


def _fields() -> dict[str, ProfileField]:
    fields = [
        ProfileField("age_years", "Age", NUMBER, low=0, high=MAX_AGE_YEARS, unit="years"),
        ProfileField("diagnosis", "Diagnosis", CHOICE, choices=DIAGNOSES),
        ProfileField("disease_status", "Disease status", CHOICE, choices=DISEASE_STATUSES),
        ProfileField(
            "prior_lines",
            "Prior lines of systemic therapy",
            WHOLE,
            low=0,
            high=MAX_PRIOR_LINES,
        ),
        ProfileField("prior_therapies", "Treatments received", CLASSES, choices=PRIOR_THERAPIES),
    ]
    for key, name in BIOMARKERS.items():
        fields.append(
            ProfileField(
                f"biomarkers.{key}",
                _capital(name),
                YES_NO,
                yes_no_words=("present", "absent"),
                yes_no_phrases=BIOMARKER_PHRASES.get(key),
            )
        )
    fields += [
        ProfileField("ecog", "ECOG performance status", WHOLE, low=0, high=4),
        ProfileField("mrd_percent", "Bone marrow MRD", NUMBER, low=0, high=100, unit="%"),
    ]
    for key, name in {**FLAGS, **OPTIONAL_FLAGS}.items():
        fields.append(ProfileField(key, _capital(name), YES_NO))
    # Navigator's own: read by trials' "no prior CAR-T", never by a label (rules/profile.py).
    fields.append(ProfileField("other_car_t", "Another CAR-T therapy (target not named)", YES_NO))
    return {field.path: field for field in fields}


PROFILE_FIELDS: dict[str, ProfileField] = _fields()
# Fields the derivation writes that a coordinator does not amend: recording the treatments
# received settles the lines the intake could not read (see apply_amendments). They count as
# changes of the profile when the answers are derived again.
DERIVED_FIELDS: dict[str, ProfileField] = {
    "unrecognised_lines": ProfileField(
        "unrecognised_lines", "Treatment lines not recognised", LINES
    ),
}

# The rules name missing facts by their last part (`cd22_positive`), and one by a fact that
# is not a field of its own: the relapse count is read from the disease status.
_FIELD_OF_MISSING_FACT = {field.key: path for path, field in PROFILE_FIELDS.items()}
_FIELD_OF_MISSING_FACT["relapse_count"] = "disease_status"
# A treatment line the intake could not read is settled by recording the treatments received.
_FIELD_OF_MISSING_FACT["unrecognised_lines"] = "prior_therapies"


def field_of_missing_fact(name: str) -> str | None:
    """The profile path that settles a missing fact of the rules (`cd22_positive` →
    `biomarkers.cd22_positive`, `relapse_count` → `disease_status`)."""
    return _FIELD_OF_MISSING_FACT.get(name)


def profile_field(path: str) -> ProfileField:
    """The field at this path; KeyError for a path the schema does not have."""
    return PROFILE_FIELDS[path] if path in PROFILE_FIELDS else DERIVED_FIELDS[path]


# --- Reading and writing by path --------------------------------------------------------------

_MISSING = object()


def get_value(profile: dict, path: str) -> Any:
    """The value at a dotted path (None when absent: unknown)."""
    node: Any = profile or {}
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part, _MISSING)
        if node is _MISSING:
            return None
    return node


def set_value(profile: dict, path: str, value: Any) -> dict:
    """A copy of the profile with the value at `path` replaced."""
    updated = copy.deepcopy(profile or {})
    node = updated
    parts = path.split(".")
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value
    return updated


def normalise(path: str, value: Any) -> Any:
    """The stored form of a value: prior therapies as a sorted list without repeats."""
    if path == "prior_therapies" and isinstance(value, (list, tuple, set, frozenset)):
        return sorted(set(value))
    if isinstance(value, float) and PROFILE_FIELDS.get(path, None) is not None:
        if PROFILE_FIELDS[path].kind == WHOLE and value.is_integer():
            return int(value)
    return value


def check_value(profile: dict, path: str, value: Any) -> list[str]:
    """The rules' own messages for this value at this path, given the rest of the profile
    (empty when the value is acceptable). A path outside the schema is refused too."""
    if path not in PROFILE_FIELDS:
        return [f"{path}: is not a field of the screening profile."]
    try:
        validate_patient(set_value(profile, path, value))
    except InvalidProfile as exc:
        # Only this field's messages: another field's problem is not this amendment's.
        return [
            error.message
            for error in exc.errors
            if error.field == path or error.field.startswith(f"{path}[")
        ]
    return []


# --- Words -----------------------------------------------------------------------------------


def describe_value(path: str, value: Any) -> str:
    """A value as a coordinator reads it: 'present', 'in first relapse', '0.12 %', 'unknown'."""
    field = PROFILE_FIELDS.get(path) or DERIVED_FIELDS.get(path)
    if value is None:
        return "unknown"
    if field is None:
        return str(value)
    if field.kind == YES_NO:
        return field.yes_no_words[0] if value else field.yes_no_words[1]
    if field.kind == CHOICE:
        return field.choices.get(value, str(value))
    if field.kind == CLASSES:
        if not value:
            return "none"
        return "; ".join(field.choices.get(item, str(item)) for item in value)
    if field.kind == LINES:
        return ", ".join(str(number) for number in value) if value else "none"
    if field.kind == NUMBER:
        number = f"{value:g}" if isinstance(value, (int, float)) else str(value)
        if path == "age_years" and isinstance(value, (int, float)) and 0 < value < 1:
            return f"{round(value * 12)} months"
        return f"{number} {field.unit}".strip()
    return str(value)


def describe_fact(path: str, value: Any) -> str:
    """A fact as a short phrase for a sentence: 'CD22 positive', 'MRD 0.12 %',
    'disease status: in first relapse'."""
    field = PROFILE_FIELDS.get(path) or DERIVED_FIELDS.get(path)
    if field is not None and field.kind == YES_NO and field.yes_no_phrases and value is not None:
        return field.yes_no_phrases[0] if value else field.yes_no_phrases[1]
    if path == "mrd_percent" and value is not None:
        return f"MRD {describe_value(path, value)}"
    label = field.label if field is not None else path
    if label[1:2].islower():  # "Age" reads "age" mid-sentence; "CD19 expression" stays
        label = label[:1].lower() + label[1:]
    return f"{label}: {describe_value(path, value)}"


# --- Amendments over the intake profile ------------------------------------------------------


def apply_amendments(base: dict, amendments) -> dict:
    """The profile the rules read: the intake profile with each active amendment laid over it
    in the order they were made (`amendments` yields (path, value) pairs, oldest first)."""
    profile = copy.deepcopy(base or {})
    for path, value in amendments:
        profile = set_value(profile, path, value)
        if path == "prior_therapies" and profile.get("unrecognised_lines"):
            # The coordinator recorded the whole history from a named source, so the lines the
            # intake could not read are read now.
            profile["unrecognised_lines"] = []
    return profile


def changed_fields(before: dict, after: dict) -> dict[str, tuple[Any, Any]]:
    """Path → (old, new) for every schema field whose value differs (an absent
    `unrecognised_lines` reads as none)."""
    changes = {
        path: (get_value(before, path), get_value(after, path))
        for path in PROFILE_FIELDS
        if get_value(before, path) != get_value(after, path)
    }
    for path in DERIVED_FIELDS:
        old, new = get_value(before, path) or [], get_value(after, path) or []
        if old != new:
            changes[path] = (old, new)
    return changes
