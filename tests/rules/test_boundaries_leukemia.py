"""Leukemia boundaries: Komzifti (C17, C18: at most needs review while its wording is not
confirmed), C15 for the menin inhibitors, and the Blincyto MRD indication's full approval."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from screening.rules import INDICATIONS, screen_patient
from tests.rules.checks import (
    ELIGIBLE,
    NOT,
    REVIEW,
    assert_indication,
    assert_missing,
    assert_product,
    caution_codes,
    indication_result,
    outcomes,
    product_result,
)
from tests.rules.profiles import (
    RELAPSED_OR_REFRACTORY,
    kmt2a_acute_leukemia,
    npm1_aml,
    rr_npm1_aml_adult,
)
from tests.rules.strategies import patients

# --- C18: an unconfirmed wording caps Komzifti at needs review -------------------------------


def test_komzifti_meeting_every_criterion_needs_review_because_its_wording_is_not_confirmed():
    patient = rr_npm1_aml_adult()
    found = indication_result(patient, "ZIF-NPM1")
    product = product_result(patient, "komzifti")

    assert found.verdict == REVIEW
    assert outcomes(found).count("unknown") == 1
    assert "not_met" not in outcomes(found)
    wording = found.criteria[-1]
    assert wording.criterion.kind == "wording_confirmed"
    assert wording.basis == "C18"
    assert "not been confirmed against the label" in wording.explanation
    # A judgment for a person reading the label, not a fact the patient can send.
    assert product.verdict == REVIEW
    assert product.missing == ()
    assert_product(patient, "revuforj", ELIGIBLE)


@settings(max_examples=300, deadline=None)
@given(patient=patients)
def test_komzifti_is_never_eligible_on_any_profile(patient):
    assert screen_patient(patient).products["komzifti"].verdict != ELIGIBLE


def test_only_indications_marked_recalled_carry_the_wording_check():
    for indication in INDICATIONS:
        kinds = [criterion.kind for criterion in indication.criteria]
        assert ("wording_confirmed" in kinds) == (indication.evidence == "R"), indication.id


# --- C17: Komzifti is for adults with AML, reading NPM1 and the alternatives -----------------


@pytest.mark.parametrize(
    ("age", "komzifti", "revuforj"),
    [
        (1, NOT, ELIGIBLE),
        (12, NOT, ELIGIBLE),
        (17, NOT, ELIGIBLE),
        (17.9, NOT, ELIGIBLE),
        (18, REVIEW, ELIGIBLE),
    ],
)
def test_komzifti_is_for_adults_while_revuforj_starts_at_one_year(age, komzifti, revuforj):
    patient = npm1_aml(age_years=age)

    assert_indication(patient, "ZIF-NPM1", komzifti)
    assert_product(patient, "revuforj", revuforj)


@pytest.mark.parametrize("diagnosis", ["b_all", "t_all", "mpal", "dlbcl", "mm"])
def test_komzifti_covers_aml_only(diagnosis):
    found = indication_result(rr_npm1_aml_adult(diagnosis=diagnosis), "ZIF-NPM1")

    assert found.verdict == NOT
    assert outcomes(found) == ["not_met"]


@pytest.mark.parametrize(("value", "expected"), [(True, REVIEW), (False, NOT), (None, REVIEW)])
def test_komzifti_reads_the_npm1_mutation_as_c5_says(value, expected):
    patient = rr_npm1_aml_adult(npm1_mutated=value)

    assert_indication(patient, "ZIF-NPM1", expected)
    if value is None:
        fact = assert_missing(patient, "npm1_mutated", "ZIF-NPM1")
        assert "molecular" in fact.document


@pytest.mark.parametrize(("value", "expected"), [(True, REVIEW), (False, NOT), (None, REVIEW)])
def test_komzifti_reads_no_satisfactory_alternative_as_c12_says(value, expected):
    patient = rr_npm1_aml_adult(no_satisfactory_alternative=value)

    assert_indication(patient, "ZIF-NPM1", expected)
    if value is None:
        assert_missing(patient, "no_satisfactory_alternative", "ZIF-NPM1")


@pytest.mark.parametrize("status", RELAPSED_OR_REFRACTORY)
def test_komzifti_accepts_any_relapsed_or_refractory_status(status):
    assert_indication(rr_npm1_aml_adult(disease_status=status), "ZIF-NPM1", REVIEW)


@pytest.mark.parametrize("status", ["newly_diagnosed", "first_remission", "second_remission"])
def test_komzifti_turns_away_aml_that_is_not_relapsed_or_refractory(status):
    assert_indication(rr_npm1_aml_adult(disease_status=status), "ZIF-NPM1", NOT)


def test_a_kmt2a_translocation_alone_does_not_qualify_for_komzifti():
    patient = kmt2a_acute_leukemia()

    assert_product(patient, "revuforj", ELIGIBLE)
    assert_indication(patient, "ZIF-NPM1", NOT)


# --- C15: an earlier menin inhibitor ---------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "indication_id"),
    [(kmt2a_acute_leukemia, "REV-KMT2A"), (npm1_aml, "REV-NPM1"), (rr_npm1_aml_adult, "ZIF-NPM1")],
)
def test_an_earlier_menin_inhibitor_turns_a_menin_inhibitor_into_a_review(factory, indication_id):
    base = factory()
    patient = factory(prior_therapies=[*base["prior_therapies"], "menin_inhibitor"])

    assert_indication(patient, indication_id, REVIEW)
    found = indication_result(patient, indication_id)
    check = next(c for c in found.criteria if c.criterion.kind == "no_prior_same_target")
    assert check.outcome == "unknown"
    assert "revumenib" in check.explanation


def test_an_earlier_menin_inhibitor_is_a_judgment_not_a_missing_fact():
    patient = npm1_aml(prior_therapies=["chemotherapy", "menin_inhibitor"])
    product = product_result(patient, "revuforj")

    assert product.verdict == REVIEW
    assert product.missing == ()


@pytest.mark.parametrize("therapy", ["hypomethylating_agent", "bcl2_inhibitor", "cd19_car_t"])
def test_other_leukemia_treatments_do_not_block_the_menin_inhibitors(therapy):
    patient = npm1_aml(prior_therapies=["chemotherapy", therapy])

    assert_indication(patient, "REV-NPM1", ELIGIBLE)


@pytest.mark.parametrize("key", ["revuforj", "komzifti"])
def test_the_menin_inhibitors_carry_the_differentiation_syndrome_caution(key):
    product = product_result(rr_npm1_aml_adult(), key)

    assert product.verdict != NOT
    assert "differentiation_syndrome" in caution_codes(product)
