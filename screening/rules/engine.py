"""The screening function: a profile in, a verdict for every product out (pure, never raises).

Verdicts follow C14: an indication is not_eligible if any criterion is not met, needs_review if
any is unknown, otherwise eligible; a product takes the best verdict of its indications.
"""

from __future__ import annotations

from typing import Any

from .criteria import NOT_MET, UNKNOWN
from .data import INDICATIONS, PRODUCTS
from .profile import Profile, validate_patient
from .results import (
    ELIGIBLE,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    IndicationResult,
    ProductResult,
    ScreeningResult,
)
from .ruleset import RULESET_VERSION

# Precomputed once: for each product, its indications with the diagnosis criterion split off,
# because for most people most indications stop at the diagnosis.
_PLAN = tuple(
    (
        product,
        tuple(
            (indication, indication.criteria[0], indication.criteria[1:])
            for indication in INDICATIONS
            if indication.product is product
        ),
    )
    for product in PRODUCTS.values()
)
_RANK = {ELIGIBLE: 0, NEEDS_REVIEW: 1, NOT_ELIGIBLE: 2}


def _screen_indication(indication, gate, rest, p: Profile) -> IndicationResult:
    gate_outcome = gate.evaluate(p)
    if gate_outcome == NOT_MET:
        return IndicationResult(indication, NOT_ELIGIBLE, ((gate, gate_outcome),), p)
    outcomes = ((gate, gate_outcome), *[(c, c.evaluate(p)) for c in rest])
    seen = {outcome for _, outcome in outcomes}
    if NOT_MET in seen:
        verdict = NOT_ELIGIBLE
    elif UNKNOWN in seen:
        verdict = NEEDS_REVIEW
    else:
        verdict = ELIGIBLE
    return IndicationResult(indication, verdict, outcomes, p)


def screen(p: Profile) -> ScreeningResult:
    """Screen a validated profile against every product's current indications."""
    products = {}
    for product, plan in _PLAN:
        results = tuple(_screen_indication(ind, gate, rest, p) for ind, gate, rest in plan)
        verdict = min((r.verdict for r in results), key=_RANK.__getitem__)
        products[product.key] = ProductResult(product, verdict, results, p)
    return ScreeningResult(p, RULESET_VERSION, products)


def screen_patient(patient: Any) -> ScreeningResult:
    """Validate a case-schema `patient` object and screen it; raises `InvalidProfile`."""
    return screen(validate_patient(patient))
