"""Properties over random valid profiles: total, deterministic, monotone (conventions.md)."""

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.rules import (
    ELIGIBLE,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    PRODUCT_KEYS,
    UNKNOWN,
    screen_patient,
)

from .strategies import known_values_for, patients, unknown_paths

RANK = {ELIGIBLE: 0, NEEDS_REVIEW: 1, NOT_ELIGIBLE: 2}


@settings(max_examples=400, deadline=None)
@given(patients)
def test_screening_is_total_and_gives_every_product_a_verdict(patient):
    result = screen_patient(patient)
    assert tuple(result.products) == PRODUCT_KEYS
    # Rendering the whole explanation must not raise either, and must be JSON.
    json.dumps(result.to_dict())


@settings(max_examples=200, deadline=None)
@given(patients)
def test_screening_is_deterministic(patient):
    first = screen_patient(copy.deepcopy(patient)).to_dict()
    assert screen_patient(copy.deepcopy(patient)).to_dict() == first


@settings(max_examples=400, deadline=None)
@given(patients, st.data())
def test_a_not_eligible_product_stays_not_eligible_when_an_unknown_fact_is_filled_in(patient, data):
    paths = unknown_paths(patient)
    if not paths:
        return
    before = screen_patient(patient).verdicts()
    path = data.draw(st.sampled_from(paths), label="unknown fact")
    value = data.draw(known_values_for(path), label="filled with")
    filled = copy.deepcopy(patient)
    target = filled
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    after = screen_patient(filled).verdicts()
    for product, verdict in before.items():
        if verdict == NOT_ELIGIBLE:
            assert after[product] == NOT_ELIGIBLE, (product, path, value)


@settings(max_examples=300, deadline=None)
@given(patients)
def test_verdicts_combine_as_convention_c14_says(patient):
    for product in screen_patient(patient).products.values():
        best = min((i.verdict for i in product.indications), key=RANK.__getitem__)
        assert product.verdict == best
        for indication in product.indications:
            outcomes = {c.outcome for c in indication.criteria}
            expected = (
                NOT_ELIGIBLE
                if "not_met" in outcomes
                else NEEDS_REVIEW
                if UNKNOWN in outcomes
                else ELIGIBLE
            )
            assert indication.verdict == expected


@settings(max_examples=300, deadline=None)
@given(patients)
def test_missing_facts_are_named_only_for_products_that_need_review(patient):
    for product in screen_patient(patient).products.values():
        if product.verdict != NEEDS_REVIEW:
            assert product.missing == ()
        for fact in product.missing:
            assert fact.document and fact.indications
            blocked = {i.id: i.verdict for i in product.indications}
            assert all(blocked[i] == NEEDS_REVIEW for i in fact.indications)


@settings(max_examples=200, deadline=None)
@given(patients)
def test_cautions_never_change_a_verdict(patient):
    calm = {**patient, "ecog": 0, "active_infection": False, "cns_involvement": False}
    worried = {**patient, "ecog": 4, "active_infection": True, "cns_involvement": True}
    assert screen_patient(calm).verdicts() == screen_patient(worried).verdicts()
