"""Criterion kinds: each reads a few profile facts and says `met`, `not_met` or `unknown`.

Indications are built from these as data (see `data/`). A criterion must be sound in three-valued
logic: it says `not_met` only when no value of the unknown facts could meet it, so filling in a
fact never rescues a `not_eligible` verdict. `evaluate` is the hot path and returns only the
outcome; explanations and missing facts are worked out when someone asks for them.
"""

from .base import MET, NOT_MET, UNKNOWN, Criterion
from .lbcl import FirstLineFailure
from .review import AntigenNotNegative, NoPriorSameTarget, WordingConfirmed
from .simple import (
    AgeAtLeast,
    AgeAtMost,
    AgeReviewBelow,
    DiagnosisIn,
    FactIs,
    LinesAtLeast,
    LinesExactly,
    MrdAtLeast,
    Received,
    StatusIn,
)

__all__ = [
    "MET",
    "NOT_MET",
    "UNKNOWN",
    "AgeAtLeast",
    "AgeAtMost",
    "AgeReviewBelow",
    "AntigenNotNegative",
    "Criterion",
    "DiagnosisIn",
    "FactIs",
    "FirstLineFailure",
    "LinesAtLeast",
    "LinesExactly",
    "MrdAtLeast",
    "NoPriorSameTarget",
    "Received",
    "StatusIn",
    "WordingConfirmed",
]
