"""The 35 current US indications of the 19 products, each as label wording plus criteria.

Facts and dates come from shared/domain/indications.md (labels as of February 2026) and
indications-update-2026-12.md, each confirmed fact cited in the indication's `sources`; the way
the wording turns into criteria follows the conventions C1-C18 of shared/domain/case-schema.md,
named in each criterion's `basis` where a convention rather than the label text decides.
Criteria run in the order listed, diagnosis first: an indication whose diagnosis is not covered
stops there. The indications live by disease family; this module puts them in the order of the
case schema's table of IDs.
"""

from .leukemia import LEUKEMIA_INDICATIONS
from .lymphoma import LYMPHOMA_INDICATIONS
from .myeloma import MYELOMA_INDICATIONS

ORDER = (
    "KYM-ALL", "KYM-LBCL", "KYM-FL", "YES-LBCL-2L", "YES-LBCL-3L", "YES-FL", "BRE-LBCL-2L",
    "BRE-LBCL-3L", "BRE-CLL", "BRE-FL", "BRE-MCL", "BRE-MZL", "ABE-MM", "CAR-MM", "TEC-MCL",
    "TEC-ALL", "BES-ALL", "REV-KMT2A", "REV-NPM1", "BLI-RR", "BLI-MRD", "BLI-CONS", "AUC-ALL",
    "ZIF-NPM1", "TCV-MM-1L", "TCV-MM-4L", "ELR-MM", "TAL-MM", "LYN-MM", "BLE-MM", "EPK-LBCL",
    "EPK-FL", "EPK-FL-R2", "COL-LBCL", "LUN-FL",
)  # fmt: skip

INDICATIONS = tuple(
    sorted(
        (*LEUKEMIA_INDICATIONS, *LYMPHOMA_INDICATIONS, *MYELOMA_INDICATIONS),
        key=lambda indication: ORDER.index(indication.id),
    )
)
