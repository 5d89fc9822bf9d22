"""The code tables a FHIR bundle is read through: small, and only the codes this domain needs.

A code that is not in a table is reported as not recognised and its fact stays unknown;
nothing is inferred from a code's neighbours in its hierarchy. Each table names its source;
every code here was checked against it. Where a standard terminology has no single code for a
fact the screening needs (BCMA expression, a KMT2A translocation, a bone-marrow MRD level, the
disease status in the schema's words and the four status questions), Navigator's own code
system NAVIGATOR_FACTS is used, and the README documents it for integrators.
"""

from __future__ import annotations

from screening.intake.vocabulary import STATUSES

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
NAVIGATOR_FACTS = "urn:navigator:fhir:screening-fact"
NAVIGATOR_STATUS = "urn:navigator:fhir:disease-status"
TREATMENT_LINE_EXTENSION = "urn:navigator:fhir:treatment-line"

SYSTEM_NAMES = {
    ICD10CM: "ICD-10-CM",
    SNOMED: "SNOMED CT",
    LOINC: "LOINC",
    RXNORM: "RxNorm",
    NAVIGATOR_FACTS: "Navigator fact",
    NAVIGATOR_STATUS: "Navigator status",
}

# ICD-10-CM categories -> the intake's disease key. Source: ICD-10-CM Tabular List of
# Diseases and Injuries, FY2025 (CDC National Center for Health Statistics), chapter 2,
# C81-C96. A code matches its category and every subcode (C83.38 is C83.3). The fifth
# character of C90-C95 (remission, relapse) is not read: it does not say which remission or
# relapse, so the disease status stays a separate fact.
ICD10CM_DISEASES: dict[str, str] = {
    "C82.0": "fl",  # Follicular lymphoma grade I
    "C82.1": "fl",  # Follicular lymphoma grade II
    "C82.3": "fl",  # Follicular lymphoma grade IIIa
    "C83.1": "mcl",  # Mantle cell lymphoma
    "C83.3": "dlbcl",  # Diffuse large B-cell lymphoma
    "C85.2": "pmbcl",  # Mediastinal (thymic) large B-cell lymphoma
    "C88.4": "mzl",  # Extranodal marginal zone B-cell lymphoma [MALT-lymphoma]
    "C90.0": "mm",  # Multiple myeloma
    "C91.0": "all_unsure",  # Acute lymphoblastic leukemia [ALL]: B or T not stated
    "C91.1": "cll",  # Chronic lymphocytic leukemia of B-cell type
    "C92.0": "aml",  # Acute myeloblastic leukemia
}
# Recognised, and deliberately not mapped: the reason is reported.
ICD10CM_NOT_SCREENED: dict[str, str] = {
    "C82.2": "follicular lymphoma grade III, unspecified: grade 3A or 3B is not stated",
    "C82.4": "follicular lymphoma grade IIIb, which the screened labels treat apart from FL",
    "C82.9": "follicular lymphoma, unspecified grade: grade 3B is not ruled out",
}

# SNOMED CT disorders -> disease key. Source: SNOMED CT International Edition (SNOMED
# International browser), concept ids with their fully specified names.
SNOMED_DISEASES: dict[str, str] = {
    "277571004": "b_all",  # B-cell acute lymphoblastic leukemia (disorder)
    "91861009": "aml",  # Acute myeloid leukemia, disease (disorder)
    "92814006": "cll",  # Chronic lymphoid leukemia, disease (disorder)
    "109969005": "dlbcl",  # Diffuse large B-cell lymphoma (disorder)
    "109989006": "mm",  # Multiple myeloma (disorder)
    "443487006": "mcl",  # Mantle cell lymphoma (disorder)
}

# SNOMED CT procedures -> the intake's transplant kind. Same source.
SNOMED_TRANSPLANTS: dict[str, str] = {
    "234336002": "unknown",  # Hemopoietic stem cell transplant (procedure): kind not stated
    "444360002": "allogeneic",  # Allogeneic hematopoietic stem cell transplantation (procedure)
}

# Observation codes -> the screening fact they report. LOINC source: LOINC 2.80 (Regenstrief
# Institute), long common names. These LOINC terms report a result that must be read as
# positive / negative (see RESULT_VALUES); a bare percentage is not read as either.
LOINC_FACTS: dict[str, str] = {
    "8117-4": "cd19_positive",  # CD19 cells/100 cells in Blood
    "14017-8": "cd22_positive",  # CD22 cells/100 cells in Blood
    "75034-9": "npm1_mutated",  # NPM1 gene mutations found [Identifier] in Bone marrow
    "46434-7": "philadelphia_positive",  # t(9;22)(q34.1;q11)(ABL1,BCR) fusion transcript [Presence]
}
NAVIGATOR_FACT_CODES: dict[str, str] = {
    "cd19-expression": "cd19_positive",
    "cd22-expression": "cd22_positive",
    "bcma-expression": "bcma_positive",
    "kmt2a-translocation": "kmt2a_rearranged",  # a fusion/translocation; a PTD alone is false
    "npm1-mutation": "npm1_mutated",
    "bcr-abl1": "philadelphia_positive",
    "mrd-percent": "mrd",  # bone-marrow MRD: a % (valueQuantity) or not detected
    "disease-status": "status",  # valueCodeableConcept from NAVIGATOR_STATUS
    "in-consolidation-phase": "in_consolidation_phase",
    "transplant-eligible": "transplant_eligible",
    "lenalidomide-refractory": "lenalidomide_refractory",
    "no-satisfactory-alternative": "no_satisfactory_alternative",
}
# The disease statuses as the intake asks them (screening/intake/forms/status.py).
NAVIGATOR_STATUS_CODES = frozenset(STATUSES) - {"unknown"}

# Qualitative results -> True / False. Sources: SNOMED CT (qualifier values), LOINC answer
# lists (LA codes), HL7 v3 ObservationInterpretation.
RESULT_VALUES: dict[tuple[str, str], bool] = {
    (SNOMED, "10828004"): True,  # Positive (qualifier value)
    (SNOMED, "260385009"): False,  # Negative (qualifier value)
    (SNOMED, "260373001"): True,  # Detected (qualifier value)
    (SNOMED, "260415000"): False,  # Not detected (qualifier value)
    (LOINC, "LA6576-8"): True,  # Positive
    (LOINC, "LA6577-6"): False,  # Negative
    (LOINC, "LA11882-0"): True,  # Detected
    (LOINC, "LA11883-8"): False,  # Not detected
    (INTERPRETATION, "POS"): True,
    (INTERPRETATION, "NEG"): False,
    (INTERPRETATION, "DET"): True,
    (INTERPRETATION, "ND"): False,
}

# RxNorm ingredients -> (name the intake reads, drug classes of the intake's treatment lines).
# Source: RxNorm (U.S. National Library of Medicine), ingredient (TTY=IN) concepts. Drugs not
# here are still passed on by name (text or display), which the intake's own regimen table
# reads (screening/intake/derivation.py), exactly as for a name typed into the form.
RXNORM_DRUGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "121191": ("rituximab", ("anti_cd20",)),
    "3002": ("cyclophosphamide", ("chemotherapy",)),
    "3639": ("doxorubicin", ("chemotherapy", "anthracycline")),
    "3109": ("daunorubicin", ("chemotherapy", "anthracycline")),
    "11202": ("vincristine", ("chemotherapy",)),
    "3041": ("cytarabine", ("chemotherapy",)),
    "6851": ("methotrexate", ("chemotherapy",)),
    "8640": ("prednisone", ()),
    "3264": ("dexamethasone", ()),
    "358258": ("bortezomib", ("proteasome_inhibitor",)),
    "342369": ("lenalidomide", ("imid",)),
    "10432": ("thalidomide", ("imid",)),
    "282388": ("imatinib", ("tki",)),
    "1251": ("azacitidine", ("hypomethylating_agent",)),
}


def icd10cm_disease(code: str) -> tuple[str | None, str]:
    """(disease key or None, reason) for an ICD-10-CM code."""
    normal = (code or "").strip().upper()
    for category, disease in ICD10CM_DISEASES.items():
        if normal == category or normal.startswith(category):
            return disease, ""
    for category, reason in ICD10CM_NOT_SCREENED.items():
        if normal == category or normal.startswith(category):
            return None, reason
    return None, "not recognised"
