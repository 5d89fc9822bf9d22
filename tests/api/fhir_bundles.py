"""Synthetic FHIR R4 bundles for the import tests (made up; nobody real)."""

from __future__ import annotations

from screening.intake.fhir.codes import (
    ICD10CM,
    INTERPRETATION,
    LOINC,
    NAVIGATOR_FACTS,
    NAVIGATOR_STATUS,
    RXNORM,
    SNOMED,
    TREATMENT_LINE_EXTENSION,
)

SUBJECT = {"reference": "Patient/p1"}
POSITIVE = {"coding": [{"system": SNOMED, "code": "10828004", "display": "Positive"}]}
NEGATIVE = {"coding": [{"system": SNOMED, "code": "260385009", "display": "Negative"}]}
DETECTED = {"coding": [{"system": SNOMED, "code": "260373001", "display": "Detected"}]}
NOT_DETECTED = {"coding": [{"system": SNOMED, "code": "260415000", "display": "Not detected"}]}


def patient(birth="1990-05-17", given="Alex", family="Tester"):
    return {
        "resourceType": "Patient",
        "id": "p1",
        "name": [{"given": [given], "family": family}],
        "birthDate": birth,
    }


def condition(system, code, rid="c1"):
    return {
        "resourceType": "Condition",
        "id": rid,
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": SUBJECT,
    }


def observation(rid, system, code, *, when="2026-10-01", **value):
    resource = {
        "resourceType": "Observation",
        "id": rid,
        "status": value.pop("status", "final"),
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": SUBJECT,
        "effectiveDateTime": when,
    }
    resource.update(value)
    return resource


def fact(rid, code, result, *, loinc=False, when="2026-10-01"):
    system = LOINC if loinc else NAVIGATOR_FACTS
    return observation(rid, system, code, when=when, valueCodeableConcept=result)


def interpreted(rid, loinc_code, interpretation, when="2026-10-01"):
    return observation(
        rid,
        LOINC,
        loinc_code,
        when=when,
        valueQuantity={
            "value": 62,
            "unit": "%",
            "system": "http://unitsofmeasure.org",
            "code": "%",
        },
        interpretation=[{"coding": [{"system": INTERPRETATION, "code": interpretation}]}],
    )


def status(rid, value, when="2026-10-15"):
    return observation(
        rid,
        NAVIGATOR_FACTS,
        "disease-status",
        when=when,
        valueCodeableConcept={"coding": [{"system": NAVIGATOR_STATUS, "code": value}]},
    )


def flag(rid, code, value: bool):
    return observation(rid, NAVIGATOR_FACTS, code, valueBoolean=value)


def mrd(rid, percent=None):
    if percent is None:
        return observation(rid, NAVIGATOR_FACTS, "mrd-percent", valueCodeableConcept=NOT_DETECTED)
    return observation(
        rid,
        NAVIGATOR_FACTS,
        "mrd-percent",
        valueQuantity={
            "value": percent,
            "unit": "%",
            "system": "http://unitsofmeasure.org",
            "code": "%",
        },
    )


def med(rid, drug, line, start, end=None, *, rxnorm=None, kind="MedicationStatement"):
    concept = {"text": drug}
    if rxnorm:
        concept["coding"] = [{"system": RXNORM, "code": rxnorm, "display": drug}]
    resource = {
        "resourceType": kind,
        "id": rid,
        "status": "completed",
        "medicationCodeableConcept": concept,
        "subject": SUBJECT,
        "effectivePeriod": {"start": start, **({"end": end} if end else {})},
    }
    if line is not None:
        resource["extension"] = [{"url": TREATMENT_LINE_EXTENSION, "valueString": str(line)}]
    return resource


def transplant(rid, code, when):
    return {
        "resourceType": "Procedure",
        "id": rid,
        "status": "completed",
        "code": {"coding": [{"system": SNOMED, "code": code}]},
        "subject": SUBJECT,
        "performedDateTime": when,
    }


def bundle(*resources, kind="collection"):
    entries = []
    for resource in resources:
        entry = {
            "fullUrl": f"urn:uuid:{resource['resourceType']}-{resource['id']}",
            "resource": resource,
        }
        if kind == "transaction":
            entry["request"] = {"method": "POST", "url": resource["resourceType"]}
        entries.append(entry)
    return {"resourceType": "Bundle", "type": kind, "entry": entries}


R_CHOP = [
    ("rituximab", "121191"),
    ("cyclophosphamide", "3002"),
    ("doxorubicin", "3639"),
    ("vincristine", "11202"),
    ("prednisone", "8640"),
]


def regimen(prefix, drugs, line, start, end=None):
    return [
        med(f"{prefix}-{index}", name, line, start, end, rxnorm=code)
        for index, (name, code) in enumerate(drugs)
    ]


BUNDLES = {
    # 1. B-ALL in first remission with MRD 0.5 %, CD19 and CD22 positive by flow, Ph-negative.
    "b_all_flow_mrd": bundle(
        patient("1994-03-02"),
        condition(SNOMED, "277571004"),
        interpreted("flow-cd19", "8117-4", "POS"),
        fact("flow-cd22", "cd22-expression", POSITIVE),
        fact("bcr-abl1", "46434-7", NOT_DETECTED, loinc=True),
        mrd("mrd-1", 0.5),
        status("status-1", "first_remission"),
        flag("consolidation", "in-consolidation-phase", True),
        *regimen(
            "hcvad",
            [("cyclophosphamide", "3002"), ("vincristine", "11202"), ("doxorubicin", "3639")],
            1,
            "2026-05-01",
            "2026-09-01",
        ),
        kind="transaction",
    ),
    # 2. DLBCL refractory to R-CHOP, not a transplant candidate (ICD-10-CM).
    "dlbcl_after_r_chop": bundle(
        patient("1961-11-20"),
        condition(ICD10CM, "C83.38"),
        status("status-1", "refractory"),
        flag("tx-eligible", "transplant-eligible", False),
        fact("cd19", "cd19-expression", POSITIVE),
        *regimen("rchop", R_CHOP, 1, "2025-09-01", "2026-01-01"),
    ),
    # 3. Myeloma after four lines, the fourth a BCMA bispecific; drugs outside the RxNorm
    # table arrive by name.
    "myeloma_four_lines_bispecific": bundle(
        patient("1955-07-09"),
        condition(SNOMED, "109989006"),
        status("status-1", "relapsed"),
        flag("len-refractory", "lenalidomide-refractory", True),
        fact("bcma", "bcma-expression", POSITIVE),
        *regimen(
            "vrd",
            [("bortezomib", "358258"), ("lenalidomide", "342369"), ("dexamethasone", "3264")],
            1,
            "2021-01-01",
            "2021-07-01",
        ),
        transplant("asct", "234336002", "2021-09-10"),
        med("dpd-1", "daratumumab", 2, "2022-06-01", "2023-05-01"),
        med("dpd-2", "pomalidomide", 2, "2022-06-01", "2023-05-01"),
        med("kd-1", "carfilzomib", 3, "2023-07-01", "2024-08-01"),
        med("tec-1", "teclistamab", 4, "2024-10-01", "2026-06-01", kind="MedicationAdministration"),
    ),
    # 4. AML with an NPM1 mutation, refractory, no satisfactory alternative.
    "aml_npm1": bundle(
        patient("1970-02-14"),
        condition(ICD10CM, "C92.00"),
        fact("npm1", "75034-9", DETECTED, loinc=True),
        fact("kmt2a", "kmt2a-translocation", NEGATIVE),
        status("status-1", "refractory"),
        flag("no-alt", "no-satisfactory-alternative", True),
        *regimen(
            "7p3", [("cytarabine", "3041"), ("daunorubicin", "3109")], 1, "2026-03-01", "2026-04-01"
        ),
        med("aza", "azacitidine", 2, "2026-05-01", "2026-09-01", rxnorm="1251"),
        med("ven", "venetoclax", 2, "2026-05-01", "2026-09-01"),
    ),
    # 5. Codes nobody here knows: everything they carry stays unknown.
    "unknown_codes": bundle(
        patient("1980-01-01"),
        condition(ICD10CM, "Z99.89"),
        observation("obs-7", LOINC, "12345-6", valueCodeableConcept=POSITIVE),
        transplant("proc-1", "80146002", "2020-01-01"),
    ),
    # 6. CLL after a BTK inhibitor and venetoclax: Breyanzi's CLL indication.
    "cll_btk_bcl2": bundle(
        patient("1950-12-12"),
        condition(SNOMED, "92814006"),
        status("status-1", "relapsed"),
        med("ibr", "ibrutinib", 1, "2020-01-01", "2023-01-01"),
        med("ven", "venetoclax", 2, "2023-03-01", "2025-03-01"),
        med("obi", "obinutuzumab", 2, "2023-03-01", "2023-09-01"),
    ),
    # 7. Mantle cell lymphoma whose medications carry no line: lines and drugs stay unknown.
    "mcl_unlined": bundle(
        patient("1958-06-30"),
        condition(SNOMED, "443487006"),
        status("status-1", "relapsed"),
        med("r-1", "rituximab", None, "2024-01-01", "2024-06-01", rxnorm="121191"),
        med("b-1", "bendamustine", None, "2024-01-01", "2024-06-01"),
    ),
    # 8. A child in second relapse of B-ALL after an allogeneic transplant; a CD19 percentage
    # alone is not read, and of two CD22 results the later counts.
    "child_b_all_second_relapse": bundle(
        patient("2016-08-08"),
        condition(SNOMED, "277571004"),
        observation(
            "cd19-pct",
            LOINC,
            "8117-4",
            valueQuantity={
                "value": 80,
                "unit": "%",
                "system": "http://unitsofmeasure.org",
                "code": "%",
            },
        ),
        fact("cd22-old", "cd22-expression", NEGATIVE, when="2025-01-01"),
        fact("cd22-new", "cd22-expression", POSITIVE, when="2026-09-01"),
        status("status-1", "second_or_later_relapse"),
        *regimen(
            "ind",
            [("vincristine", "11202"), ("methotrexate", "6851")],
            1,
            "2022-01-01",
            "2022-12-01",
        ),
        med("blin", "blinatumomab", 2, "2024-02-01", "2024-04-01"),
        transplant("allo", "444360002", "2024-06-01"),
        kind="transaction",
    ),
    # 9. Two conditions naming different diseases: the diagnosis stays unknown.
    "conflicting_diagnoses": bundle(
        patient("1975-04-04"),
        condition(SNOMED, "109969005", "c1"),
        condition(ICD10CM, "C90.00", "c2"),
        status("status-1", "relapsed"),
    ),
}
