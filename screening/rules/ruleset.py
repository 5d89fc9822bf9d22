"""The ruleset version: the labels' "as of" date plus a content hash of all rule data.

Stored with every result, it lets a saved screening be reproduced and shows when a rule change
would give a different answer. Any edit to products, indications, criteria, documents or
cautions changes the hash.
"""

import hashlib
import json

from .cautions import ALL_CAUTIONS
from .data import INDICATIONS, LABELS_AS_OF, PRODUCTS
from .facts import DOCUMENTS


def rule_data() -> dict:
    """Everything that decides or words a result, in a canonical, JSON-able form."""
    return {
        "labels_as_of": LABELS_AS_OF,
        "products": [product.to_dict() for product in PRODUCTS.values()],
        "indications": [indication.to_dict() for indication in INDICATIONS],
        "documents": DOCUMENTS,
        "cautions": [caution.to_dict() for caution in ALL_CAUTIONS],
    }


def ruleset_version(data: dict | None = None) -> str:
    canonical = json.dumps(data or rule_data(), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    return f"{LABELS_AS_OF}+{digest}"


RULESET_VERSION = ruleset_version()
