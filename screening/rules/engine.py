"""The screening function: a profile in, a verdict for every product out (pure, never raises).

Verdicts follow C14: an indication is not_eligible if any criterion is not met, needs_review if
any is unknown, otherwise eligible; a product takes the best verdict of its indications.
"""

from __future__ import annotations

from typing import Any

from .catalogue import Indication
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
from .vocabulary import DIAGNOSES


class _DiagnosisOnly:
    """Just enough of a profile to ask a diagnosis criterion about one diagnosis."""

    __slots__ = ("diagnosis",)

    def __init__(self, diagnosis):
        self.diagnosis = diagnosis


# Precomputed once. The diagnosis gate depends on nothing but the diagnosis, so its outcome for
# every indication is known in advance for each possible diagnosis (and for an unknown one); for
# most people most indications stop there, and their result needs no criterion call at all.
_PLAN = tuple(
    (product, tuple(i for i in INDICATIONS if i.product is product))
    for product in PRODUCTS.values()
)
_GATE = {
    diagnosis: {
        indication.id: indication.criteria[0].evaluate(_DiagnosisOnly(diagnosis))
        for indication in INDICATIONS
    }
    for diagnosis in (*DIAGNOSES, None)
}
_RANK = {ELIGIBLE: 0, NEEDS_REVIEW: 1, NOT_ELIGIBLE: 2}


def _screen_indication(indication: Indication, gate_outcome: str, p: Profile) -> IndicationResult:
    criteria = indication.criteria
    outcomes = [(criteria[0], gate_outcome)]
    verdict = NEEDS_REVIEW if gate_outcome == UNKNOWN else ELIGIBLE
    for criterion in criteria[1:]:
        outcome = criterion.evaluate(p)
        outcomes.append((criterion, outcome))
        if outcome == NOT_MET:
            verdict = NOT_ELIGIBLE
        elif outcome == UNKNOWN and verdict == ELIGIBLE:
            verdict = NEEDS_REVIEW
    return IndicationResult(indication, verdict, tuple(outcomes), p)


def _diagnosis_profile(diagnosis: str | None) -> Profile:
    """A profile that knows only the diagnosis: all a result ruled out by it ever reads."""
    profile = _DIAGNOSIS_PROFILES.get(diagnosis)
    if profile is None:
        fields = dict.fromkeys(Profile.__dataclass_fields__)
        fields.update(diagnosis=diagnosis, unrecognised_lines=())
        profile = _DIAGNOSIS_PROFILES[diagnosis] = Profile(**fields)
    return profile


_DIAGNOSIS_PROFILES: dict[str | None, Profile] = {}
# Results that depend on the diagnosis alone, made once and shared (read-only) by every screening
# with that diagnosis: an indication whose diagnosis is not covered, and a product none of whose
# indications covers it. Each entry remembers what it was made from, so a different plan (a
# test deploying older rules) never reuses it.
_GATE_FAILED: dict[tuple[str, str | None], IndicationResult] = {}
_RULED_OUT: dict[tuple[str, str | None], tuple[tuple[Indication, ...], ProductResult]] = {}


def _gate_failed(indication: Indication, diagnosis: str | None) -> IndicationResult:
    key = (indication.id, diagnosis)
    result = _GATE_FAILED.get(key)
    if result is None or result.indication is not indication:
        result = _GATE_FAILED[key] = IndicationResult(
            indication,
            NOT_ELIGIBLE,
            ((indication.criteria[0], NOT_MET),),
            _diagnosis_profile(diagnosis),
        )
    return result


def _ruled_out(product, indications: tuple[Indication, ...], diagnosis: str | None):
    key = (product.key, diagnosis)
    hit = _RULED_OUT.get(key)
    if hit is None or hit[0] is not indications:
        result = ProductResult(
            product,
            NOT_ELIGIBLE,
            tuple(_gate_failed(indication, diagnosis) for indication in indications),
            _diagnosis_profile(diagnosis),
            shared=True,
        )
        hit = _RULED_OUT[key] = (indications, result)
    return hit[1]


_RULED_OUT_KEYS: dict[str | None, tuple[tuple, frozenset[str]]] = {}


def _ruled_out_keys(plan: tuple, diagnosis: str | None) -> frozenset[str]:
    """The products none of whose indications covers this diagnosis, under this plan."""
    hit = _RULED_OUT_KEYS.get(diagnosis)
    if hit is None or hit[0] is not plan:
        gates = _GATE[diagnosis]
        keys = frozenset(
            product.key
            for product, indications in plan
            if all(gates[indication.id] == NOT_MET for indication in indications)
        )
        hit = _RULED_OUT_KEYS[diagnosis] = (plan, keys)
    return hit[1]


def screen(p: Profile) -> ScreeningResult:
    """Screen a validated profile against every product's current indications."""
    diagnosis = p.diagnosis
    gates = _GATE[diagnosis]
    plan = _PLAN
    ruled_out = _ruled_out_keys(plan, diagnosis)
    products = {}
    for product, indications in plan:
        if product.key in ruled_out:
            products[product.key] = _ruled_out(product, indications, diagnosis)
            continue
        results = []
        best = NOT_ELIGIBLE
        for indication in indications:
            gate_outcome = gates[indication.id]
            if gate_outcome == NOT_MET:
                result = _gate_failed(indication, diagnosis)
            else:
                result = _screen_indication(indication, gate_outcome, p)
                if _RANK[result.verdict] < _RANK[best]:
                    best = result.verdict
            results.append(result)
        products[product.key] = ProductResult(product, best, tuple(results), p)
    return ScreeningResult(p, RULESET_VERSION, products)


def screen_patient(patient: Any) -> ScreeningResult:
    """Validate a case-schema `patient` object and screen it; raises `InvalidProfile`."""
    return screen(validate_patient(patient))
