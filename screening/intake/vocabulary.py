"""The intake's vocabulary: plain-words diseases and statuses, the questions each disease gets,
and the names of regimens and drugs people type, each mapped to the screening schema.

Data only (no Django, no logic beyond lookups): the forms offer these choices and the derivation
(screening/intake/derivation.py) reads them, so a new drug or disease is added in one place.
"""

from __future__ import annotations

from screening.rules.vocabulary import BIOMARKERS

# --- Diagnosis --------------------------------------------------------------------------------

# Plain-words disease key (what the form offers) -> schema diagnosis code, None = not sure.
DISEASES: dict[str, str | None] = {
    "b_all": "b_all",
    "t_all": "t_all",
    "all_unsure": None,
    "aml": "aml",
    "mpal": "mpal",
    "leukemia_unsure": None,
    "cll": "cll",
    "sll": "sll",
    "dlbcl": "dlbcl",
    "dlbcl_transformed": "dlbcl",
    "hgbcl": "hgbcl",
    "pmbcl": "pmbcl",
    "lbcl_other": "lbcl_other",
    "pcnsl": "pcnsl",
    "fl": "fl",
    "mcl": "mcl",
    "mzl": "mzl",
    "lymphoma_unsure": None,
    "mm": "mm",
    "unsure": None,
}

ALL_BIOMARKERS = tuple(BIOMARKERS)
_B_CELL_LYMPHOMA = ("cd19_positive",)
_ACUTE_LYMPHOBLASTIC = ("cd19_positive", "cd22_positive", "kmt2a_rearranged")

# The biomarkers asked for each disease key: only those some indication (or convention C6)
# reads for that disease. A "not sure" disease asks every marker that could apply.
RELEVANT_BIOMARKERS: dict[str, tuple[str, ...]] = {
    "b_all": (*_ACUTE_LYMPHOBLASTIC, "philadelphia_positive"),
    "t_all": _ACUTE_LYMPHOBLASTIC,
    "all_unsure": (*_ACUTE_LYMPHOBLASTIC, "philadelphia_positive"),
    "aml": ("kmt2a_rearranged", "npm1_mutated"),
    "mpal": (*_ACUTE_LYMPHOBLASTIC, "npm1_mutated", "philadelphia_positive"),
    "leukemia_unsure": (*_ACUTE_LYMPHOBLASTIC, "npm1_mutated", "philadelphia_positive"),
    "cll": _B_CELL_LYMPHOMA,
    "sll": _B_CELL_LYMPHOMA,
    "dlbcl": _B_CELL_LYMPHOMA,
    "dlbcl_transformed": _B_CELL_LYMPHOMA,
    "hgbcl": _B_CELL_LYMPHOMA,
    "pmbcl": _B_CELL_LYMPHOMA,
    "lbcl_other": _B_CELL_LYMPHOMA,
    "pcnsl": _B_CELL_LYMPHOMA,
    "fl": _B_CELL_LYMPHOMA,
    "mcl": _B_CELL_LYMPHOMA,
    "mzl": _B_CELL_LYMPHOMA,
    "lymphoma_unsure": _B_CELL_LYMPHOMA,
    "mm": ("bcma_positive",),
    "unsure": ALL_BIOMARKERS,
}

LBCL_DIAGNOSES = frozenset({"dlbcl", "hgbcl", "pmbcl", "lbcl_other", "pcnsl"})

# The "disease now" questions beyond the status itself, and the diagnoses they apply to.
STATUS_QUESTIONS: dict[str, frozenset[str]] = {
    "mrd": frozenset({"b_all"}),
    "in_consolidation_phase": frozenset({"b_all"}),
    "transplant_eligible": LBCL_DIAGNOSES,
    "lenalidomide_refractory": frozenset({"mm"}),
    "no_satisfactory_alternative": frozenset({"aml"}),
}


def status_questions(diagnosis: str | None) -> tuple[str, ...]:
    """The extra "disease now" questions that matter for this schema diagnosis."""
    return tuple(key for key, diagnoses in STATUS_QUESTIONS.items() if diagnosis in diagnoses)


# --- Disease now ------------------------------------------------------------------------------

STATUSES = (
    "newly_diagnosed",
    "first_remission",
    "second_remission",
    "relapsed",
    "second_or_later_relapse",
    "refractory",
    "relapsed_after_transplant",
    "unknown",
)
REMISSION_STATUSES = frozenset({"first_remission", "second_remission"})
RELAPSED_OR_REFRACTORY_STATUSES = frozenset(
    {"relapsed", "second_or_later_relapse", "refractory", "relapsed_after_transplant"}
)
# The statuses each "disease now" question is asked for, within the diagnoses above: MRD and
# consolidation read only in remission (Blincyto's MRD and consolidation indications), the
# others only where a relapsed or refractory indication reads them, and when the status is
# not known.
STATUS_QUESTION_STATES: dict[str, frozenset[str]] = {
    "mrd": REMISSION_STATUSES,
    "in_consolidation_phase": REMISSION_STATUSES,
    "transplant_eligible": RELAPSED_OR_REFRACTORY_STATUSES | {"unknown"},
    "lenalidomide_refractory": RELAPSED_OR_REFRACTORY_STATUSES | {"unknown"},
    "no_satisfactory_alternative": RELAPSED_OR_REFRACTORY_STATUSES | {"unknown"},
}
# Blincyto's MRD indication reads "MRD greater than or equal to 0.1%"; the schema's
# *_mrd_positive statuses are remission with MRD at or above that level.
MRD_POSITIVE_PERCENT = 0.1


# --- Treatment history ------------------------------------------------------------------------

# Regimen and drug names people often know better than drug classes. Matched on the whole name
# and on its parts (split at spaces, commas, +, /, brackets and "and"; hyphenated parts are
# also read on their own when at least 3 characters long, or 2 with a digit, like "R2"). Single
# letters are never read alone: "R" is rituximab in R-CHOP but lenalidomide in VRd.
_CHEMO_ANTHRA = ("chemotherapy", "anthracycline")
REGIMEN_CLASSES: dict[str, tuple[str, ...]] = {
    # Chemotherapy and chemoimmunotherapy
    "chemo": ("chemotherapy",),
    "chemotherapy": ("chemotherapy",),
    "r-chop": (*_CHEMO_ANTHRA, "anti_cd20"),
    "rchop": (*_CHEMO_ANTHRA, "anti_cd20"),
    "chop": _CHEMO_ANTHRA,
    "r-cvp": ("chemotherapy", "anti_cd20"),
    "cvp": ("chemotherapy",),
    "r-ice": ("chemotherapy", "anti_cd20"),
    "ice": ("chemotherapy",),
    "r-dhap": ("chemotherapy", "anti_cd20"),
    "r-gemox": ("chemotherapy", "anti_cd20"),
    "da-epoch-r": (*_CHEMO_ANTHRA, "anti_cd20"),
    "r-epoch": (*_CHEMO_ANTHRA, "anti_cd20"),
    "pola-r-chp": (*_CHEMO_ANTHRA, "anti_cd20"),
    "br": ("chemotherapy", "anti_cd20"),
    "r-benda": ("chemotherapy", "anti_cd20"),
    "r-bendamustine": ("chemotherapy", "anti_cd20"),
    "bendamustine": ("chemotherapy",),
    "fcr": ("chemotherapy", "anti_cd20"),
    "hyper-cvad": _CHEMO_ANTHRA,
    "7+3": _CHEMO_ANTHRA,
    "cytarabine": ("chemotherapy",),
    "methotrexate": ("chemotherapy",),
    "cyclophosphamide": ("chemotherapy",),
    "vincristine": ("chemotherapy",),
    "fludarabine": ("chemotherapy",),
    "melphalan": ("chemotherapy",),
    "doxorubicin": _CHEMO_ANTHRA,
    "daunorubicin": _CHEMO_ANTHRA,
    "idarubicin": _CHEMO_ANTHRA,
    # Antibodies and targeted drugs
    "rituximab": ("anti_cd20",),
    "obinutuzumab": ("anti_cd20",),
    "ibrutinib": ("btk_inhibitor",),
    "acalabrutinib": ("btk_inhibitor",),
    "zanubrutinib": ("btk_inhibitor",),
    "pirtobrutinib": ("btk_inhibitor",),
    "venetoclax": ("bcl2_inhibitor",),
    "lenalidomide": ("imid",),
    "revlimid": ("imid",),
    "pomalidomide": ("imid",),
    "thalidomide": ("imid",),
    "bortezomib": ("proteasome_inhibitor",),
    "velcade": ("proteasome_inhibitor",),
    "carfilzomib": ("proteasome_inhibitor",),
    "ixazomib": ("proteasome_inhibitor",),
    "vrd": ("proteasome_inhibitor", "imid"),
    "rvd": ("proteasome_inhibitor", "imid"),
    "kpd": ("proteasome_inhibitor", "imid"),
    "krd": ("proteasome_inhibitor", "imid"),
    "daratumumab": ("anti_cd38",),
    "isatuximab": ("anti_cd38",),
    "dara-vrd": ("anti_cd38", "proteasome_inhibitor", "imid"),
    "imatinib": ("tki",),
    "dasatinib": ("tki",),
    "nilotinib": ("tki",),
    "ponatinib": ("tki",),
    "bosutinib": ("tki",),
    "azacitidine": ("hypomethylating_agent",),
    "decitabine": ("hypomethylating_agent",),
    "blinatumomab": ("blinatumomab",),
    "blincyto": ("blinatumomab",),
    "inotuzumab": ("inotuzumab",),
    "besponsa": ("inotuzumab",),
    # CAR-T products
    "kymriah": ("cd19_car_t",),
    "tisagenlecleucel": ("cd19_car_t",),
    "yescarta": ("cd19_car_t",),
    "axicabtagene": ("cd19_car_t",),
    "breyanzi": ("cd19_car_t",),
    "lisocabtagene": ("cd19_car_t",),
    "tecartus": ("cd19_car_t",),
    "brexucabtagene": ("cd19_car_t",),
    "aucatzyl": ("cd19_car_t",),
    "obecabtagene": ("cd19_car_t",),
    "abecma": ("bcma_car_t",),
    "idecabtagene": ("bcma_car_t",),
    "carvykti": ("bcma_car_t",),
    "ciltacabtagene": ("bcma_car_t",),
    "tisa-cel": ("cd19_car_t",),
    "axi-cel": ("cd19_car_t",),
    "liso-cel": ("cd19_car_t",),
    "brexu-cel": ("cd19_car_t",),
    "obe-cel": ("cd19_car_t",),
    "ide-cel": ("bcma_car_t",),
    "cilta-cel": ("bcma_car_t",),
    # Bispecific antibodies, antibody-drug conjugates and menin inhibitors (December 2026), with
    # the short names people use ("Tec-Dara" reads as "tec" and "dara").
    "teclistamab": ("bcma_bispecific",),
    "tecvayli": ("bcma_bispecific",),
    "tec": ("bcma_bispecific",),
    "elranatamab": ("bcma_bispecific",),
    "elrexfio": ("bcma_bispecific",),
    "elra": ("bcma_bispecific",),
    "linvoseltamab": ("bcma_bispecific",),
    "lynozyfic": ("bcma_bispecific",),
    "linvo": ("bcma_bispecific",),
    "talquetamab": ("gprc5d_directed",),
    "talvey": ("gprc5d_directed",),
    "talq": ("gprc5d_directed",),
    "belantamab": ("bcma_adc",),
    "blenrep": ("bcma_adc",),
    "belamaf": ("bcma_adc",),
    "bvd": ("bcma_adc", "proteasome_inhibitor"),
    "bpd": ("bcma_adc", "imid"),
    "epcoritamab": ("cd20_bispecific",),
    "epkinly": ("cd20_bispecific",),
    "epcor": ("cd20_bispecific",),
    "glofitamab": ("cd20_bispecific",),
    "columvi": ("cd20_bispecific",),
    "glofit": ("cd20_bispecific",),
    "mosunetuzumab": ("cd20_bispecific",),
    "lunsumio": ("cd20_bispecific",),
    "mosun": ("cd20_bispecific",),
    "revumenib": ("menin_inhibitor",),
    "revuforj": ("menin_inhibitor",),
    "revu": ("menin_inhibitor",),
    "ziftomenib": ("menin_inhibitor",),
    "komzifti": ("menin_inhibitor",),
    "zifto": ("menin_inhibitor",),
    # Partner drugs of the 2026 combinations, and common myeloma regimens that contain them.
    "dara": ("anti_cd38",),
    "darzalex": ("anti_cd38",),
    "dpd": ("anti_cd38", "imid"),
    "dvd": ("anti_cd38", "proteasome_inhibitor"),
    "r2": ("imid", "anti_cd20"),
}

# The "other treatments" checkboxes -> the class each adds: "" when the schema has no class for
# it, None when the class cannot be known (a CAR-T of unknown target makes prior_therapies
# unknown rather than risk a wrong "no earlier CD19 CAR-T").
OTHER_TREATMENTS: dict[str, str | None] = {
    "cd19_car_t": "cd19_car_t",
    "bcma_car_t": "bcma_car_t",
    "car_t_unknown": None,
    "car_t_other": "",
    "blinatumomab": "blinatumomab",
    "bcma_bispecific": "bcma_bispecific",
    "gprc5d_directed": "gprc5d_directed",
    "cd20_bispecific": "cd20_bispecific",
    "bispecific_other": "",
    "inotuzumab": "inotuzumab",
    "bcma_adc": "bcma_adc",
    "adc_other": "",
    "menin_inhibitor": "menin_inhibitor",
}
TRANSPLANT_CLASSES = {"autologous": "autologous_sct", "allogeneic": "allogeneic_sct"}
