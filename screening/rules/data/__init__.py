"""The rule data: 19 products and their 35 current US indications (labels as of March 2026)."""

from .indications import INDICATIONS
from .products import LABELS_AS_OF, PRODUCTS

__all__ = ["INDICATIONS", "LABELS_AS_OF", "PRODUCTS"]
