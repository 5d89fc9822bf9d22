"""Helpers shared by the boundary tests: screen a factory case and read one verdict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from screening.rules import PRODUCT_KEYS, screen_patient
from tests.rules.profiles import PRODUCT_OF_INDICATION, QUALIFYING_CASE

ELIGIBLE = "eligible"
REVIEW = "needs_review"
NOT = "not_eligible"


def product_result(patient: dict[str, Any], product: str):
    return screen_patient(patient).products[product]


def indication_result(patient: dict[str, Any], indication_id: str):
    result = product_result(patient, PRODUCT_OF_INDICATION[indication_id])
    matches = [i for i in result.indications if i.id == indication_id]
    assert len(matches) == 1, f"{indication_id} reported {len(matches)} times"
    return matches[0]


def verdicts(patient: dict[str, Any]) -> dict[str, str]:
    result = screen_patient(patient)
    return {key: result.products[key].verdict for key in PRODUCT_KEYS}


def outcomes(indication) -> list[str]:
    return [criterion.outcome for criterion in indication.criteria]


def missing_by_field(product) -> dict[str, Any]:
    facts = {fact.field: fact for fact in product.missing}
    assert len(facts) == len(product.missing), "a field is listed twice in missing"
    return facts


def caution_codes(product) -> set[str]:
    return {caution.code for caution in product.cautions}


def qualifying(indication_id: str, **overrides: Any) -> dict[str, Any]:
    factory: Callable[..., dict[str, Any]] = QUALIFYING_CASE[indication_id]
    return factory(**overrides)


def assert_indication(patient: dict[str, Any], indication_id: str, expected: str) -> None:
    found = indication_result(patient, indication_id)
    assert found.verdict == expected, (
        f"{indication_id}: expected {expected}, got {found.verdict}; criteria: "
        + "; ".join(f"{c.name}={c.outcome} ({c.explanation})" for c in found.criteria)
    )


def assert_product(patient: dict[str, Any], product: str, expected: str) -> None:
    found = product_result(patient, product)
    assert found.verdict == expected, (
        f"{product}: expected {expected}, got {found.verdict}; "
        + " | ".join(f"{i.id}={i.verdict}" for i in found.indications)
    )


def assert_missing(patient: dict[str, Any], field: str, indication_id: str):
    product = product_result(patient, PRODUCT_OF_INDICATION[indication_id])
    assert product.verdict == REVIEW
    facts = missing_by_field(product)
    assert field in facts, f"{field} not in missing {sorted(facts)}"
    assert indication_id in facts[field].indications
    assert facts[field].fact.strip()
    assert facts[field].document.strip()
    return facts[field]


def with_prior(indication_id: str, *therapies: str, **overrides: Any) -> dict[str, Any]:
    """The indication's qualifying case with `therapies` added to its prior therapies."""
    base = qualifying(indication_id, **overrides)
    return qualifying(
        indication_id, **{**overrides, "prior_therapies": [*base["prior_therapies"], *therapies]}
    )


def without_therapy(indication_id: str, therapy: str) -> dict[str, Any]:
    """The indication's qualifying case with one drug class taken out of its history."""
    base = qualifying(indication_id)
    return qualifying(
        indication_id, prior_therapies=[t for t in base["prior_therapies"] if t != therapy]
    )
