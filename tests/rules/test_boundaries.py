"""Boundary tests that hold for every indication, derived from case-schema.md (C1-C18).

Each test starts from a factory case that meets every criterion of one indication, changes one
fact, and checks the indication's verdict, the product's verdict (C14), the missing facts and
the cautions. The factories live in tests/rules/profiles.py, the indication groups in
tests/rules/groups.py; what is particular to one disease family is in test_boundaries_leukemia,
test_boundaries_lymphoma and test_boundaries_myeloma.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings

from screening.rules import PRODUCT_KEYS, screen_patient
from tests.rules.checks import (
    ELIGIBLE,
    NOT,
    REVIEW,
    assert_indication,
    assert_missing,
    assert_product,
    caution_codes,
    indication_result,
    missing_by_field,
    outcomes,
    product_result,
    qualifying,
    verdicts,
    with_prior,
    without_therapy,
)
from tests.rules.groups import (
    ADULT_INDICATIONS,
    ALL_INDICATIONS,
    ALL_INDICATIONS_FOR_B_ALL,
    AT_LEAST_ONE_LINE,
    AT_LEAST_TWO_LINES,
    BCMA_DIRECTED_INDICATIONS,
    CAR_T_INDICATIONS,
    CAUTION_CODES,
    CD19_CAR_T_INDICATIONS,
    CLASS_REQUIRING,
    KNOWN_MISSING_FIELDS,
    NO_LINE_COUNT,
    RELAPSED_OR_REFRACTORY_INDICATIONS,
    REQUIRED_CLASSES,
    SECOND_LINE_LBCL,
)
from tests.rules.profiles import (
    BIOMARKER_KEYS,
    CAR_T_PRODUCTS,
    DIAGNOSES,
    INDICATIONS_BY_PRODUCT,
    NOT_RELAPSED_OR_REFRACTORY,
    PRODUCT_OF_INDICATION,
    PRODUCTS,
    QUALIFYING_CASE,
    RELAPSED_OR_REFRACTORY,
    REMISSION_STATUSES,
    STEP_UP_BISPECIFIC_PRODUCTS,
    consolidation_b_all,
    kmt2a_acute_leukemia,
    make_patient,
    mrd_positive_b_all,
    npm1_aml,
    refractory_b_all_child,
    relapsed_b_all_adult,
    rr_cll_after_btki_and_bcl2i,
    rr_mcl_after_btki,
    rr_myeloma_triple_exposed,
    second_line_dlbcl,
    third_line_dlbcl,
)
from tests.rules.strategies import patients

# --- the baseline every boundary test moves away from ---------------------------------------


@pytest.mark.parametrize("indication_id", ALL_INDICATIONS)
def test_each_qualifying_case_meets_every_criterion_of_its_indication(indication_id):
    found = indication_result(qualifying(indication_id), indication_id)

    assert found.verdict == ELIGIBLE
    assert found.criteria, "an eligible indication lists the criteria it checked"
    assert set(outcomes(found)) == {"met"}
    for criterion in found.criteria:
        assert criterion.name.strip()
        assert criterion.explanation.strip()
        assert criterion.label.strip()


@pytest.mark.parametrize("indication_id", ALL_INDICATIONS)
def test_each_qualifying_case_makes_its_product_eligible_with_nothing_missing(indication_id):
    product = product_result(qualifying(indication_id), PRODUCT_OF_INDICATION[indication_id])

    assert product.verdict == ELIGIBLE
    assert product.missing == ()


def test_every_product_is_screened_with_exactly_its_indications():
    result = screen_patient(make_patient())

    assert tuple(PRODUCT_KEYS) == PRODUCTS
    assert set(result.products) == set(PRODUCTS)
    for key, indications in INDICATIONS_BY_PRODUCT.items():
        assert sorted(i.id for i in result.products[key].indications) == sorted(indications)


def test_the_neutral_base_patient_is_eligible_for_nothing_and_carries_no_cautions():
    result = screen_patient(make_patient())

    for key in PRODUCT_KEYS:
        assert result.products[key].verdict == NOT
        assert result.products[key].missing == ()
        assert result.products[key].cautions == ()


def test_the_result_serialises_to_json_and_names_its_ruleset():
    result = screen_patient(relapsed_b_all_adult())

    assert isinstance(result.ruleset, str) and result.ruleset
    json.dumps(result.to_dict())


# --- C1/C2 ages -----------------------------------------------------------------------------


@pytest.mark.parametrize("indication_id", ADULT_INDICATIONS)
def test_an_adult_indication_admits_a_person_aged_exactly_18(indication_id):
    patient = qualifying(indication_id, age_years=18)

    assert_indication(patient, indication_id, ELIGIBLE)
    assert_product(patient, PRODUCT_OF_INDICATION[indication_id], ELIGIBLE)


@pytest.mark.parametrize("age", [17, 17.9])
@pytest.mark.parametrize("indication_id", ADULT_INDICATIONS)
def test_an_adult_indication_turns_away_a_person_under_18_on_age_alone(indication_id, age):
    patient = qualifying(indication_id, age_years=age)
    found = indication_result(patient, indication_id)

    assert found.verdict == NOT
    assert outcomes(found).count("not_met") == 1
    assert outcomes(found).count("met") == len(found.criteria) - 1
    assert_product(patient, PRODUCT_OF_INDICATION[indication_id], NOT)


@pytest.mark.parametrize("indication_id", ["BLI-RR", "BLI-MRD", "BLI-CONS"])
def test_blincyto_admits_an_infant_of_exactly_one_month(indication_id):
    patient = qualifying(indication_id, age_years=1 / 12)

    assert_indication(patient, indication_id, ELIGIBLE)
    assert_product(patient, "blincyto", ELIGIBLE)


@pytest.mark.parametrize("age", [0.05, 0.08, 0])
@pytest.mark.parametrize("indication_id", ["BLI-RR", "BLI-MRD", "BLI-CONS"])
def test_blincyto_turns_away_an_infant_younger_than_one_month(indication_id, age):
    patient = qualifying(indication_id, age_years=age)

    assert_indication(patient, indication_id, NOT)
    assert_product(patient, "blincyto", NOT)


@pytest.mark.parametrize("indication_id", ["BES-ALL", "REV-KMT2A", "REV-NPM1"])
def test_a_one_year_and_older_indication_admits_a_child_of_exactly_one(indication_id):
    patient = qualifying(indication_id, age_years=1)

    assert_indication(patient, indication_id, ELIGIBLE)
    assert_product(patient, PRODUCT_OF_INDICATION[indication_id], ELIGIBLE)


@pytest.mark.parametrize("age", [0.99, 0.5])
@pytest.mark.parametrize("indication_id", ["BES-ALL", "REV-KMT2A", "REV-NPM1"])
def test_a_one_year_and_older_indication_turns_away_a_younger_infant(indication_id, age):
    patient = qualifying(indication_id, age_years=age)

    assert_indication(patient, indication_id, NOT)
    assert_product(patient, PRODUCT_OF_INDICATION[indication_id], NOT)


@pytest.mark.parametrize("age", [3, 12, 25, 25.5, 25.99])
def test_kymriah_all_admits_ages_from_3_up_to_and_including_25(age):
    """Ages are completed years: 25 years and some months is still "25 years of age" (C1)."""
    patient = refractory_b_all_child(age_years=age)

    assert_indication(patient, "KYM-ALL", ELIGIBLE)
    assert_product(patient, "kymriah", ELIGIBLE)


@pytest.mark.parametrize("age", [26, 26.5, 40])
def test_kymriah_all_turns_away_a_person_older_than_25(age):
    patient = refractory_b_all_child(age_years=age)

    assert_indication(patient, "KYM-ALL", NOT)
    assert_product(patient, "kymriah", NOT)


@pytest.mark.parametrize("age", [2.9, 2, 1, 0.5])
def test_kymriah_all_below_age_3_needs_review_as_a_judgment_not_a_missing_fact(age):
    patient = refractory_b_all_child(age_years=age)
    found = indication_result(patient, "KYM-ALL")

    assert found.verdict == REVIEW
    assert "not_met" not in outcomes(found)
    assert "unknown" in outcomes(found)
    product = product_result(patient, "kymriah")
    assert product.verdict == REVIEW
    assert product.missing == ()


@pytest.mark.parametrize("indication_id", ALL_INDICATIONS)
def test_an_unknown_age_leaves_the_indication_needing_review_and_asks_for_the_age(indication_id):
    patient = qualifying(indication_id, age_years=None)
    found = indication_result(patient, indication_id)

    assert found.verdict == REVIEW
    assert "not_met" not in outcomes(found)
    assert "unknown" in outcomes(found)
    assert_missing(patient, "age_years", indication_id)


# --- C3 line counts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"), [(0, NOT), (1, NOT), (2, ELIGIBLE), (3, ELIGIBLE), (4, ELIGIBLE)]
)
@pytest.mark.parametrize("indication_id", AT_LEAST_TWO_LINES)
def test_an_after_two_lines_indication_needs_at_least_two_prior_lines(
    indication_id, lines, expected
):
    assert_indication(qualifying(indication_id, prior_lines=lines), indication_id, expected)


@pytest.mark.parametrize(
    ("lines", "expected"), [(0, NOT), (1, ELIGIBLE), (2, ELIGIBLE), (4, ELIGIBLE)]
)
def test_carvykti_needs_at_least_one_prior_line(lines, expected):
    patient = rr_myeloma_triple_exposed(prior_lines=lines)

    assert_indication(patient, "CAR-MM", expected)
    assert_product(patient, "carvykti", expected)


@pytest.mark.parametrize(("lines", "expected"), [(0, NOT), (1, ELIGIBLE), (2, NOT), (4, NOT)])
@pytest.mark.parametrize("indication_id", SECOND_LINE_LBCL)
def test_a_second_line_lbcl_indication_needs_exactly_one_prior_line(indication_id, lines, expected):
    assert_indication(second_line_dlbcl(prior_lines=lines), indication_id, expected)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (0, {"YES-LBCL-2L": NOT, "YES-LBCL-3L": NOT, "BRE-LBCL-2L": NOT, "BRE-LBCL-3L": NOT}),
        (1, {"YES-LBCL-2L": ELIGIBLE, "YES-LBCL-3L": NOT, "BRE-LBCL-2L": ELIGIBLE}),
        (2, {"YES-LBCL-2L": NOT, "YES-LBCL-3L": ELIGIBLE, "BRE-LBCL-2L": NOT}),
        (4, {"YES-LBCL-2L": NOT, "YES-LBCL-3L": ELIGIBLE, "BRE-LBCL-3L": ELIGIBLE}),
    ],
)
def test_refractory_lbcl_switches_from_the_second_line_to_the_third_line_indication(
    lines, expected
):
    patient = second_line_dlbcl(prior_lines=lines)

    for indication_id, verdict in expected.items():
        assert_indication(patient, indication_id, verdict)
    assert_indication(patient, "KYM-LBCL", ELIGIBLE if lines >= 2 else NOT)
    for product in ("yescarta", "breyanzi"):
        assert_product(patient, product, NOT if lines == 0 else ELIGIBLE)


# EPK-FL's product stays eligible through EPK-FL-R2, which has no line count (lymphoma tests).
@pytest.mark.parametrize(
    "indication_id",
    [i for i in (*AT_LEAST_TWO_LINES, *AT_LEAST_ONE_LINE, *SECOND_LINE_LBCL) if i != "EPK-FL"],
)
def test_an_unknown_line_count_needs_review_and_asks_for_the_treatment_summary(indication_id):
    patient = qualifying(indication_id, prior_lines=None)

    assert_indication(patient, indication_id, REVIEW)
    fact = assert_missing(patient, "prior_lines", indication_id)
    assert "treatment summary" in fact.document.lower()


@pytest.mark.parametrize("lines", [None, 0])
@pytest.mark.parametrize("indication_id", NO_LINE_COUNT)
def test_an_indication_without_a_line_count_ignores_the_line_count(indication_id, lines):
    patient = qualifying(indication_id, prior_lines=lines)

    assert_indication(patient, indication_id, ELIGIBLE)
    assert_product(patient, PRODUCT_OF_INDICATION[indication_id], ELIGIBLE)


def test_tecartus_mcl_does_not_import_the_eu_requirement_of_two_lines_including_a_btki():
    patient = rr_mcl_after_btki(
        disease_status="relapsed", prior_lines=1, prior_therapies=["chemotherapy", "anti_cd20"]
    )

    assert_indication(patient, "TEC-MCL", ELIGIBLE)
    assert_indication(patient, "BRE-MCL", NOT)


# --- C4 required prior classes --------------------------------------------------------------


@pytest.mark.parametrize(
    ("indication_id", "drug_class"),
    [(i, drug_class) for i, classes in REQUIRED_CLASSES.items() for drug_class in classes],
)
def test_an_indication_is_not_met_when_a_required_drug_class_was_never_received(
    indication_id, drug_class
):
    patient = without_therapy(indication_id, drug_class)
    found = indication_result(patient, indication_id)

    assert found.verdict == NOT
    assert outcomes(found).count("not_met") == 1


def test_bre_cll_also_covers_sll_with_both_classes():
    assert_indication(rr_cll_after_btki_and_bcl2i(diagnosis="sll"), "BRE-CLL", ELIGIBLE)


def test_carvykti_no_longer_needs_an_anti_cd38_antibody():
    patient = rr_myeloma_triple_exposed(prior_therapies=["imid", "proteasome_inhibitor"])

    assert_indication(patient, "CAR-MM", ELIGIBLE)
    assert_indication(patient, "ABE-MM", NOT)


@pytest.mark.parametrize(
    ("indication_id", "overrides"),
    [
        ("BRE-CLL", {"prior_lines": 1}),
        ("BRE-MCL", {"prior_lines": 1}),
        ("ABE-MM", {"prior_lines": 1}),
        ("CAR-MM", {"prior_lines": 0}),
        ("TCV-MM-1L", {"prior_lines": 0}),
        ("BLE-MM", {"prior_lines": 1}),
        ("TCV-MM-4L", {"prior_lines": 3}),
        ("ELR-MM", {"prior_lines": 3}),
        ("LYN-MM", {"prior_lines": 3}),
        ("TAL-MM", {"prior_lines": 3}),
    ],
)
def test_having_the_required_classes_is_not_enough_when_the_line_count_falls_short(
    indication_id, overrides
):
    patient = qualifying(indication_id, **overrides)

    assert_indication(patient, indication_id, NOT)


@pytest.mark.parametrize(
    ("refractory", "expected"), [(True, ELIGIBLE), (False, NOT), (None, REVIEW)]
)
def test_carvykti_needs_lenalidomide_refractoriness(refractory, expected):
    patient = rr_myeloma_triple_exposed(lenalidomide_refractory=refractory)

    assert_indication(patient, "CAR-MM", expected)
    assert_product(patient, "carvykti", expected)
    assert_product(patient, "abecma", ELIGIBLE)


def test_an_unknown_lenalidomide_refractoriness_asks_for_the_treatment_summary():
    patient = rr_myeloma_triple_exposed(lenalidomide_refractory=None)

    fact = assert_missing(patient, "lenalidomide_refractory", "CAR-MM")
    assert fact.indications == ("CAR-MM",)
    assert "treatment summary" in fact.document.lower()


@pytest.mark.parametrize("indication_id", CLASS_REQUIRING)
def test_unknown_prior_therapies_leave_a_class_requiring_indication_needing_review(
    indication_id,
):
    patient = qualifying(indication_id, prior_therapies=None)

    assert_indication(patient, indication_id, REVIEW)
    assert_missing(patient, "prior_therapies", indication_id)


@pytest.mark.parametrize("indication_id", [i for i in ALL_INDICATIONS if i not in CLASS_REQUIRING])
def test_unknown_prior_therapies_do_not_block_an_indication_without_required_classes(
    indication_id,
):
    patient = qualifying(indication_id, prior_therapies=None)

    assert_indication(patient, indication_id, ELIGIBLE)
    assert_product(patient, PRODUCT_OF_INDICATION[indication_id], ELIGIBLE)


# --- C5 biomarkers named in the indication text ---------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(True, ELIGIBLE), (False, NOT), (None, REVIEW)])
def test_besponsa_follows_cd22(value, expected):
    patient = relapsed_b_all_adult(cd22_positive=value)

    assert_indication(patient, "BES-ALL", expected)
    assert_product(patient, "besponsa", expected)


def test_an_unknown_cd22_asks_for_flow_cytometry():
    fact = assert_missing(relapsed_b_all_adult(cd22_positive=None), "cd22_positive", "BES-ALL")

    assert fact.indications == ("BES-ALL",)
    assert "flow cytometry" in fact.document.lower()


@pytest.mark.parametrize(("value", "expected"), [(True, ELIGIBLE), (False, NOT), (None, REVIEW)])
@pytest.mark.parametrize("indication_id", ["BLI-RR", "BLI-MRD", "BLI-CONS"])
def test_every_blincyto_indication_follows_cd19(indication_id, value, expected):
    patient = qualifying(indication_id, cd19_positive=value)

    assert_indication(patient, indication_id, expected)
    assert_product(patient, "blincyto", expected)


@pytest.mark.parametrize("indication_id", ["BLI-RR", "BLI-MRD", "BLI-CONS"])
def test_an_unknown_cd19_for_blincyto_asks_for_flow_cytometry(indication_id):
    patient = qualifying(indication_id, cd19_positive=None)

    fact = assert_missing(patient, "cd19_positive", indication_id)
    assert "flow cytometry" in fact.document.lower()


@pytest.mark.parametrize(("value", "expected"), [(False, ELIGIBLE), (True, NOT), (None, REVIEW)])
def test_blincyto_consolidation_needs_philadelphia_negative_disease(value, expected):
    patient = consolidation_b_all(philadelphia_positive=value)

    assert_indication(patient, "BLI-CONS", expected)
    assert_product(patient, "blincyto", expected)
    if value is None:
        assert_missing(patient, "philadelphia_positive", "BLI-CONS")


@pytest.mark.parametrize("value", [True, None])
@pytest.mark.parametrize("indication_id", ["BLI-RR", "BLI-MRD"])
def test_blincyto_relapsed_and_mrd_indications_allow_any_philadelphia_status(indication_id, value):
    assert_indication(
        qualifying(indication_id, philadelphia_positive=value), indication_id, ELIGIBLE
    )


@pytest.mark.parametrize(("value", "expected"), [(True, ELIGIBLE), (False, NOT), (None, REVIEW)])
def test_revuforj_kmt2a_follows_the_kmt2a_translocation(value, expected):
    patient = kmt2a_acute_leukemia(kmt2a_rearranged=value)

    assert_indication(patient, "REV-KMT2A", expected)
    assert_product(patient, "revuforj", expected)


def test_an_unknown_kmt2a_asks_for_cytogenetics_fish_or_molecular_testing():
    patient = kmt2a_acute_leukemia(kmt2a_rearranged=None)

    fact = assert_missing(patient, "kmt2a_rearranged", "REV-KMT2A")
    assert "REV-KMT2A" in fact.indications
    assert re.search(r"cytogenetic|fish|molecular", fact.document, re.IGNORECASE)


@pytest.mark.parametrize(("value", "expected"), [(True, ELIGIBLE), (False, NOT), (None, REVIEW)])
def test_revuforj_npm1_follows_the_npm1_mutation(value, expected):
    patient = npm1_aml(npm1_mutated=value)

    assert_indication(patient, "REV-NPM1", expected)
    assert_product(patient, "revuforj", expected)
    if value is None:
        assert_missing(patient, "npm1_mutated", "REV-NPM1")


@pytest.mark.parametrize(("value", "expected"), [(True, ELIGIBLE), (False, NOT), (None, REVIEW)])
def test_revuforj_npm1_needs_no_satisfactory_alternative(value, expected):
    patient = npm1_aml(no_satisfactory_alternative=value)

    assert_indication(patient, "REV-NPM1", expected)
    assert_product(patient, "revuforj", expected)
    if value is None:
        assert_missing(patient, "no_satisfactory_alternative", "REV-NPM1")


def test_the_kmt2a_indication_does_not_need_no_satisfactory_alternative():
    patient = kmt2a_acute_leukemia(no_satisfactory_alternative=False)

    assert_indication(patient, "REV-KMT2A", ELIGIBLE)


# --- C6 antigens the CAR-T labels do not name -----------------------------------------------


@pytest.mark.parametrize("indication_id", CD19_CAR_T_INDICATIONS)
def test_a_known_cd19_negative_turns_an_eligible_cd19_car_t_into_a_review(indication_id):
    patient = qualifying(indication_id, cd19_positive=False)
    product = product_result(patient, PRODUCT_OF_INDICATION[indication_id])

    assert_indication(patient, indication_id, REVIEW)
    assert "not_met" not in outcomes(indication_result(patient, indication_id))
    assert product.verdict == REVIEW
    assert product.missing == ()


@pytest.mark.parametrize("indication_id", BCMA_DIRECTED_INDICATIONS)
def test_a_known_bcma_negative_turns_an_eligible_bcma_directed_product_into_a_review(
    indication_id,
):
    patient = qualifying(indication_id, bcma_positive=False)
    product = product_result(patient, PRODUCT_OF_INDICATION[indication_id])

    assert_indication(patient, indication_id, REVIEW)
    assert product.verdict == REVIEW
    assert product.missing == ()


@pytest.mark.parametrize("value", [None, True])
@pytest.mark.parametrize("indication_id", CD19_CAR_T_INDICATIONS)
def test_an_unknown_or_positive_cd19_does_not_block_a_cd19_car_t(indication_id, value):
    patient = qualifying(indication_id, cd19_positive=value)

    assert_indication(patient, indication_id, ELIGIBLE)


@pytest.mark.parametrize("value", [None, True])
@pytest.mark.parametrize("indication_id", BCMA_DIRECTED_INDICATIONS)
def test_an_unknown_or_positive_bcma_does_not_block_a_bcma_directed_product(indication_id, value):
    assert_indication(qualifying(indication_id, bcma_positive=value), indication_id, ELIGIBLE)


def test_a_negative_antigen_does_not_lift_a_not_eligible_car_t_to_review():
    patient = third_line_dlbcl(prior_lines=1, disease_status="relapsed", cd19_positive=False)

    assert_indication(patient, "KYM-LBCL", NOT)
    assert_product(patient, "kymriah", NOT)


def test_a_cd19_negative_b_all_still_gets_besponsa_but_not_blincyto():
    patient = relapsed_b_all_adult(cd19_positive=False)

    assert_product(patient, "besponsa", ELIGIBLE)
    assert_product(patient, "blincyto", NOT)
    assert_product(patient, "tecartus", REVIEW)
    assert_product(patient, "aucatzyl", REVIEW)


def test_a_cd22_negative_b_all_does_not_affect_the_cd19_car_ts():
    patient = relapsed_b_all_adult(cd22_positive=False)

    assert_product(patient, "tecartus", ELIGIBLE)
    assert_product(patient, "aucatzyl", ELIGIBLE)
    assert_product(patient, "besponsa", NOT)


# --- C7/C15 earlier therapy against the same target ------------------------------------------


@pytest.mark.parametrize("indication_id", CD19_CAR_T_INDICATIONS)
def test_a_prior_cd19_car_t_turns_an_eligible_cd19_car_t_into_a_review(indication_id):
    patient = with_prior(indication_id, "cd19_car_t")
    product = product_result(patient, PRODUCT_OF_INDICATION[indication_id])

    assert_indication(patient, indication_id, REVIEW)
    assert product.verdict == REVIEW
    assert product.missing == ()


@pytest.mark.parametrize("therapy", ["bcma_car_t", "bcma_bispecific", "bcma_adc"])
@pytest.mark.parametrize("indication_id", BCMA_DIRECTED_INDICATIONS)
def test_any_earlier_bcma_directed_therapy_turns_a_bcma_directed_product_into_a_review(
    indication_id, therapy
):
    patient = with_prior(indication_id, therapy)
    product = product_result(patient, PRODUCT_OF_INDICATION[indication_id])

    assert_indication(patient, indication_id, REVIEW)
    assert product.verdict == REVIEW
    assert product.missing == ()


@pytest.mark.parametrize(
    "therapy", ["bcma_car_t", "bcma_bispecific", "bcma_adc", "gprc5d_directed", "cd20_bispecific"]
)
@pytest.mark.parametrize("indication_id", CD19_CAR_T_INDICATIONS)
def test_an_earlier_therapy_against_another_target_does_not_block_a_cd19_car_t(
    indication_id, therapy
):
    assert_indication(with_prior(indication_id, therapy), indication_id, ELIGIBLE)


@pytest.mark.parametrize(
    "therapy", ["cd19_car_t", "gprc5d_directed", "cd20_bispecific", "menin_inhibitor"]
)
@pytest.mark.parametrize("indication_id", BCMA_DIRECTED_INDICATIONS)
def test_an_earlier_therapy_against_another_target_does_not_block_a_bcma_product(
    indication_id, therapy
):
    assert_indication(with_prior(indication_id, therapy), indication_id, ELIGIBLE)


@pytest.mark.parametrize("therapy", ["blinatumomab", "inotuzumab"])
@pytest.mark.parametrize("indication_id", ALL_INDICATIONS_FOR_B_ALL)
def test_prior_blinatumomab_or_inotuzumab_never_blocks(indication_id, therapy):
    patient = with_prior(indication_id, therapy)

    assert_indication(patient, indication_id, ELIGIBLE)
    assert_product(patient, PRODUCT_OF_INDICATION[indication_id], ELIGIBLE)


@pytest.mark.parametrize("indication_id", ["BES-ALL", "BLI-RR"])
def test_a_prior_cd19_car_t_does_not_block_a_product_that_is_not_a_car_t(indication_id):
    assert_indication(with_prior(indication_id, "cd19_car_t"), indication_id, ELIGIBLE)


def test_a_prior_car_t_does_not_lift_a_not_eligible_car_t_to_review():
    patient = third_line_dlbcl(
        prior_lines=1, prior_therapies=["chemotherapy", "anti_cd20", "cd19_car_t"]
    )

    assert_product(patient, "kymriah", NOT)


# --- C8 Kymriah ALL status and the R/R requirement ------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("relapsed", NOT),
        ("second_or_later_relapse", ELIGIBLE),
        ("refractory", ELIGIBLE),
        ("relapsed_after_transplant", REVIEW),
        ("newly_diagnosed", NOT),
        ("first_remission", NOT),
        ("second_remission_mrd_positive", NOT),
    ],
)
def test_kymriah_all_needs_refractory_disease_or_a_second_or_later_relapse(status, expected):
    patient = refractory_b_all_child(disease_status=status)

    assert_indication(patient, "KYM-ALL", expected)
    assert_product(patient, "kymriah", expected)


def test_kymriah_all_after_transplant_asks_how_many_relapses_there_have_been():
    patient = refractory_b_all_child(disease_status="relapsed_after_transplant")

    fact = assert_missing(patient, "relapse_count", "KYM-ALL")
    assert fact.indications == ("KYM-ALL",)


@pytest.mark.parametrize("status", RELAPSED_OR_REFRACTORY)
@pytest.mark.parametrize(
    "indication_id", [i for i in RELAPSED_OR_REFRACTORY_INDICATIONS if i != "KYM-ALL"]
)
def test_any_relapsed_or_refractory_status_qualifies_for_an_r_r_indication(indication_id, status):
    assert_indication(qualifying(indication_id, disease_status=status), indication_id, ELIGIBLE)


@pytest.mark.parametrize("status", NOT_RELAPSED_OR_REFRACTORY)
@pytest.mark.parametrize("indication_id", RELAPSED_OR_REFRACTORY_INDICATIONS)
def test_a_relapsed_or_refractory_indication_turns_away_a_status_that_is_neither(
    indication_id, status
):
    assert_indication(qualifying(indication_id, disease_status=status), indication_id, NOT)


@pytest.mark.parametrize("status", NOT_RELAPSED_OR_REFRACTORY)
@pytest.mark.parametrize("indication_id", SECOND_LINE_LBCL)
def test_a_second_line_lbcl_indication_turns_away_a_status_that_is_not_r_r(indication_id, status):
    assert_indication(second_line_dlbcl(disease_status=status), indication_id, NOT)


@pytest.mark.parametrize("indication_id", ALL_INDICATIONS)
def test_an_unknown_disease_status_needs_review_and_asks_for_it(indication_id):
    patient = qualifying(indication_id, disease_status=None)

    assert_indication(patient, indication_id, REVIEW)
    assert_missing(patient, "disease_status", indication_id)


def test_an_unknown_diagnosis_is_never_eligible_and_asks_for_the_diagnosis():
    patient = make_patient(
        diagnosis=None, disease_status="refractory", prior_lines=2, prior_therapies=None
    )
    result = screen_patient(patient)

    assert ELIGIBLE not in {p.verdict for p in result.products.values()}
    assert_missing(patient, "diagnosis", "TEC-MCL")


# --- the LBCL second-line setting (Yescarta and Breyanzi) -----------------------------------


@pytest.mark.parametrize(
    ("status", "within_12", "transplant_eligible", "yescarta", "breyanzi"),
    [
        ("refractory", None, None, ELIGIBLE, ELIGIBLE),
        ("refractory", False, True, ELIGIBLE, ELIGIBLE),
        ("relapsed", True, True, ELIGIBLE, ELIGIBLE),
        ("relapsed", True, None, ELIGIBLE, ELIGIBLE),
        ("relapsed", False, True, NOT, NOT),
        ("relapsed", False, False, NOT, ELIGIBLE),
        ("relapsed", False, None, NOT, REVIEW),
        ("relapsed", None, True, REVIEW, REVIEW),
        ("relapsed", None, False, REVIEW, ELIGIBLE),
        ("relapsed", None, None, REVIEW, REVIEW),
        ("second_or_later_relapse", True, True, ELIGIBLE, ELIGIBLE),
        ("second_or_later_relapse", False, True, NOT, NOT),
        ("second_or_later_relapse", False, False, NOT, ELIGIBLE),
        ("relapsed_after_transplant", True, True, ELIGIBLE, ELIGIBLE),
        ("relapsed_after_transplant", False, True, NOT, NOT),
        ("relapsed_after_transplant", None, True, REVIEW, REVIEW),
        ("relapsed_after_transplant", False, False, NOT, ELIGIBLE),
    ],
)
def test_the_second_line_lbcl_setting_needs_refractory_disease_or_an_early_relapse(
    status, within_12, transplant_eligible, yescarta, breyanzi
):
    patient = second_line_dlbcl(
        disease_status=status,
        relapse_within_12_months=within_12,
        transplant_eligible=transplant_eligible,
    )

    assert_indication(patient, "YES-LBCL-2L", yescarta)
    assert_indication(patient, "BRE-LBCL-2L", breyanzi)
    assert_product(patient, "yescarta", yescarta)
    assert_product(patient, "breyanzi", breyanzi)


def test_an_unknown_early_relapse_asks_for_the_relapse_timing():
    patient = second_line_dlbcl(disease_status="relapsed", relapse_within_12_months=None)

    assert_missing(patient, "relapse_within_12_months", "YES-LBCL-2L")
    assert_missing(patient, "relapse_within_12_months", "BRE-LBCL-2L")


def test_a_late_relapse_with_unknown_transplant_eligibility_asks_breyanzi_for_it():
    patient = second_line_dlbcl(
        disease_status="relapsed", relapse_within_12_months=False, transplant_eligible=None
    )

    assert_missing(patient, "transplant_eligible", "BRE-LBCL-2L")


@pytest.mark.parametrize("within_12", [True, False, None])
@pytest.mark.parametrize("indication_id", ["KYM-LBCL", "YES-LBCL-3L", "BRE-LBCL-3L"])
def test_the_third_line_lbcl_indications_ignore_relapse_timing(indication_id, within_12):
    patient = third_line_dlbcl(
        disease_status="relapsed", relapse_within_12_months=within_12, transplant_eligible=None
    )

    assert_indication(patient, indication_id, ELIGIBLE)


# --- C10 PCNSL and C11 LBCL subtypes --------------------------------------------------------


def test_pcnsl_is_excluded_from_kymriah_and_breyanzi_and_needs_review_for_yescarta_3l():
    patient = third_line_dlbcl(diagnosis="pcnsl")

    assert_product(patient, "kymriah", NOT)
    assert_product(patient, "breyanzi", NOT)
    assert_indication(patient, "YES-LBCL-3L", REVIEW)
    assert_product(patient, "yescarta", REVIEW)
    assert product_result(patient, "yescarta").missing == ()


def test_pcnsl_in_the_second_line_setting_is_eligible_for_yescarta_since_feb_2026():
    """C10 revised: the limitation was removed and YES-LBCL-2L lists no subtypes."""
    patient = second_line_dlbcl(diagnosis="pcnsl")

    assert_indication(patient, "YES-LBCL-2L", ELIGIBLE)
    assert_product(patient, "yescarta", ELIGIBLE)
    assert "cns_involvement" in caution_codes(product_result(patient, "yescarta"))
    assert_product(patient, "kymriah", NOT)
    assert_product(patient, "breyanzi", NOT)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"prior_lines": 2}, NOT),
        ({"disease_status": "relapsed", "relapse_within_12_months": False}, NOT),
        ({"disease_status": "relapsed", "relapse_within_12_months": None}, REVIEW),
        ({"age_years": 17}, NOT),
        ({"prior_therapies": ["chemotherapy", "anti_cd20", "cd19_car_t"]}, REVIEW),
    ],
)
def test_pcnsl_in_yescarta_second_line_still_needs_the_second_line_setting(changes, expected):
    assert_indication(second_line_dlbcl(diagnosis="pcnsl", **changes), "YES-LBCL-2L", expected)


@pytest.mark.parametrize(
    ("diagnosis", "indication_id", "expected"),
    [
        ("dlbcl", "KYM-LBCL", ELIGIBLE),
        ("dlbcl", "YES-LBCL-3L", ELIGIBLE),
        ("dlbcl", "BRE-LBCL-3L", ELIGIBLE),
        ("hgbcl", "KYM-LBCL", ELIGIBLE),
        ("hgbcl", "YES-LBCL-3L", ELIGIBLE),
        ("hgbcl", "BRE-LBCL-3L", ELIGIBLE),
        ("pmbcl", "KYM-LBCL", REVIEW),
        ("pmbcl", "YES-LBCL-3L", ELIGIBLE),
        ("pmbcl", "BRE-LBCL-3L", ELIGIBLE),
        ("lbcl_other", "KYM-LBCL", REVIEW),
        ("lbcl_other", "YES-LBCL-3L", REVIEW),
        ("lbcl_other", "BRE-LBCL-3L", REVIEW),
    ],
)
def test_the_third_line_lbcl_indications_follow_their_subtype_lists(
    diagnosis, indication_id, expected
):
    patient = third_line_dlbcl(diagnosis=diagnosis)

    assert_indication(patient, indication_id, expected)
    product = product_result(patient, PRODUCT_OF_INDICATION[indication_id])
    assert product.verdict == expected
    assert product.missing == ()


@pytest.mark.parametrize(
    ("diagnosis", "indication_id", "expected"),
    [
        ("hgbcl", "YES-LBCL-2L", ELIGIBLE),
        ("hgbcl", "BRE-LBCL-2L", ELIGIBLE),
        ("pmbcl", "YES-LBCL-2L", ELIGIBLE),
        ("pmbcl", "BRE-LBCL-2L", ELIGIBLE),
        ("lbcl_other", "YES-LBCL-2L", ELIGIBLE),
        ("lbcl_other", "BRE-LBCL-2L", REVIEW),
    ],
)
def test_the_yescarta_second_line_indication_has_no_subtype_list_but_breyanzis_does(
    diagnosis, indication_id, expected
):
    patient = second_line_dlbcl(diagnosis=diagnosis)

    assert_indication(patient, indication_id, expected)
    product = product_result(patient, PRODUCT_OF_INDICATION[indication_id])
    assert product.verdict == expected
    assert product.missing == ()


@pytest.mark.parametrize("diagnosis", ["fl", "mcl", "mzl", "cll"])
def test_a_non_large_b_cell_lymphoma_is_not_covered_by_any_lbcl_indication(diagnosis):
    patient = third_line_dlbcl(diagnosis=diagnosis)

    for indication_id in ("KYM-LBCL", "YES-LBCL-3L", "BRE-LBCL-3L", "YES-LBCL-2L"):
        assert_indication(patient, indication_id, NOT)


LBCL_FAMILY = ("dlbcl", "hgbcl", "pmbcl", "lbcl_other", "pcnsl")
ACUTE_LEUKEMIA = ("b_all", "t_all", "aml", "mpal")
# Diagnoses each indication's text could cover at all (a listed subtype, an unlisted LBCL
# subtype or PCNSL may still be not_eligible or needs_review; everything else is outside).
DIAGNOSIS_FAMILY = {
    "KYM-ALL": ("b_all",),
    "KYM-LBCL": LBCL_FAMILY,
    "KYM-FL": ("fl",),
    "YES-LBCL-2L": LBCL_FAMILY,
    "YES-LBCL-3L": LBCL_FAMILY,
    "YES-FL": ("fl",),
    "BRE-LBCL-2L": LBCL_FAMILY,
    "BRE-LBCL-3L": LBCL_FAMILY,
    "BRE-CLL": ("cll", "sll"),
    "BRE-FL": ("fl",),
    "BRE-MCL": ("mcl",),
    "BRE-MZL": ("mzl",),
    "ABE-MM": ("mm",),
    "CAR-MM": ("mm",),
    "TEC-MCL": ("mcl",),
    "TEC-ALL": ("b_all",),
    "BES-ALL": ("b_all",),
    "REV-KMT2A": ACUTE_LEUKEMIA,
    "REV-NPM1": ("aml",),
    "BLI-RR": ("b_all",),
    "BLI-MRD": ("b_all",),
    "BLI-CONS": ("b_all",),
    "AUC-ALL": ("b_all",),
    "TCV-MM-1L": ("mm",),
    "TCV-MM-4L": ("mm",),
    "ELR-MM": ("mm",),
    "LYN-MM": ("mm",),
    "TAL-MM": ("mm",),
    "BLE-MM": ("mm",),
    "EPK-LBCL": LBCL_FAMILY,
    "EPK-FL": ("fl",),
    "EPK-FL-R2": ("fl",),
    "COL-LBCL": LBCL_FAMILY,
    "LUN-FL": ("fl",),
}


@pytest.mark.parametrize("indication_id", ALL_INDICATIONS)
def test_a_diagnosis_outside_the_indication_is_not_eligible_on_the_diagnosis_alone(
    indication_id,
):
    for diagnosis in (d for d in DIAGNOSES if d not in DIAGNOSIS_FAMILY[indication_id]):
        found = indication_result(qualifying(indication_id, diagnosis=diagnosis), indication_id)

        assert found.verdict == NOT, diagnosis
        assert outcomes(found) == ["not_met"], diagnosis


def test_an_uncovered_diagnosis_reports_only_the_diagnosis_criterion():
    patient = rr_myeloma_triple_exposed()

    for indication in product_result(patient, "kymriah").indications:
        assert indication.verdict == NOT
        assert outcomes(indication) == ["not_met"]


# --- C12 Revuforj lineages ------------------------------------------------------------------


@pytest.mark.parametrize("diagnosis", ["b_all", "t_all", "aml", "mpal"])
def test_revuforj_kmt2a_covers_every_acute_leukemia_lineage(diagnosis):
    patient = kmt2a_acute_leukemia(diagnosis=diagnosis)

    assert_indication(patient, "REV-KMT2A", ELIGIBLE)
    assert_product(patient, "revuforj", ELIGIBLE)


@pytest.mark.parametrize("diagnosis", ["cll", "dlbcl", "mm", "mcl"])
def test_revuforj_kmt2a_does_not_cover_a_disease_that_is_not_acute_leukemia(diagnosis):
    patient = kmt2a_acute_leukemia(diagnosis=diagnosis)

    assert_indication(patient, "REV-KMT2A", NOT)
    assert_product(patient, "revuforj", NOT)


@pytest.mark.parametrize("diagnosis", ["b_all", "t_all", "mpal"])
def test_revuforj_npm1_covers_aml_only(diagnosis):
    patient = npm1_aml(diagnosis=diagnosis)

    assert_indication(patient, "REV-NPM1", NOT)
    assert_product(patient, "revuforj", NOT)


# --- C13 Blincyto MRD and consolidation -----------------------------------------------------


@pytest.mark.parametrize(
    ("mrd", "expected"),
    [(0.1, ELIGIBLE), (0.09, NOT), (0.0, NOT), (5.0, ELIGIBLE), (100, ELIGIBLE)],
)
@pytest.mark.parametrize("status", REMISSION_STATUSES)
def test_blincyto_mrd_needs_a_first_or_second_remission_with_mrd_of_at_least_0_1(
    status, mrd, expected
):
    patient = mrd_positive_b_all(disease_status=status, mrd_percent=mrd)

    assert_indication(patient, "BLI-MRD", expected)
    assert_product(patient, "blincyto", expected)


@pytest.mark.parametrize("status", REMISSION_STATUSES)
def test_blincyto_mrd_with_an_unmeasured_mrd_needs_review_and_asks_for_the_mrd(status):
    patient = mrd_positive_b_all(disease_status=status, mrd_percent=None)

    assert_indication(patient, "BLI-MRD", REVIEW)
    assert_missing(patient, "mrd_percent", "BLI-MRD")


@pytest.mark.parametrize(
    "status", ["newly_diagnosed", "relapsed", "refractory", "relapsed_after_transplant"]
)
def test_blincyto_mrd_is_not_met_outside_a_remission_whatever_the_mrd(status):
    patient = mrd_positive_b_all(disease_status=status, mrd_percent=1.0)

    assert_indication(patient, "BLI-MRD", NOT)


def test_a_relapsed_b_all_with_no_mrd_does_not_ask_for_the_mrd():
    product = product_result(relapsed_b_all_adult(cd19_positive=None), "blincyto")

    assert product.verdict == REVIEW
    assert "mrd_percent" not in missing_by_field(product)


@pytest.mark.parametrize("mrd", [None, 0.0, 0.05, 0.1, 50.0])
@pytest.mark.parametrize("status", REMISSION_STATUSES)
def test_blincyto_consolidation_applies_in_any_remission_whatever_the_mrd(status, mrd):
    patient = consolidation_b_all(disease_status=status, mrd_percent=mrd)

    assert_indication(patient, "BLI-CONS", ELIGIBLE)
    assert_product(patient, "blincyto", ELIGIBLE)


@pytest.mark.parametrize(("phase", "expected"), [(True, ELIGIBLE), (False, NOT), (None, REVIEW)])
def test_blincyto_consolidation_needs_the_consolidation_phase(phase, expected):
    patient = consolidation_b_all(in_consolidation_phase=phase)

    assert_indication(patient, "BLI-CONS", expected)
    assert_product(patient, "blincyto", expected)
    if phase is None:
        assert_missing(patient, "in_consolidation_phase", "BLI-CONS")


@pytest.mark.parametrize(
    "status", ["newly_diagnosed", "relapsed", "second_or_later_relapse", "refractory"]
)
def test_blincyto_consolidation_needs_a_remission_state(status):
    patient = consolidation_b_all(disease_status=status)

    assert_indication(patient, "BLI-CONS", NOT)


# --- C14 combining indications --------------------------------------------------------------


def test_blincyto_is_eligible_through_consolidation_while_the_mrd_indication_needs_review():
    patient = consolidation_b_all(mrd_percent=None)

    assert_indication(patient, "BLI-CONS", ELIGIBLE)
    assert_indication(patient, "BLI-MRD", REVIEW)
    product = product_result(patient, "blincyto")
    assert product.verdict == ELIGIBLE
    assert product.missing == ()


def test_blincyto_is_eligible_through_mrd_while_the_consolidation_indication_needs_review():
    patient = mrd_positive_b_all(in_consolidation_phase=None)

    assert_indication(patient, "BLI-MRD", ELIGIBLE)
    assert_indication(patient, "BLI-CONS", REVIEW)
    assert_product(patient, "blincyto", ELIGIBLE)


def test_revuforj_is_eligible_through_kmt2a_while_the_npm1_indication_needs_review():
    patient = kmt2a_acute_leukemia(npm1_mutated=True, no_satisfactory_alternative=None)

    assert_indication(patient, "REV-KMT2A", ELIGIBLE)
    assert_indication(patient, "REV-NPM1", REVIEW)
    product = product_result(patient, "revuforj")
    assert product.verdict == ELIGIBLE
    assert product.missing == ()


def test_a_product_needs_review_when_its_best_indication_needs_review():
    patient = third_line_dlbcl(diagnosis="lbcl_other")

    assert_indication(patient, "YES-LBCL-2L", NOT)
    assert_indication(patient, "YES-LBCL-3L", REVIEW)
    assert_product(patient, "yescarta", REVIEW)


def test_missing_facts_list_every_indication_they_block():
    patient = second_line_dlbcl(prior_lines=None)

    facts = missing_by_field(product_result(patient, "yescarta"))
    assert {"YES-LBCL-2L", "YES-LBCL-3L"} <= set(facts["prior_lines"].indications)


def test_an_unknown_fact_in_an_indication_already_ruled_out_is_not_asked_for():
    # REV-NPM1 fails on NPM1 wild-type, so its unknown "no satisfactory alternative" blocks
    # nothing; only the unknown KMT2A result (REV-KMT2A) holds Revuforj at needs_review.
    patient = kmt2a_acute_leukemia(kmt2a_rearranged=None, no_satisfactory_alternative=None)
    product = product_result(patient, "revuforj")

    assert product.verdict == REVIEW
    assert set(missing_by_field(product)) == {"kmt2a_rearranged"}


def test_an_unknown_early_relapse_is_not_asked_for_when_the_line_count_rules_out_2l():
    patient = third_line_dlbcl(relapse_within_12_months=None, transplant_eligible=None)

    for product in ("yescarta", "breyanzi"):
        assert product_result(patient, product).missing == ()


def test_a_negative_antigen_alongside_a_missing_fact_asks_only_for_the_missing_fact():
    patient = third_line_dlbcl(cd19_positive=False, prior_lines=None)
    product = product_result(patient, "kymriah")

    assert product.verdict == REVIEW
    assert set(missing_by_field(product)) == {"prior_lines"}


def test_a_first_relapse_of_b_all_is_not_asked_about_even_when_other_facts_are_unknown():
    patient = refractory_b_all_child(disease_status="relapsed", cd19_positive=None)

    assert_product(patient, "kymriah", NOT)
    assert product_result(patient, "kymriah").missing == ()


_CHANGES: list[dict[str, Any]] = [
    {},
    {"age_years": None},
    {"age_years": 17},
    {"age_years": 2.5},
    {"disease_status": None},
    {"disease_status": "relapsed"},
    {"disease_status": "relapsed_after_transplant"},
    {"disease_status": "first_remission"},
    {"prior_lines": None},
    {"prior_lines": 1},
    {"prior_therapies": None},
    {"prior_therapies": ["cd19_car_t", "bcma_car_t"]},
    {
        "prior_therapies": [
            "bcma_bispecific",
            "gprc5d_directed",
            "cd20_bispecific",
            "menin_inhibitor",
        ]
    },
    {"unrecognised_lines": [1]},
    {"cd19_positive": False},
    {"cd19_positive": None},
    {"cd22_positive": None},
    {"bcma_positive": False},
    {"kmt2a_rearranged": None},
    {"npm1_mutated": None},
    {"philadelphia_positive": None},
    {"mrd_percent": None},
    {"relapse_within_12_months": None},
    {"transplant_eligible": None},
    {"lenalidomide_refractory": None},
    {"in_consolidation_phase": None},
    {"no_satisfactory_alternative": None},
    {"diagnosis": None},
    {"diagnosis": "pcnsl"},
    {"diagnosis": "lbcl_other"},
    {"ecog": 4, "active_infection": True, "cns_involvement": True},
]
_FACTORIES = sorted({QUALIFYING_CASE[i] for i in ALL_INDICATIONS}, key=lambda f: f.__name__)


def _assert_consistent(patient: dict[str, Any], where: Any) -> None:
    result = screen_patient(patient)
    for key in PRODUCT_KEYS:
        product = result.products[key]
        at = (where, key)
        indication_verdicts = [i.verdict for i in product.indications]
        for indication in product.indications:
            seen = set(outcomes(indication))
            assert seen <= {"met", "not_met", "unknown"}, at
            if "not_met" in seen:
                assert indication.verdict == NOT, (at, indication.id)
            elif "unknown" in seen:
                assert indication.verdict == REVIEW, (at, indication.id)
            else:
                assert indication.verdict == ELIGIBLE, (at, indication.id)
        if ELIGIBLE in indication_verdicts:
            assert product.verdict == ELIGIBLE, at
        elif REVIEW in indication_verdicts:
            assert product.verdict == REVIEW, at
        else:
            assert product.verdict == NOT, at
        if product.verdict != REVIEW:
            assert product.missing == (), at
        reviewed = {i.id for i in product.indications if i.verdict == REVIEW}
        for fact in product.missing:
            assert fact.field in KNOWN_MISSING_FIELDS, (at, fact.field)
            assert fact.indications, (at, fact.field)
            assert set(fact.indications) <= reviewed, (at, fact.field)
        if product.verdict == NOT:
            assert product.cautions == (), at
        codes = caution_codes(product)
        assert codes <= CAUTION_CODES, at
        if key not in CAR_T_PRODUCTS:
            assert not codes & {"car_t_center", "car_t_manufacturing"}, at
        if key != "tecartus":
            assert "tecartus_age_70" not in codes, at
        if key != "besponsa":
            assert "inotuzumab_hepatotoxicity" not in codes, at
        if key not in STEP_UP_BISPECIFIC_PRODUCTS:
            assert "bispecific_step_up" not in codes, at
        if key not in ("revuforj", "komzifti"):
            assert "differentiation_syndrome" not in codes, at


@pytest.mark.parametrize("factory", _FACTORIES, ids=lambda f: f.__name__)
def test_verdicts_criteria_missing_facts_and_cautions_agree_with_each_other(factory):
    for change in _CHANGES:
        _assert_consistent(factory(**change), change)


@settings(max_examples=200, deadline=None)
@given(patient=patients)
def test_on_any_profile_verdicts_criteria_missing_facts_and_cautions_agree(patient):
    _assert_consistent(patient, "generated")


@pytest.mark.parametrize("factory", _FACTORIES, ids=lambda f: f.__name__)
def test_screening_the_same_profile_twice_gives_the_same_result(factory):
    for change in _CHANGES:
        patient = factory(**change)
        assert screen_patient(patient).to_dict() == screen_patient(patient).to_dict(), change


# --- cautions -------------------------------------------------------------------------------


@pytest.mark.parametrize("indication_id", CAR_T_INDICATIONS)
def test_an_eligible_car_t_carries_the_treatment_center_and_manufacturing_cautions(indication_id):
    product = product_result(qualifying(indication_id), PRODUCT_OF_INDICATION[indication_id])

    assert product.verdict == ELIGIBLE
    assert {"car_t_center", "car_t_manufacturing"} <= caution_codes(product)


@pytest.mark.parametrize("indication_id", CD19_CAR_T_INDICATIONS)
def test_a_car_t_needing_review_also_carries_the_car_t_cautions(indication_id):
    patient = qualifying(indication_id, cd19_positive=False)
    product = product_result(patient, PRODUCT_OF_INDICATION[indication_id])

    assert product.verdict == REVIEW
    assert {"car_t_center", "car_t_manufacturing"} <= caution_codes(product)


@pytest.mark.parametrize("indication_id", ALL_INDICATIONS)
def test_products_that_are_not_car_ts_never_carry_the_car_t_cautions(indication_id):
    result = screen_patient(qualifying(indication_id))

    for key in set(PRODUCT_KEYS) - set(CAR_T_PRODUCTS):
        assert not {"car_t_center", "car_t_manufacturing"} & caution_codes(result.products[key])


@pytest.mark.parametrize("factory", [relapsed_b_all_adult, rr_mcl_after_btki])
def test_tecartus_at_70_carries_the_age_caution_and_at_69_does_not(factory):
    at_70 = product_result(factory(age_years=70), "tecartus")
    at_69 = product_result(factory(age_years=69), "tecartus")

    assert at_70.verdict == at_69.verdict == ELIGIBLE
    assert "tecartus_age_70" in caution_codes(at_70)
    assert "tecartus_age_70" not in caution_codes(at_69)


def test_the_tecartus_age_caution_also_shows_when_tecartus_needs_review():
    product = product_result(relapsed_b_all_adult(age_years=70, cd19_positive=False), "tecartus")

    assert product.verdict == REVIEW
    assert "tecartus_age_70" in caution_codes(product)


def test_an_unknown_age_gives_no_tecartus_age_caution():
    product = product_result(relapsed_b_all_adult(age_years=None), "tecartus")

    assert product.verdict == REVIEW
    assert "tecartus_age_70" not in caution_codes(product)


def test_the_tecartus_age_caution_belongs_to_tecartus_only():
    result = screen_patient(relapsed_b_all_adult(age_years=75))

    for key in set(PRODUCT_KEYS) - {"tecartus"}:
        assert "tecartus_age_70" not in caution_codes(result.products[key])


@pytest.mark.parametrize(("cd22", "verdict"), [(True, ELIGIBLE), (None, REVIEW)])
def test_besponsa_carries_the_hepatotoxicity_caution(cd22, verdict):
    product = product_result(relapsed_b_all_adult(cd22_positive=cd22), "besponsa")

    assert product.verdict == verdict
    assert "inotuzumab_hepatotoxicity" in caution_codes(product)


def test_a_not_eligible_besponsa_carries_no_caution():
    product = product_result(relapsed_b_all_adult(cd22_positive=False), "besponsa")

    assert product.verdict == NOT
    assert product.cautions == ()


@pytest.mark.parametrize("ecog", [3, 4])
@pytest.mark.parametrize("indication_id", ALL_INDICATIONS)
def test_ecog_3_or_4_adds_a_caution_without_changing_any_verdict(indication_id, ecog):
    poor = qualifying(indication_id, ecog=ecog)
    good = qualifying(indication_id, ecog=1)

    assert verdicts(poor) == verdicts(good)
    result = screen_patient(poor)
    for key in PRODUCT_KEYS:
        product = result.products[key]
        if product.verdict != NOT:
            assert "ecog_3_4" in caution_codes(product), key


@pytest.mark.parametrize("ecog", [0, 1, 2, None])
def test_ecog_below_3_or_unknown_adds_no_performance_caution(ecog):
    result = screen_patient(relapsed_b_all_adult(ecog=ecog))

    for key in PRODUCT_KEYS:
        assert "ecog_3_4" not in caution_codes(result.products[key])


@pytest.mark.parametrize("indication_id", ALL_INDICATIONS)
def test_an_active_infection_adds_a_caution_without_changing_any_verdict(indication_id):
    infected = qualifying(indication_id, active_infection=True)

    assert verdicts(infected) == verdicts(qualifying(indication_id))
    product = product_result(infected, PRODUCT_OF_INDICATION[indication_id])
    assert "active_infection" in caution_codes(product)


@pytest.mark.parametrize("indication_id", ALL_INDICATIONS)
def test_cns_involvement_adds_a_caution_without_changing_any_verdict(indication_id):
    involved = qualifying(indication_id, cns_involvement=True)

    assert verdicts(involved) == verdicts(qualifying(indication_id))
    product = product_result(involved, PRODUCT_OF_INDICATION[indication_id])
    assert "cns_involvement" in caution_codes(product)


@pytest.mark.parametrize("value", [False, None])
def test_no_infection_or_cns_caution_without_a_true_flag(value):
    patient = relapsed_b_all_adult(active_infection=value, cns_involvement=value)
    result = screen_patient(patient)

    for key in PRODUCT_KEYS:
        assert not {"active_infection", "cns_involvement"} & caution_codes(result.products[key])


def test_pcnsl_carries_the_cns_caution_on_yescarta():
    product = product_result(third_line_dlbcl(diagnosis="pcnsl"), "yescarta")

    assert product.verdict == REVIEW
    assert "cns_involvement" in caution_codes(product)


def test_cautions_carry_readable_text():
    patient = relapsed_b_all_adult(age_years=72, ecog=3, active_infection=True)

    for product in screen_patient(patient).products.values():
        for caution in product.cautions:
            assert caution.code.strip()
            assert caution.text.strip()


# --- monotonicity (a missing fact never hides a yes behind a no) ----------------------------

_UNKNOWABLE = [
    ("age_years", [17, 18, 0.5, 2.9, 26, 70]),
    ("disease_status", ["relapsed", "refractory", "first_remission_mrd_positive"]),
    ("prior_lines", [0, 1, 2]),
    ("cd19_positive", [True, False]),
    ("cd22_positive", [True, False]),
    ("kmt2a_rearranged", [True, False]),
    ("npm1_mutated", [True, False]),
    ("philadelphia_positive", [True, False]),
    ("mrd_percent", [0.09, 0.1]),
    ("relapse_within_12_months", [True, False]),
    ("transplant_eligible", [True, False]),
    ("lenalidomide_refractory", [True, False]),
    ("in_consolidation_phase", [True, False]),
    ("no_satisfactory_alternative", [True, False]),
]


@pytest.mark.parametrize("indication_id", ALL_INDICATIONS)
def test_an_unknown_fact_never_hides_a_known_yes_or_a_known_no(indication_id):
    for field, known_values in _UNKNOWABLE:
        unknown = verdicts(qualifying(indication_id, **{field: None}))
        for value in known_values:
            known = verdicts(qualifying(indication_id, **{field: value}))
            for key in PRODUCT_KEYS:
                if known[key] == ELIGIBLE:
                    assert unknown[key] in (ELIGIBLE, REVIEW), (key, field, value)
                if unknown[key] == ELIGIBLE:
                    assert known[key] != NOT, (key, field, value)


_KNOWN_VALUES: dict[str, tuple[Any, ...]] = {
    "age_years": (0.5, 1, 2.9, 3, 17, 18, 25, 26, 70),
    "diagnosis": DIAGNOSES,
    "disease_status": (
        "newly_diagnosed",
        "first_remission_mrd_positive",
        "second_remission",
        *RELAPSED_OR_REFRACTORY,
    ),
    "prior_lines": (0, 1, 2, 4),
    "prior_therapies": (
        [],
        ["imid", "proteasome_inhibitor", "anti_cd38"],
        ["btk_inhibitor", "bcl2_inhibitor"],
        ["cd19_car_t", "bcma_car_t"],
        ["bcma_bispecific", "bcma_adc", "gprc5d_directed"],
        ["cd20_bispecific", "menin_inhibitor", "anti_cd20"],
    ),
    "mrd_percent": (0, 0.09, 0.1, 5),
    **{key: (True, False) for key in BIOMARKER_KEYS},
    **{
        field: (True, False)
        for field in (
            "relapse_within_12_months",
            "transplant_eligible",
            "lenalidomide_refractory",
            "in_consolidation_phase",
            "no_satisfactory_alternative",
        )
    },
}


def _set(patient: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    changed = {**patient, "biomarkers": dict(patient["biomarkers"])}
    if field in BIOMARKER_KEYS:
        changed["biomarkers"][field] = value
    else:
        changed[field] = value
    return changed


@settings(max_examples=120, deadline=None)
@given(patient=patients)
def test_on_any_profile_an_unknown_fact_never_contradicts_what_knowing_it_would_give(patient):
    for field, known_values in _KNOWN_VALUES.items():
        unknown = verdicts(_set(patient, field, None))
        for value in known_values:
            if field == "prior_lines" and value < max(patient.get("unrecognised_lines", [0])):
                continue  # fewer lines than an unrecognised line's number is not a valid profile
            known = verdicts(_set(patient, field, value))
            for key in PRODUCT_KEYS:
                if known[key] == ELIGIBLE:
                    assert unknown[key] != NOT, (key, field, value)
                if unknown[key] == ELIGIBLE:
                    assert known[key] != NOT, (key, field, value)


@settings(max_examples=200, deadline=None)
@given(patient=patients)
def test_on_any_profile_ecog_and_the_optional_flags_never_change_a_verdict(patient):
    baseline = verdicts({**patient, "ecog": None})
    for changes in (
        {"ecog": 0},
        {"ecog": 3},
        {"ecog": 4},
        {"active_infection": True},
        {"cns_involvement": True},
        {"active_infection": False, "cns_involvement": False},
    ):
        assert verdicts({**patient, **changes}) == baseline, changes
