"""Indication groups the boundary tests run over, written from case-schema.md (not the engine)."""

from __future__ import annotations

from tests.rules.profiles import (
    BCMA_DIRECTED_PRODUCTS,
    BIOMARKER_KEYS,
    CD19_CAR_T_PRODUCTS,
    CD20_BISPECIFIC_PRODUCTS,
    PRODUCT_OF_INDICATION,
    QUALIFYING_CASE,
    SCHEMA_FIELDS,
)

# Every indication with a qualifying case (ZIF-NPM1 has none: at most needs review, C18).
ALL_INDICATIONS = sorted(QUALIFYING_CASE)
CD19_CAR_T_INDICATIONS = [
    i for i in ALL_INDICATIONS if PRODUCT_OF_INDICATION[i] in CD19_CAR_T_PRODUCTS
]
BCMA_CAR_T_INDICATIONS = ["ABE-MM", "CAR-MM"]
CAR_T_INDICATIONS = CD19_CAR_T_INDICATIONS + BCMA_CAR_T_INDICATIONS
BCMA_DIRECTED_INDICATIONS = [
    i for i in ALL_INDICATIONS if PRODUCT_OF_INDICATION[i] in BCMA_DIRECTED_PRODUCTS
]
CD20_BISPECIFIC_INDICATIONS = [
    i for i in ALL_INDICATIONS if PRODUCT_OF_INDICATION[i] in CD20_BISPECIFIC_PRODUCTS
]
FOUR_LINE_MYELOMA = ["TCV-MM-4L", "ELR-MM", "LYN-MM", "TAL-MM"]
MYELOMA_INDICATIONS = ["ABE-MM", "CAR-MM", "TCV-MM-1L", "BLE-MM", *FOUR_LINE_MYELOMA]
ADULT_INDICATIONS = [
    "KYM-LBCL",
    "KYM-FL",
    "YES-LBCL-2L",
    "YES-LBCL-3L",
    "YES-FL",
    "BRE-LBCL-2L",
    "BRE-LBCL-3L",
    "BRE-CLL",
    "BRE-FL",
    "BRE-MCL",
    "BRE-MZL",
    "TEC-MCL",
    "TEC-ALL",
    "AUC-ALL",
    *MYELOMA_INDICATIONS,
    *CD20_BISPECIFIC_INDICATIONS,
]
AT_LEAST_TWO_LINES = [
    "KYM-LBCL",
    "KYM-FL",
    "YES-LBCL-3L",
    "YES-FL",
    "BRE-LBCL-3L",
    "BRE-CLL",
    "BRE-FL",
    "BRE-MCL",
    "BRE-MZL",
    "ABE-MM",
    "BLE-MM",
    "EPK-LBCL",
    "EPK-FL",
    "COL-LBCL",
    "LUN-FL",
]
AT_LEAST_ONE_LINE = ["CAR-MM", "TCV-MM-1L"]
SECOND_LINE_LBCL = ["YES-LBCL-2L", "BRE-LBCL-2L"]
NO_LINE_COUNT = [
    "KYM-ALL",
    "TEC-MCL",
    "TEC-ALL",
    "BES-ALL",
    "REV-KMT2A",
    "REV-NPM1",
    "BLI-RR",
    "BLI-MRD",
    "BLI-CONS",
    "AUC-ALL",
    "EPK-FL-R2",
]
# The drug classes each indication's label requires (C4, C16).
REQUIRED_CLASSES = {
    "BRE-CLL": ("btk_inhibitor", "bcl2_inhibitor"),
    "BRE-MCL": ("btk_inhibitor",),
    "ABE-MM": ("imid", "proteasome_inhibitor", "anti_cd38"),
    "CAR-MM": ("proteasome_inhibitor", "imid"),
    "TCV-MM-1L": ("proteasome_inhibitor", "imid"),
    "BLE-MM": ("proteasome_inhibitor", "imid"),
    **dict.fromkeys(FOUR_LINE_MYELOMA, ("proteasome_inhibitor", "imid", "anti_cd38")),
}
CLASS_REQUIRING = sorted(REQUIRED_CLASSES)
# R/R indications whose setting is the disease status alone (the 2L LBCL ones add a line count).
RELAPSED_OR_REFRACTORY_INDICATIONS = [
    i for i in ALL_INDICATIONS if i not in ("BLI-MRD", "BLI-CONS", *SECOND_LINE_LBCL)
]
ALL_INDICATIONS_FOR_B_ALL = ["KYM-ALL", "TEC-ALL", "AUC-ALL", "BES-ALL", "BLI-RR"]

KNOWN_MISSING_FIELDS = {
    *SCHEMA_FIELDS,
    *BIOMARKER_KEYS,
    "relapse_count",
    "unrecognised_lines",
} - {"biomarkers", "ecog"}
CAUTION_CODES = {
    "car_t_center",
    "car_t_manufacturing",
    "tecartus_age_70",
    "inotuzumab_hepatotoxicity",
    "bispecific_step_up",
    "differentiation_syndrome",
    "ecog_3_4",
    "active_infection",
    "cns_involvement",
}
