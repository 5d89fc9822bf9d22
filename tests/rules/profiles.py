"""Factories for screening profiles, written from case-schema.md (not from the engine).

`make_patient(**overrides)` returns a complete, valid `patient` dict. Biomarkers are overridden
by key (`cd19_positive=False`), every other field by name. The disease helpers build cases that
meet every criterion of the indications named in their docstring, so a test can change one
fact and watch one verdict move.
"""

from __future__ import annotations

import copy
from typing import Any

BIOMARKER_KEYS = (
    "cd19_positive",
    "cd22_positive",
    "bcma_positive",
    "kmt2a_rearranged",
    "npm1_mutated",
    "philadelphia_positive",
)

SCHEMA_FIELDS = (
    "age_years",
    "diagnosis",
    "disease_status",
    "prior_lines",
    "prior_therapies",
    "biomarkers",
    "ecog",
    "mrd_percent",
    "relapse_within_12_months",
    "transplant_eligible",
    "lenalidomide_refractory",
    "in_consolidation_phase",
    "no_satisfactory_alternative",
)

OPTIONAL_FIELDS = ("active_infection", "cns_involvement")

DIAGNOSES = (
    "b_all",
    "t_all",
    "aml",
    "mpal",
    "cll",
    "sll",
    "dlbcl",
    "hgbcl",
    "pmbcl",
    "lbcl_other",
    "fl",
    "mcl",
    "mzl",
    "mm",
    "pcnsl",
)

DISEASE_STATUSES = (
    "newly_diagnosed",
    "first_remission",
    "first_remission_mrd_positive",
    "second_remission",
    "second_remission_mrd_positive",
    "relapsed",
    "second_or_later_relapse",
    "refractory",
    "relapsed_after_transplant",
)

RELAPSED_OR_REFRACTORY = (
    "relapsed",
    "second_or_later_relapse",
    "refractory",
    "relapsed_after_transplant",
)

REMISSION_STATUSES = (
    "first_remission",
    "first_remission_mrd_positive",
    "second_remission",
    "second_remission_mrd_positive",
)

NOT_RELAPSED_OR_REFRACTORY = ("newly_diagnosed", *REMISSION_STATUSES)

PRIOR_THERAPIES = (
    "chemotherapy",
    "anthracycline",
    "anti_cd20",
    "btk_inhibitor",
    "bcl2_inhibitor",
    "imid",
    "proteasome_inhibitor",
    "anti_cd38",
    "allogeneic_sct",
    "autologous_sct",
    "blinatumomab",
    "inotuzumab",
    "cd19_car_t",
    "bcma_car_t",
    "tki",
    "hypomethylating_agent",
    "bcma_bispecific",
    "bcma_adc",
    "gprc5d_directed",
    "cd20_bispecific",
    "menin_inhibitor",
)

PRODUCTS = (
    "kymriah",
    "yescarta",
    "breyanzi",
    "abecma",
    "carvykti",
    "tecartus",
    "besponsa",
    "revuforj",
    "blincyto",
    "aucatzyl",
    "komzifti",
    "tecvayli",
    "elrexfio",
    "talvey",
    "lynozyfic",
    "epkinly",
    "columvi",
    "lunsumio",
    "blenrep",
)

CAR_T_PRODUCTS = ("kymriah", "yescarta", "breyanzi", "abecma", "carvykti", "tecartus", "aucatzyl")
CD19_CAR_T_PRODUCTS = ("kymriah", "yescarta", "breyanzi", "tecartus", "aucatzyl")
BCMA_CAR_T_PRODUCTS = ("abecma", "carvykti")
BCMA_DIRECTED_PRODUCTS = ("abecma", "carvykti", "tecvayli", "elrexfio", "lynozyfic", "blenrep")
CD20_BISPECIFIC_PRODUCTS = ("epkinly", "columvi", "lunsumio")
# Bispecific T-cell engagers added in 2026 (their labels' boxed warnings name CRS).
STEP_UP_BISPECIFIC_PRODUCTS = (
    "tecvayli",
    "elrexfio",
    "talvey",
    "lynozyfic",
    *CD20_BISPECIFIC_PRODUCTS,
)
MENIN_INHIBITOR_PRODUCTS = ("revuforj", "komzifti")
# The same-target classes of C7/C15, by target.
BCMA_DIRECTED_THERAPIES = ("bcma_car_t", "bcma_bispecific", "bcma_adc")

INDICATIONS_BY_PRODUCT = {
    "kymriah": ("KYM-ALL", "KYM-LBCL", "KYM-FL"),
    "yescarta": ("YES-LBCL-2L", "YES-LBCL-3L", "YES-FL"),
    "breyanzi": ("BRE-LBCL-2L", "BRE-LBCL-3L", "BRE-CLL", "BRE-FL", "BRE-MCL", "BRE-MZL"),
    "abecma": ("ABE-MM",),
    "carvykti": ("CAR-MM",),
    "tecartus": ("TEC-MCL", "TEC-ALL"),
    "besponsa": ("BES-ALL",),
    "revuforj": ("REV-KMT2A", "REV-NPM1"),
    "blincyto": ("BLI-RR", "BLI-MRD", "BLI-CONS"),
    "aucatzyl": ("AUC-ALL",),
    "komzifti": ("ZIF-NPM1",),
    "tecvayli": ("TCV-MM-1L", "TCV-MM-4L"),
    "elrexfio": ("ELR-MM",),
    "talvey": ("TAL-MM",),
    "lynozyfic": ("LYN-MM",),
    "epkinly": ("EPK-LBCL", "EPK-FL", "EPK-FL-R2"),
    "columvi": ("COL-LBCL",),
    "lunsumio": ("LUN-FL",),
    "blenrep": ("BLE-MM",),
}

PRODUCT_OF_INDICATION = {
    indication: product
    for product, indications in INDICATIONS_BY_PRODUCT.items()
    for indication in indications
}


def _base() -> dict[str, Any]:
    """A neutral adult with untreated DLBCL: valid, and eligible for nothing."""
    return {
        "age_years": 40,
        "diagnosis": "dlbcl",
        "disease_status": "newly_diagnosed",
        "prior_lines": 0,
        "prior_therapies": [],
        "biomarkers": dict.fromkeys(BIOMARKER_KEYS),
        "ecog": 1,
        "mrd_percent": None,
        "relapse_within_12_months": None,
        "transplant_eligible": None,
        "lenalidomide_refractory": None,
        "in_consolidation_phase": None,
        "no_satisfactory_alternative": None,
    }


def make_patient(**overrides: Any) -> dict[str, Any]:
    """A complete schema `patient` dict; biomarker keys and field names can both be overridden.

    Passing `biomarkers=` replaces the whole object (use it to build malformed profiles);
    passing a biomarker key such as `cd22_positive=None` changes only that key.
    """
    patient = _base()
    biomarker_overrides = {k: overrides.pop(k) for k in list(overrides) if k in BIOMARKER_KEYS}
    for key, value in overrides.items():
        patient[key] = copy.deepcopy(value)
    if biomarker_overrides:
        patient["biomarkers"] = {**patient["biomarkers"], **biomarker_overrides}
    return patient


def without(patient: dict[str, Any], *fields: str) -> dict[str, Any]:
    """A copy of `patient` with top-level `fields` removed (for missing-field tests)."""
    result = copy.deepcopy(patient)
    for field in fields:
        del result[field]
    return result


# --- B-cell precursor ALL -------------------------------------------------------------------


def _b_all(**overrides: Any) -> dict[str, Any]:
    fields = {
        "diagnosis": "b_all",
        "prior_therapies": ["chemotherapy", "anthracycline"],
        "cd19_positive": True,
        "cd22_positive": True,
        "kmt2a_rearranged": False,
        "npm1_mutated": False,
        "philadelphia_positive": False,
    }
    fields.update(overrides)
    return make_patient(**fields)


def relapsed_b_all_adult(**overrides: Any) -> dict[str, Any]:
    """45-year-old, CD19+ CD22+ Ph- B-ALL in first relapse after one line.

    Meets TEC-ALL, AUC-ALL, BES-ALL and BLI-RR; KYM-ALL fails on age and first relapse.
    """
    fields = {"age_years": 45, "disease_status": "relapsed", "prior_lines": 1}
    fields.update(overrides)
    return _b_all(**fields)


def refractory_b_all_child(**overrides: Any) -> dict[str, Any]:
    """12-year-old, CD19+ CD22+ Ph- B-ALL in second relapse after two lines.

    Meets KYM-ALL, BES-ALL and BLI-RR.
    """
    fields = {"age_years": 12, "disease_status": "second_or_later_relapse", "prior_lines": 2}
    fields.update(overrides)
    return _b_all(**fields)


def mrd_positive_b_all(**overrides: Any) -> dict[str, Any]:
    """30-year-old, CD19+ B-ALL in first remission with MRD 0.5%, not in consolidation.

    Meets BLI-MRD only.
    """
    fields = {
        "age_years": 30,
        "disease_status": "first_remission_mrd_positive",
        "prior_lines": 1,
        "mrd_percent": 0.5,
        "in_consolidation_phase": False,
    }
    fields.update(overrides)
    return _b_all(**fields)


def consolidation_b_all(**overrides: Any) -> dict[str, Any]:
    """30-year-old, CD19+ Ph- B-ALL in first remission (MRD 0.01%), in consolidation.

    Meets BLI-CONS only (MRD below the BLI-MRD threshold).
    """
    fields = {
        "age_years": 30,
        "disease_status": "first_remission",
        "prior_lines": 1,
        "mrd_percent": 0.01,
        "in_consolidation_phase": True,
    }
    fields.update(overrides)
    return _b_all(**fields)


# --- Other acute leukemias (Revuforj) -------------------------------------------------------


def kmt2a_acute_leukemia(diagnosis: str = "aml", **overrides: Any) -> dict[str, Any]:
    """50-year-old relapsed acute leukemia with a KMT2A translocation, NPM1 wild-type.

    Meets REV-KMT2A for any lineage (b_all, t_all, aml, mpal).
    """
    fields = {
        "age_years": 50,
        "diagnosis": diagnosis,
        "disease_status": "relapsed",
        "prior_lines": 1,
        "prior_therapies": ["chemotherapy", "anthracycline"],
        "kmt2a_rearranged": True,
        "npm1_mutated": False,
    }
    fields.update(overrides)
    return make_patient(**fields)


def npm1_aml(**overrides: Any) -> dict[str, Any]:
    """50-year-old relapsed NPM1-mutated AML, no KMT2A translocation, no satisfactory alternative.

    Meets REV-NPM1 only.
    """
    fields = {
        "age_years": 50,
        "diagnosis": "aml",
        "disease_status": "relapsed",
        "prior_lines": 1,
        "prior_therapies": ["chemotherapy", "anthracycline", "hypomethylating_agent"],
        "kmt2a_rearranged": False,
        "npm1_mutated": True,
        "no_satisfactory_alternative": True,
    }
    fields.update(overrides)
    return make_patient(**fields)


# --- Lymphoma -------------------------------------------------------------------------------


def third_line_dlbcl(**overrides: Any) -> dict[str, Any]:
    """60-year-old DLBCL in second relapse after two lines (R-CHOP, then salvage).

    Meets KYM-LBCL, YES-LBCL-3L, BRE-LBCL-3L, EPK-LBCL and COL-LBCL; the 2L indications fail on
    the line count.
    """
    fields = {
        "age_years": 60,
        "diagnosis": "dlbcl",
        "disease_status": "second_or_later_relapse",
        "prior_lines": 2,
        "prior_therapies": ["chemotherapy", "anthracycline", "anti_cd20"],
        "transplant_eligible": True,
    }
    fields.update(overrides)
    return make_patient(**fields)


def second_line_dlbcl(**overrides: Any) -> dict[str, Any]:
    """62-year-old DLBCL refractory to first-line R-CHOP, transplant-eligible.

    Meets YES-LBCL-2L and BRE-LBCL-2L; the 3L indications and KYM-LBCL fail on the line count.
    """
    fields = {
        "age_years": 62,
        "diagnosis": "dlbcl",
        "disease_status": "refractory",
        "prior_lines": 1,
        "prior_therapies": ["chemotherapy", "anthracycline", "anti_cd20"],
        "transplant_eligible": True,
    }
    fields.update(overrides)
    return make_patient(**fields)


def rr_follicular_after_two_lines(**overrides: Any) -> dict[str, Any]:
    """60-year-old grade 2 FL in second relapse after two lines.

    Meets KYM-FL, YES-FL, BRE-FL, EPK-FL, EPK-FL-R2 and LUN-FL.
    """
    fields = {
        "age_years": 60,
        "diagnosis": "fl",
        "disease_status": "second_or_later_relapse",
        "prior_lines": 2,
        "prior_therapies": ["chemotherapy", "anthracycline", "anti_cd20"],
    }
    fields.update(overrides)
    return make_patient(**fields)


def rr_cll_after_btki_and_bcl2i(**overrides: Any) -> dict[str, Any]:
    """68-year-old CLL relapsed after ibrutinib, then venetoclax-rituximab. Meets BRE-CLL."""
    fields = {
        "age_years": 68,
        "diagnosis": "cll",
        "disease_status": "second_or_later_relapse",
        "prior_lines": 2,
        "prior_therapies": ["btk_inhibitor", "bcl2_inhibitor", "anti_cd20"],
    }
    fields.update(overrides)
    return make_patient(**fields)


def rr_mcl_after_btki(**overrides: Any) -> dict[str, Any]:
    """65-year-old MCL relapsed after BR, then a BTK inhibitor. Meets BRE-MCL and TEC-MCL."""
    fields = {
        "age_years": 65,
        "diagnosis": "mcl",
        "disease_status": "second_or_later_relapse",
        "prior_lines": 2,
        "prior_therapies": ["chemotherapy", "anti_cd20", "btk_inhibitor"],
    }
    fields.update(overrides)
    return make_patient(**fields)


def rr_mzl_after_two_lines(**overrides: Any) -> dict[str, Any]:
    """66-year-old MZL in second relapse after two lines. Meets BRE-MZL."""
    fields = {
        "age_years": 66,
        "diagnosis": "mzl",
        "disease_status": "second_or_later_relapse",
        "prior_lines": 2,
        "prior_therapies": ["chemotherapy", "anti_cd20"],
    }
    fields.update(overrides)
    return make_patient(**fields)


# --- Myeloma --------------------------------------------------------------------------------


def rr_myeloma_triple_exposed(**overrides: Any) -> dict[str, Any]:
    """63-year-old myeloma, refractory after two lines incl. IMiD, PI, anti-CD38; len-refractory.

    Meets ABE-MM, CAR-MM, TCV-MM-1L and BLE-MM; the four-line indications fail on the count.
    """
    fields = {
        "age_years": 63,
        "diagnosis": "mm",
        "disease_status": "refractory",
        "prior_lines": 2,
        "prior_therapies": ["imid", "proteasome_inhibitor", "anti_cd38", "autologous_sct"],
        "lenalidomide_refractory": True,
    }
    fields.update(overrides)
    return make_patient(**fields)


def rr_myeloma_after_one_line(**overrides: Any) -> dict[str, Any]:
    """61-year-old myeloma relapsed after one line (VRd, autologous transplant); not
    lenalidomide-refractory.

    Meets TCV-MM-1L only (with daratumumab); Carvykti fails on lenalidomide, Blenrep and Abecma
    on the line count.
    """
    fields = {
        "age_years": 61,
        "diagnosis": "mm",
        "disease_status": "relapsed",
        "prior_lines": 1,
        "prior_therapies": ["proteasome_inhibitor", "imid", "autologous_sct"],
        "lenalidomide_refractory": False,
    }
    fields.update(overrides)
    return make_patient(**fields)


def rr_myeloma_after_two_lines(**overrides: Any) -> dict[str, Any]:
    """64-year-old myeloma relapsed after two lines with a PI and an IMiD, never anti-CD38.

    Meets BLE-MM (with bortezomib and dexamethasone) and TCV-MM-1L; Abecma fails on anti-CD38.
    """
    fields = {
        "age_years": 64,
        "diagnosis": "mm",
        "disease_status": "second_or_later_relapse",
        "prior_lines": 2,
        "prior_therapies": ["proteasome_inhibitor", "imid"],
        "lenalidomide_refractory": False,
    }
    fields.update(overrides)
    return make_patient(**fields)


def rr_myeloma_four_lines(**overrides: Any) -> dict[str, Any]:
    """70-year-old myeloma refractory after four lines incl. PI, IMiD, anti-CD38; len-refractory.

    Meets TCV-MM-4L, ELR-MM, LYN-MM and TAL-MM (C16), and every other myeloma indication.
    """
    fields = {
        "age_years": 70,
        "diagnosis": "mm",
        "disease_status": "refractory",
        "prior_lines": 4,
        "prior_therapies": ["proteasome_inhibitor", "imid", "anti_cd38", "autologous_sct"],
        "lenalidomide_refractory": True,
    }
    fields.update(overrides)
    return make_patient(**fields)


def rr_npm1_aml_adult(**overrides: Any) -> dict[str, Any]:
    """58-year-old relapsed NPM1-mutated AML, no satisfactory alternative (REV-NPM1; ZIF-NPM1 is
    at most needs review, C18)."""
    return npm1_aml(**{"age_years": 58, **overrides})


# Every indication with a factory that meets all of its criteria. ZIF-NPM1 has none: its wording
# is not confirmed, so it is at most needs review (C18; tests/rules/test_boundaries_leukemia.py).
QUALIFYING_CASE = {
    "KYM-ALL": refractory_b_all_child,
    "KYM-LBCL": third_line_dlbcl,
    "KYM-FL": rr_follicular_after_two_lines,
    "YES-LBCL-2L": second_line_dlbcl,
    "YES-LBCL-3L": third_line_dlbcl,
    "YES-FL": rr_follicular_after_two_lines,
    "BRE-LBCL-2L": second_line_dlbcl,
    "BRE-LBCL-3L": third_line_dlbcl,
    "BRE-CLL": rr_cll_after_btki_and_bcl2i,
    "BRE-FL": rr_follicular_after_two_lines,
    "BRE-MCL": rr_mcl_after_btki,
    "BRE-MZL": rr_mzl_after_two_lines,
    "ABE-MM": rr_myeloma_triple_exposed,
    "CAR-MM": rr_myeloma_triple_exposed,
    "TEC-MCL": rr_mcl_after_btki,
    "TEC-ALL": relapsed_b_all_adult,
    "BES-ALL": relapsed_b_all_adult,
    "REV-KMT2A": kmt2a_acute_leukemia,
    "REV-NPM1": npm1_aml,
    "BLI-RR": relapsed_b_all_adult,
    "BLI-MRD": mrd_positive_b_all,
    "BLI-CONS": consolidation_b_all,
    "AUC-ALL": relapsed_b_all_adult,
    "TCV-MM-1L": rr_myeloma_after_one_line,
    "TCV-MM-4L": rr_myeloma_four_lines,
    "ELR-MM": rr_myeloma_four_lines,
    "LYN-MM": rr_myeloma_four_lines,
    "TAL-MM": rr_myeloma_four_lines,
    "BLE-MM": rr_myeloma_after_two_lines,
    "EPK-LBCL": third_line_dlbcl,
    "EPK-FL": rr_follicular_after_two_lines,
    "EPK-FL-R2": rr_follicular_after_two_lines,
    "COL-LBCL": third_line_dlbcl,
    "LUN-FL": rr_follicular_after_two_lines,
}
