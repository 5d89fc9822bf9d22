"""Investigational programs: ClinicalTrials.gov study records matched against a profile.

Pure Python, no Django, like the label rules beside it. `ctgov.parse_study` reads a v2 study
object into a `StudyRecord`; `compile_trial` reads a record once (diagnoses, ages, category,
eligibility bullets); a `Catalogue` of compiled trials matches a `MatchInput` (the profile
plus the countries the person lives in and would travel to) into a `TrialResult` per trial:
a three-way verdict with every criterion, its outcome, its explanation and the text it came
from.
"""

from .category import CATEGORIES, derive_category
from .conditions import map_conditions
from .ctgov import ExportError, StudyError, load_export, parse_study
from .eligibility import split_criteria
from .matcher import (
    ELIGIBLE,
    FOR_TRIAL_TEAM,
    MATCHER_VERSION,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    TRIAL_NOTICE,
    Catalogue,
    CompiledTrial,
    TrialResult,
    compile_trial,
    match_trial,
)
from .record import OPEN_STATUSES, Intervention, Site, StudyRecord
from .structured import MatchInput

__all__ = [
    "CATEGORIES",
    "ELIGIBLE",
    "FOR_TRIAL_TEAM",
    "MATCHER_VERSION",
    "NEEDS_REVIEW",
    "NOT_ELIGIBLE",
    "OPEN_STATUSES",
    "TRIAL_NOTICE",
    "Catalogue",
    "CompiledTrial",
    "ExportError",
    "Intervention",
    "MatchInput",
    "Site",
    "StudyError",
    "StudyRecord",
    "TrialResult",
    "compile_trial",
    "derive_category",
    "load_export",
    "map_conditions",
    "match_trial",
    "parse_study",
    "split_criteria",
]
