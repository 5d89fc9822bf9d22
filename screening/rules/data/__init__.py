"""The rule data: ten products and their 23 current US indications (labels as of Feb 2026)."""

from .indications import INDICATIONS
from .products import LABELS_AS_OF, PRODUCTS

__all__ = ["INDICATIONS", "LABELS_AS_OF", "PRODUCTS"]
