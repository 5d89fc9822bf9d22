"""Treatment lines whose drugs Navigator did not recognise (`unrecognised_lines`).

The rule: such a line still counts in `prior_lines`; the classes of the recognised lines are
known; a class the label requires that was not found, and the "no earlier same-target therapy"
check, are unknown and ask about that line. It can never make a product look eligible that would
not be once the line is known: every criterion says either what the complete history would say
or "unknown".
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.rules import InvalidProfile, screen_patient, validate_patient
from tests.rules.checks import (
    ELIGIBLE,
    NOT,
    REVIEW,
    assert_indication,
    assert_product,
    indication_result,
    missing_by_field,
    product_result,
)
from tests.rules.profiles import (
    PRIOR_THERAPIES,
    make_patient,
    relapsed_b_all_adult,
    rr_cll_after_btki_and_bcl2i,
    rr_myeloma_four_lines,
    third_line_dlbcl,
)
from tests.rules.strategies import patients


def test_a_required_class_not_found_with_an_unrecognised_line_is_unknown_and_asks_about_it():
    patient = rr_myeloma_four_lines(
        prior_therapies=["proteasome_inhibitor", "imid", "autologous_sct"], unrecognised_lines=[3]
    )
    product = product_result(patient, "elrexfio")

    assert_indication(patient, "ELR-MM", REVIEW)
    fact = missing_by_field(product)["unrecognised_lines"]
    assert fact.fact == "the drugs given in treatment line 3 (the name given was not recognised)"
    assert "treatment summary" in fact.document
    assert fact.indications == ("ELR-MM",)


def test_a_required_class_found_in_a_recognised_line_is_met_whatever_the_other_line():
    patient = rr_cll_after_btki_and_bcl2i(prior_lines=3, unrecognised_lines=[3])

    # Breyanzi CLL has no same-target check beyond CD19 CAR-T, which the unknown line might be.
    assert_indication(patient, "BRE-CLL", REVIEW)
    found = {c.name: c.outcome for c in indication_result(patient, "BRE-CLL").criteria}
    assert found["received a BTK inhibitor"] == "met"
    assert found["received a BCL-2 inhibitor (venetoclax)"] == "met"
    assert found["no earlier CD19-directed CAR-T therapy"] == "unknown"


def test_the_same_target_check_asks_about_an_unrecognised_line():
    patient = third_line_dlbcl(prior_lines=3, unrecognised_lines=[2, 3])
    product = product_result(patient, "kymriah")

    assert product.verdict == REVIEW
    assert set(missing_by_field(product)) == {"unrecognised_lines"}
    assert "treatment lines 2 and 3" in missing_by_field(product)["unrecognised_lines"].fact


def test_a_product_with_no_class_and_no_same_target_check_is_untouched():
    patient = relapsed_b_all_adult(prior_lines=2, unrecognised_lines=[2])

    assert_product(patient, "besponsa", ELIGIBLE)
    assert_product(patient, "blincyto", ELIGIBLE)
    assert_product(patient, "tecartus", REVIEW)


def test_a_known_same_target_therapy_is_a_judgment_even_with_an_unrecognised_line():
    patient = rr_myeloma_four_lines(
        prior_therapies=["proteasome_inhibitor", "imid", "anti_cd38", "bcma_car_t"],
        unrecognised_lines=[4],
    )
    product = product_result(patient, "abecma")

    assert product.verdict == REVIEW
    assert "unrecognised_lines" not in missing_by_field(product)


def test_the_line_still_counts_and_a_shortfall_stays_not_eligible():
    patient = rr_myeloma_four_lines(prior_lines=3, unrecognised_lines=[3])

    assert_product(patient, "elrexfio", NOT)
    assert validate_patient(patient).prior_lines == 3


def test_no_unrecognised_line_is_the_same_as_leaving_the_field_out():
    with_empty = make_patient(unrecognised_lines=[])

    assert screen_patient(with_empty).to_dict() == screen_patient(make_patient()).to_dict()
    assert validate_patient(make_patient()).unrecognised_lines == ()
    assert validate_patient(with_empty).to_dict()["unrecognised_lines"] == []


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ([5], "unrecognised_lines[0]"),
        ([0], "unrecognised_lines[0]"),
        ([1, -2], "unrecognised_lines[1]"),
        ([True], "unrecognised_lines[0]"),
        (["2"], "unrecognised_lines[0]"),
        ([1.5], "unrecognised_lines[0]"),
        ([float("nan")], "unrecognised_lines[0]"),
        ([float("inf")], "unrecognised_lines[0]"),
        ("2", "unrecognised_lines"),
        ({"line": 2}, "unrecognised_lines"),
    ],
)
def test_a_bad_unrecognised_lines_value_is_refused_with_its_own_error(value, field):
    patient = rr_myeloma_four_lines(unrecognised_lines=value)

    with pytest.raises(InvalidProfile) as caught:
        validate_patient(patient)
    assert [error.field for error in caught.value.errors] == [field]
    assert "treatment line numbers" in str(caught.value)


def test_whole_number_floats_and_repeats_are_read_as_line_numbers():
    profile = validate_patient(rr_myeloma_four_lines(unrecognised_lines=[4.0, 2, 2]))

    assert profile.unrecognised_lines == (2, 4)


def test_with_an_unknown_line_count_any_line_number_up_to_the_maximum_is_accepted():
    profile = validate_patient(rr_myeloma_four_lines(prior_lines=None, unrecognised_lines=[7]))

    assert profile.unrecognised_lines == (7,)


# --- the safety claim, on any profile ----------------------------------------------------------


@st.composite
def partial_histories(draw):
    """A valid profile with a known class list and at least one unrecognised line."""
    patient = draw(patients)
    lines = patient["prior_lines"] if patient["prior_lines"] else draw(st.integers(1, 6))
    patient["prior_lines"] = lines
    if patient["prior_therapies"] is None:
        patient["prior_therapies"] = []
    patient["unrecognised_lines"] = draw(
        st.lists(st.integers(1, lines), unique=True, min_size=1, max_size=lines)
    )
    return patient


@settings(max_examples=300, deadline=None)
@given(patient=partial_histories(), found=st.lists(st.sampled_from(PRIOR_THERAPIES), unique=True))
def test_reading_the_unrecognised_lines_never_contradicts_the_verdict_given_without_them(
    patient, found
):
    """Eligible stays eligible and not eligible stays not eligible, whatever the lines held."""
    before = screen_patient(patient).verdicts()
    complete = copy.deepcopy(patient)
    complete["prior_therapies"] = sorted({*patient["prior_therapies"], *found})
    complete["unrecognised_lines"] = []
    after = screen_patient(complete).verdicts()
    for product, verdict in before.items():
        if verdict in (ELIGIBLE, NOT):
            assert after[product] == verdict, (product, found)
