"""Lymphoma boundaries: C17 (the bispecifics' LBCL subtype lists), C15 for CD20 bispecifics, the
Epkinly combination without a line count (C18) and Lunsumio's line count."""

from __future__ import annotations

import pytest

from tests.rules.checks import (
    ELIGIBLE,
    NOT,
    REVIEW,
    assert_indication,
    assert_missing,
    assert_product,
    caution_codes,
    indication_result,
    product_result,
    with_prior,
)
from tests.rules.groups import CD20_BISPECIFIC_INDICATIONS
from tests.rules.profiles import rr_follicular_after_two_lines, second_line_dlbcl, third_line_dlbcl

# --- C17 subtype lists -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diagnosis", "epkinly", "columvi"),
    [
        ("dlbcl", ELIGIBLE, ELIGIBLE),
        ("hgbcl", ELIGIBLE, REVIEW),
        ("pmbcl", REVIEW, REVIEW),
        ("lbcl_other", REVIEW, REVIEW),
        ("pcnsl", REVIEW, REVIEW),
        ("fl", NOT, NOT),
        ("mcl", NOT, NOT),
        ("cll", NOT, NOT),
        ("mm", NOT, NOT),
    ],
)
def test_the_bispecific_lbcl_indications_follow_their_subtype_lists(diagnosis, epkinly, columvi):
    patient = third_line_dlbcl(diagnosis=diagnosis)

    assert_indication(patient, "EPK-LBCL", epkinly)
    assert_indication(patient, "COL-LBCL", columvi)
    assert_product(patient, "columvi", columvi)
    if REVIEW in (epkinly, columvi):
        # An unlisted subtype is a judgment for a clinician, not a missing fact.
        assert product_result(patient, "columvi").missing == ()


@pytest.mark.parametrize(("lines", "expected"), [(0, NOT), (1, NOT), (2, ELIGIBLE), (5, ELIGIBLE)])
@pytest.mark.parametrize("indication_id", ["EPK-LBCL", "COL-LBCL"])
def test_the_bispecific_lbcl_indications_need_two_or_more_lines(indication_id, lines, expected):
    assert_indication(third_line_dlbcl(prior_lines=lines), indication_id, expected)


def test_an_unlisted_subtype_with_too_few_lines_is_not_eligible_rather_than_a_review():
    patient = second_line_dlbcl(diagnosis="pcnsl")

    assert_indication(patient, "EPK-LBCL", NOT)
    assert_indication(patient, "COL-LBCL", NOT)


# --- Epkinly follicular: alone after two lines, or with R2 whatever the count -----------------


@pytest.mark.parametrize(
    ("lines", "alone", "with_r2"),
    [(0, NOT, ELIGIBLE), (1, NOT, ELIGIBLE), (2, ELIGIBLE, ELIGIBLE), (None, REVIEW, ELIGIBLE)],
)
def test_epkinly_fl_with_lenalidomide_and_rituximab_has_no_line_count(lines, alone, with_r2):
    patient = rr_follicular_after_two_lines(prior_lines=lines)

    assert_indication(patient, "EPK-FL", alone)
    assert_indication(patient, "EPK-FL-R2", with_r2)
    assert_product(patient, "epkinly", ELIGIBLE)
    assert product_result(patient, "epkinly").missing == ()


def test_the_epkinly_combination_names_lenalidomide_and_rituximab():
    found = indication_result(rr_follicular_after_two_lines(prior_lines=1), "EPK-FL-R2")

    assert found.to_dict()["given_with"] == ["lenalidomide", "rituximab"]


@pytest.mark.parametrize("status", ["newly_diagnosed", "first_remission", "second_remission"])
def test_the_epkinly_combination_still_needs_relapsed_or_refractory_fl(status):
    patient = rr_follicular_after_two_lines(disease_status=status, prior_lines=1)

    assert_indication(patient, "EPK-FL-R2", NOT)
    assert_product(patient, "epkinly", NOT)


@pytest.mark.parametrize(
    ("lines", "expected"), [(1, NOT), (2, ELIGIBLE), (3, ELIGIBLE), (None, REVIEW)]
)
def test_lunsumio_needs_two_or_more_lines(lines, expected):
    patient = rr_follicular_after_two_lines(prior_lines=lines)

    assert_product(patient, "lunsumio", expected)
    if expected == REVIEW:
        assert_missing(patient, "prior_lines", "LUN-FL")


# --- C15 CD20 bispecifics --------------------------------------------------------------------


@pytest.mark.parametrize("indication_id", CD20_BISPECIFIC_INDICATIONS)
def test_an_earlier_cd20_bispecific_turns_a_cd20_bispecific_into_a_review(indication_id):
    patient = with_prior(indication_id, "cd20_bispecific")

    assert_indication(patient, indication_id, REVIEW)
    found = indication_result(patient, indication_id)
    assert [c.outcome for c in found.criteria].count("unknown") == 1


@pytest.mark.parametrize("therapy", ["anti_cd20", "cd19_car_t", "bcma_bispecific", "blinatumomab"])
@pytest.mark.parametrize("indication_id", CD20_BISPECIFIC_INDICATIONS)
def test_rituximab_or_a_therapy_against_another_target_does_not_block_a_cd20_bispecific(
    indication_id, therapy
):
    assert_indication(with_prior(indication_id, therapy), indication_id, ELIGIBLE)


def test_an_earlier_cd20_bispecific_leaves_the_cd19_car_ts_eligible():
    patient = with_prior("KYM-FL", "cd20_bispecific")

    for key in ("kymriah", "yescarta", "breyanzi"):
        assert_product(patient, key, ELIGIBLE)
    for key in ("epkinly", "lunsumio"):
        assert_product(patient, key, REVIEW)
        assert product_result(patient, key).missing == ()


@pytest.mark.parametrize("key", ["epkinly", "columvi", "lunsumio"])
def test_a_cd20_bispecific_needing_review_still_carries_the_step_up_caution(key):
    patient = with_prior("EPK-LBCL" if key != "lunsumio" else "LUN-FL", "cd20_bispecific")
    product = product_result(patient, key)

    assert product.verdict == REVIEW
    assert "bispecific_step_up" in caution_codes(product)
