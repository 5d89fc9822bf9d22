"""Myeloma boundaries: C16 (four-line indications), C15 for BCMA and GPRC5D, C6 for BCMA, and the
combinations of C18 (Tecvayli with daratumumab, Blenrep with bortezomib and dexamethasone)."""

from __future__ import annotations

import json

import pytest

from screening.rules import screen_patient
from screening.rules.report import render_table
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
    qualifying,
    with_prior,
    without_therapy,
)
from tests.rules.groups import BCMA_DIRECTED_INDICATIONS, FOUR_LINE_MYELOMA, MYELOMA_INDICATIONS
from tests.rules.profiles import (
    BCMA_DIRECTED_THERAPIES,
    rr_myeloma_after_one_line,
    rr_myeloma_after_two_lines,
    rr_myeloma_four_lines,
)

# --- C16 four-line indications --------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"), [(3, NOT), (4, ELIGIBLE), (5, ELIGIBLE), (9, ELIGIBLE)]
)
@pytest.mark.parametrize("indication_id", FOUR_LINE_MYELOMA)
def test_a_four_line_indication_needs_at_least_four_prior_lines(indication_id, lines, expected):
    found = indication_result(rr_myeloma_four_lines(prior_lines=lines), indication_id)

    assert found.verdict == expected
    if expected == NOT:
        assert outcomes(found).count("not_met") == 1


@pytest.mark.parametrize("indication_id", FOUR_LINE_MYELOMA)
def test_a_four_line_indication_with_an_unknown_line_count_asks_for_the_treatment_summary(
    indication_id,
):
    patient = rr_myeloma_four_lines(prior_lines=None)

    assert_indication(patient, indication_id, REVIEW)
    if indication_id == "TAL-MM":  # Talvey has no other indication to carry it
        fact = assert_missing(patient, "prior_lines", indication_id)
        assert "treatment summary" in fact.document


@pytest.mark.parametrize("drug_class", ["proteasome_inhibitor", "imid", "anti_cd38"])
@pytest.mark.parametrize("indication_id", ["ELR-MM", "LYN-MM", "TAL-MM"])
def test_a_four_line_product_is_not_eligible_without_each_class(indication_id, drug_class):
    patient = without_therapy(indication_id, drug_class)

    assert_indication(patient, indication_id, NOT)
    assert_product(
        patient, {"ELR-MM": "elrexfio", "LYN-MM": "lynozyfic"}.get(indication_id, "talvey"), NOT
    )


def test_tecvayli_without_an_anti_cd38_is_still_eligible_with_daratumumab_after_one_line():
    patient = without_therapy("TCV-MM-4L", "anti_cd38")

    assert_indication(patient, "TCV-MM-4L", NOT)
    assert_indication(patient, "TCV-MM-1L", ELIGIBLE)
    assert_product(patient, "tecvayli", ELIGIBLE)


@pytest.mark.parametrize("refractory", [False, None])
@pytest.mark.parametrize("indication_id", ["TCV-MM-1L", "BLE-MM", *FOUR_LINE_MYELOMA])
def test_only_carvykti_needs_lenalidomide_refractoriness(indication_id, refractory):
    patient = rr_myeloma_four_lines(lenalidomide_refractory=refractory)

    assert_indication(patient, indication_id, ELIGIBLE)
    assert_indication(patient, "CAR-MM", NOT if refractory is False else REVIEW)


@pytest.mark.parametrize(
    ("age", "expected"), [(17, NOT), (17.9, NOT), (18, ELIGIBLE), (90, ELIGIBLE)]
)
@pytest.mark.parametrize("indication_id", MYELOMA_INDICATIONS)
def test_every_myeloma_indication_is_for_adults(indication_id, age, expected):
    assert_indication(qualifying(indication_id, age_years=age), indication_id, expected)


@pytest.mark.parametrize(
    "status", ["newly_diagnosed", "first_remission", "second_remission_mrd_positive"]
)
@pytest.mark.parametrize("indication_id", MYELOMA_INDICATIONS)
def test_every_myeloma_indication_needs_relapsed_or_refractory_disease(indication_id, status):
    assert_indication(qualifying(indication_id, disease_status=status), indication_id, NOT)


# --- TCV-MM-1L and BLE-MM line counts --------------------------------------------------------


@pytest.mark.parametrize(("lines", "expected"), [(0, NOT), (1, ELIGIBLE), (2, ELIGIBLE)])
def test_tecvayli_with_daratumumab_needs_at_least_one_prior_line(lines, expected):
    patient = rr_myeloma_after_one_line(prior_lines=lines)

    assert_indication(patient, "TCV-MM-1L", expected)
    assert_product(patient, "tecvayli", expected)


@pytest.mark.parametrize(("lines", "expected"), [(1, NOT), (2, ELIGIBLE), (3, ELIGIBLE)])
def test_blenrep_needs_at_least_two_prior_lines(lines, expected):
    patient = rr_myeloma_after_two_lines(prior_lines=lines)

    assert_indication(patient, "BLE-MM", expected)
    assert_product(patient, "blenrep", expected)


def test_a_myeloma_after_one_line_is_eligible_for_tecvayli_with_daratumumab_only():
    verdicts = screen_patient(rr_myeloma_after_one_line()).verdicts()

    assert verdicts["tecvayli"] == ELIGIBLE
    for key in ("abecma", "carvykti", "elrexfio", "lynozyfic", "talvey", "blenrep"):
        assert verdicts[key] == NOT, key


# --- C15 same target, C6 BCMA ----------------------------------------------------------------


@pytest.mark.parametrize("therapy", BCMA_DIRECTED_THERAPIES)
def test_an_earlier_bcma_directed_therapy_does_not_block_talvey(therapy):
    patient = with_prior("TAL-MM", therapy)

    assert_indication(patient, "TAL-MM", ELIGIBLE)
    assert_product(patient, "elrexfio", REVIEW)


def test_an_earlier_gprc5d_directed_therapy_turns_talvey_into_a_review_and_nothing_else():
    patient = with_prior("TAL-MM", "gprc5d_directed")
    product = product_result(patient, "talvey")

    assert product.verdict == REVIEW
    assert product.missing == ()
    for key in ("tecvayli", "elrexfio", "lynozyfic", "blenrep", "abecma", "carvykti"):
        assert_product(patient, key, ELIGIBLE)


def test_a_known_bcma_negative_does_not_concern_talvey():
    patient = rr_myeloma_four_lines(bcma_positive=False)

    assert_product(patient, "talvey", ELIGIBLE)
    for key in ("tecvayli", "elrexfio", "lynozyfic", "blenrep", "abecma", "carvykti"):
        assert_product(patient, key, REVIEW)


@pytest.mark.parametrize("indication_id", BCMA_DIRECTED_INDICATIONS)
def test_an_earlier_bcma_therapy_alongside_a_missing_class_leaves_the_indication_not_eligible(
    indication_id,
):
    patient = with_prior(indication_id, "bcma_bispecific", age_years=17)

    assert_indication(patient, indication_id, NOT)


def test_the_same_target_explanation_names_what_was_received():
    found = indication_result(with_prior("ELR-MM", "bcma_adc"), "ELR-MM")
    check = next(c for c in found.criteria if c.criterion.kind == "no_prior_same_target")

    assert check.outcome == "unknown"
    assert "belantamab" in check.explanation
    assert "BCMA" in check.explanation
    assert check.basis == "C15"


# --- C18 combinations name their partners ----------------------------------------------------


@pytest.mark.parametrize(
    ("indication_id", "factory", "partners"),
    [
        (
            "TCV-MM-1L",
            rr_myeloma_after_one_line,
            ["daratumumab and hyaluronidase (Darzalex Faspro)"],
        ),
        ("BLE-MM", rr_myeloma_after_two_lines, ["bortezomib", "dexamethasone"]),
        ("TCV-MM-4L", rr_myeloma_four_lines, []),
    ],
)
def test_a_combination_indication_names_its_partner_drugs(indication_id, factory, partners):
    output = screen_patient(factory()).to_dict()
    product = indication_id.split("-")[0]
    key = {"TCV": "tecvayli", "BLE": "blenrep"}[product]
    [found] = [i for i in output["results"][key]["indications"] if i["id"] == indication_id]

    assert found["given_with"] == partners
    json.dumps(output)


def test_the_table_names_the_partners_of_the_deciding_indication():
    outputs = [{"id": "M1", **screen_patient(rr_myeloma_after_one_line()).to_dict()}]
    table = render_table(outputs)

    assert "TCV-MM-1L (with daratumumab and hyaluronidase (Darzalex Faspro))" in table


def test_a_bispecific_carries_the_step_up_caution_and_no_car_t_caution():
    for key in ("tecvayli", "elrexfio", "lynozyfic", "talvey"):
        product = product_result(rr_myeloma_four_lines(), key)
        assert product.verdict == ELIGIBLE
        assert "bispecific_step_up" in caution_codes(product)
        assert not {"car_t_center", "car_t_manufacturing"} & caution_codes(product)
    assert "bispecific_step_up" not in caution_codes(
        product_result(rr_myeloma_four_lines(), "blenrep")
    )
