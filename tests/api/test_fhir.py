"""FHIR R4 bundles: mapped to the expected profile and verdicts; malformed ones refused."""

from __future__ import annotations

import copy

import pytest

from screening.models import ApiSubmission, Case
from screening.rules import screen_patient
from tests.api.conftest import errors
from tests.api.documents import CONSENT, CONTACT
from tests.api.fhir_bundles import BUNDLES, bundle, condition, patient

pytestmark = pytest.mark.django_db

# bundle -> (profile facts, verdicts expected)
EXPECTED = {
    "b_all_flow_mrd": (
        {
            "diagnosis": "b_all",
            "disease_status": "first_remission_mrd_positive",
            "mrd_percent": 0.5,
            "prior_lines": 1,
            "prior_therapies": ["anthracycline", "chemotherapy"],
            "biomarkers.cd19_positive": True,
            "biomarkers.cd22_positive": True,
            "biomarkers.philadelphia_positive": False,
            "in_consolidation_phase": True,
        },
        {"blincyto": "eligible", "besponsa": "not_eligible", "kymriah": "not_eligible"},
    ),
    "dlbcl_after_r_chop": (
        {
            "diagnosis": "dlbcl",
            "disease_status": "refractory",
            "prior_lines": 1,
            "prior_therapies": ["anthracycline", "anti_cd20", "chemotherapy"],
            "transplant_eligible": False,
            "biomarkers.cd19_positive": True,
        },
        {"yescarta": "eligible", "breyanzi": "eligible", "kymriah": "not_eligible"},
    ),
    "myeloma_four_lines_bispecific": (
        {
            "diagnosis": "mm",
            "disease_status": "relapsed",
            "prior_lines": 4,
            "lenalidomide_refractory": True,
            "biomarkers.bcma_positive": True,
            # The bispecific's line is recognised (teclistamab: a BCMA bispecific); an earlier
            # BCMA bispecific turns the BCMA-directed products into a review (C15).
            "prior_therapies": ["anti_cd38", "bcma_bispecific", "imid", "proteasome_inhibitor"],
        },
        {"abecma": "needs_review", "carvykti": "needs_review", "kymriah": "not_eligible"},
    ),
    "aml_npm1": (
        {
            "diagnosis": "aml",
            "disease_status": "refractory",
            "prior_lines": 2,
            "biomarkers.npm1_mutated": True,
            "biomarkers.kmt2a_rearranged": False,
            "no_satisfactory_alternative": True,
        },
        {"revuforj": "eligible", "kymriah": "not_eligible"},
    ),
    "unknown_codes": (
        {"diagnosis": None, "disease_status": None, "prior_lines": None, "prior_therapies": None},
        {"kymriah": "needs_review", "abecma": "needs_review"},
    ),
    "cll_btk_bcl2": (
        {
            "diagnosis": "cll",
            "disease_status": "relapsed",
            "prior_lines": 2,
            "prior_therapies": ["anti_cd20", "bcl2_inhibitor", "btk_inhibitor"],
        },
        {"breyanzi": "eligible", "abecma": "not_eligible"},
    ),
    "mcl_unlined": (
        {"diagnosis": "mcl", "prior_lines": None, "prior_therapies": None},
        {"tecartus": "eligible", "breyanzi": "needs_review"},
    ),
    "child_b_all_second_relapse": (
        {
            "diagnosis": "b_all",
            "disease_status": "second_or_later_relapse",
            "age_years": 10,
            "prior_lines": 2,
            "prior_therapies": ["allogeneic_sct", "blinatumomab", "chemotherapy"],
            "biomarkers.cd19_positive": None,
            "biomarkers.cd22_positive": True,
        },
        {"kymriah": "eligible", "besponsa": "eligible"},
    ),
    "conflicting_diagnoses": ({"diagnosis": None}, {"yescarta": "needs_review"}),
}


def wrapped(fhir_bundle) -> dict:
    return {"bundle": fhir_bundle, "contact": CONTACT, "consent": CONSENT}


def fact_of(profile, dotted):
    value = profile
    for part in dotted.split("."):
        value = value[part]
    return value


def test_there_are_at_least_eight_bundles_and_each_is_checked():
    assert len(BUNDLES) >= 8 and set(EXPECTED) == set(BUNDLES)


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_each_bundle_maps_to_the_expected_profile_and_verdicts(api, name):
    response = api.post("/api/v1/cases/fhir", wrapped(copy.deepcopy(BUNDLES[name])))
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(reference=body["reference"])
    facts, verdicts = EXPECTED[name]
    for dotted, expected in facts.items():
        assert fact_of(case.profile, dotted) == expected, dotted
    screened = screen_patient(case.profile).verdicts()
    assert {key: screened[key] for key in verdicts} == verdicts
    submission = ApiSubmission.objects.get(case=case)
    assert submission.source == "fhir"
    assert submission.mapping == {"mapped": body["mapped"], "not_mapped": body["not_mapped"]}
    assert any(line.startswith("Patient/p1: date of birth") for line in body["mapped"])


def test_unknown_codes_are_listed_as_not_mapped(api):
    body = api.post("/api/v1/cases/fhir", wrapped(BUNDLES["unknown_codes"])).json()
    assert "Observation/obs-7: LOINC 12345-6 not recognised" in body["not_mapped"]
    assert "Condition/c1: ICD-10-CM Z99.89 not recognised" in body["not_mapped"]
    assert "Procedure/proc-1: SNOMED CT 80146002 not recognised" in body["not_mapped"]


def test_results_that_do_not_say_positive_or_negative_and_older_results_are_reported(api):
    body = api.post("/api/v1/cases/fhir", wrapped(BUNDLES["child_b_all_second_relapse"])).json()
    not_mapped = "\n".join(body["not_mapped"])
    assert "Observation/cd19-pct: LOINC 8117-4 does not say positive or negative" in not_mapped
    assert "Observation/cd22-old" in not_mapped and "superseded" in not_mapped


def test_medications_without_a_line_leave_the_history_unknown_and_say_why(api):
    body = api.post("/api/v1/cases/fhir", wrapped(BUNDLES["mcl_unlined"])).json()
    assert any("treatment-line extension" in line for line in body["not_mapped"])


def test_the_fhir_json_media_type_is_accepted(api):
    response = api.post(
        "/api/v1/cases/fhir",
        wrapped(BUNDLES["aml_npm1"]),
        content_type="application/fhir+json",
    )
    assert response.status_code == 201


def _without_patient():
    return bundle(condition("http://snomed.info/sct", "109969005"))


def _two_patients():
    second = patient()
    second["id"] = "p2"
    return bundle(patient(), second)


def _no_birth_date():
    person = patient()
    del person["birthDate"]
    return bundle(person)


def _partial_birth_date():
    return bundle(patient(birth="1980"))


def _unknown_element():
    person = patient()
    person["favouriteColour"] = "blue"
    return bundle(person)


def _wrong_type():
    person = patient()
    person["birthDate"] = 19800101
    return bundle(person)


def _r5_only_element():
    doc = bundle(patient())
    doc["issues"] = {"resourceType": "OperationOutcome", "issue": []}
    return doc


def _alien_resource():
    doc = bundle(patient())
    doc["entry"].append({"resource": {"resourceType": "Alien", "id": "x"}})
    return doc


def _null_given_name():
    person = patient()
    person["name"][0]["given"] = [None]
    return bundle(person)


def _null_family_name():
    person = patient()
    person["name"][0]["family"] = None
    return bundle(person)


MALFORMED = {
    "a Patient, not a Bundle": (patient(), "not_a_bundle"),
    "a searchset Bundle": ({**bundle(patient()), "type": "searchset"}, "invalid_choice"),
    "no Patient": (_without_patient(), "no_patient"),
    "two Patients": (_two_patients(), "two_patients"),
    "no birth date": (_no_birth_date(), "required"),
    "a year-only birth date": (_partial_birth_date(), "partial_date"),
    "an unknown element": (_unknown_element(), "fhir_invalid"),
    "a number for a date": (_wrong_type(), "fhir_invalid"),
    "an R5-only element": (_r5_only_element(), "fhir_invalid"),
    "an unknown resource type": (_alien_resource(), "fhir_invalid"),
    "a list": ([patient()], "invalid"),
    "a string": ("Bundle", "invalid"),
    "no entries and no type": ({"resourceType": "Bundle"}, "invalid_choice"),
    "a null given name": (_null_given_name(), "fhir_invalid"),
    "a null family name": (_null_family_name(), "fhir_invalid"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_bundle_is_refused_with_the_field_and_reason_and_nothing_stored(api, name):
    document, code = MALFORMED[name]
    response = api.post("/api/v1/cases/fhir", wrapped(copy.deepcopy(document)))
    assert response.status_code == 422, response.content
    problems = errors(response)
    assert problems and all(p["field"] for p in problems)
    assert code in {p["code"] for p in problems}
    assert not Case.objects.exists()


def test_a_bundle_declared_as_another_fhir_version_is_refused(api):
    response = api.post(
        "/api/v1/cases/fhir",
        wrapped(BUNDLES["aml_npm1"]),
        content_type="application/fhir+json; fhirVersion=5.0",
    )
    assert response.status_code == 415
    assert errors(response)[0]["code"] == "fhir_version"
    assert not Case.objects.exists()


def test_a_null_given_name_is_refused_at_its_place_not_a_server_error(api):
    """Regression: `given: [None]` passed fhir.resources and the Patient mapping raised a
    TypeError (a 500)."""
    response = api.post("/api/v1/cases/fhir", wrapped(_null_given_name()))
    assert response.status_code == 422, response.content
    assert errors(response) == [
        {
            "field": "bundle.entry[0].resource.name[0].given[0]",
            "code": "fhir_invalid",
            "message": "Not valid FHIR R4: a null in given only holds the place of an extension "
            "at the same position of _given; leave the value out instead.",
        }
    ]
    assert not Case.objects.exists() and not ApiSubmission.objects.exists()


def test_a_null_that_holds_the_place_of_an_extension_is_accepted(api):
    """FHIR's own way to give an extension to one of several given names: null in `given`,
    the extension at the same position of `_given`; the names that are there are kept."""
    person = patient(given="Alex")
    person["name"][0]["given"] = [None, "Alex"]
    person["name"][0]["_given"] = [
        {"extension": [{"url": "http://example.org/fhir/name-note", "valueString": "withheld"}]},
        None,
    ]
    document = copy.deepcopy(BUNDLES["aml_npm1"])
    document["entry"][0]["resource"] = person
    clinician = {**CONTACT, "role": "clinician"}  # so the case is named from the Patient
    response = api.post(
        "/api/v1/cases/fhir", {"bundle": document, "contact": clinician, "consent": CONSENT}
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.patient_name == "Alex Tester"
