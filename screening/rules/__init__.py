"""Navigator's rules module: pure Python, no Django.

`screen_patient(patient_dict)` validates a case-schema `patient` object and returns a verdict
for every product (eligible / needs_review / not_eligible), explained criterion by criterion,
with the facts still missing, the cautions a coordinator must see, and the ruleset version.
"""

from .batch import screen_cases
from .catalogue import Indication, Product
from .cautions import Caution
from .criteria import MET, NOT_MET, UNKNOWN
from .data import INDICATIONS, LABELS_AS_OF, PRODUCTS
from .engine import screen, screen_patient
from .facts import MissingFact
from .profile import FieldError, InvalidProfile, Profile, validate_patient
from .results import (
    ELIGIBLE,
    MEDICAL_ADVICE_NOTICE,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    VERDICTS,
    ScreeningResult,
)
from .ruleset import RULESET_VERSION
from .vocabulary import PRODUCT_KEYS

__all__ = [
    "ELIGIBLE",
    "INDICATIONS",
    "LABELS_AS_OF",
    "MEDICAL_ADVICE_NOTICE",
    "MET",
    "NEEDS_REVIEW",
    "NOT_ELIGIBLE",
    "NOT_MET",
    "PRODUCTS",
    "PRODUCT_KEYS",
    "RULESET_VERSION",
    "UNKNOWN",
    "VERDICTS",
    "Caution",
    "FieldError",
    "Indication",
    "InvalidProfile",
    "MissingFact",
    "Product",
    "Profile",
    "ScreeningResult",
    "screen",
    "screen_cases",
    "screen_patient",
    "validate_patient",
]
