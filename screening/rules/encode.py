"""Compact JSON for screening results, written straight from the result objects.

`result_json(result)` is exactly `json.dumps(result.to_dict(), separators=(",", ":"))`, but
about four times faster: the parts of the output that depend on nothing but the rule data (an
indication's id and citation, a criterion's name, label and basis, a caution) are encoded once
and reused, and an indication that fails on the diagnosis, which is most of them for any one
person, is encoded once per diagnosis. Only explanations and missing facts are encoded per case.
The CLI uses it for its default output; tests check it against `to_dict` on random profiles.
"""

from __future__ import annotations

import json

from .catalogue import Indication
from .cautions import ALL_CAUTIONS
from .criteria import Criterion
from .results import IndicationResult, ProductResult, ScreeningResult

_string = json.encoder.encode_basestring_ascii  # what json.dumps uses for str (ensure_ascii)


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"))


class _CriterionParts:
    """The encoded text around a criterion's explanation, one per outcome."""

    __slots__ = ("heads", "tail")

    def __init__(self, criterion: Criterion):
        name = _string(criterion.name)
        self.heads = {
            outcome: f'{{"name":{name},"outcome":"{outcome}","explanation":'
            for outcome in ("met", "not_met", "unknown")
        }
        self.tail = f',"label":{_string(criterion.label)},"basis":{_string(criterion.basis)}}}'


class _IndicationParts:
    __slots__ = ("heads",)

    def __init__(self, indication: Indication):
        static = (
            f',"citation":{_string(indication.citation)},'
            f'"given_with":{_dumps(list(indication.partners))},"criteria":['
        )
        self.heads = {
            verdict: f'{{"id":{_string(indication.id)},"verdict":"{verdict}"{static}'
            for verdict in ("eligible", "needs_review", "not_eligible")
        }


_CRITERIA: dict[int, _CriterionParts] = {}
_INDICATIONS: dict[str, _IndicationParts] = {}
_CAUTIONS = {caution.code: _dumps(caution.to_dict()) for caution in ALL_CAUTIONS}


def _criterion_parts(criterion: Criterion) -> _CriterionParts:
    parts = _CRITERIA.get(id(criterion))
    if parts is None:
        parts = _CRITERIA[id(criterion)] = _CriterionParts(criterion)
    return parts


def _indication_json(result: IndicationResult) -> str:
    indication = result.indication
    parts = _INDICATIONS.get(indication.id)
    if parts is None:
        parts = _INDICATIONS[indication.id] = _IndicationParts(indication)
    profile = result.profile
    criteria = []
    for criterion, outcome in result.outcomes:
        key = (id(criterion), outcome, criterion.explain_key(profile))
        text = _EXPLAINED.get(key)
        if text is None:
            if len(_EXPLAINED) >= _EXPLAINED_MAX:
                _EXPLAINED.clear()  # bounded: ages and MRD levels can take many values
            encoded = _criterion_parts(criterion)
            text = _EXPLAINED[key] = (
                encoded.heads[outcome] + _string(criterion.explain(profile, outcome)) + encoded.tail
            )
        criteria.append(text)
    return parts.heads[result.verdict] + ",".join(criteria) + "]}"


# A criterion's encoded text, by criterion, outcome and the facts its explanation reads.
_EXPLAINED: dict[tuple, str] = {}
_EXPLAINED_MAX = 50_000


# An indication that failed on the diagnosis reads nothing else (see engine._GATE), so its text
# depends on the indication and the diagnosis alone: at most 35 x 16 entries.
_GATE_FAILED: dict[tuple[str, str | None], str] = {}


def _indication(result: IndicationResult) -> str:
    outcomes = result.outcomes
    if len(outcomes) == 1 and outcomes[0][0] is result.indication.criteria[0]:
        key = (result.indication.id, result.profile.diagnosis)
        text = _GATE_FAILED.get(key)
        if text is None:
            text = _GATE_FAILED[key] = _indication_json(result)
        return text
    return _indication_json(result)


def _product_json(result: ProductResult) -> str:
    indications = ",".join(_indication(indication) for indication in result.indications)
    facts = result.missing
    missing = _dumps([fact.to_dict() for fact in facts]) if facts else "[]"
    cautions = ",".join(_CAUTIONS[caution.code] for caution in result.cautions)
    return (
        f'{{"verdict":"{result.verdict}","indications":[{indications}],'
        f'"missing":{missing},"cautions":[{cautions}]}}'
    )


# A product whose every indication fails on the diagnosis is one shared result per diagnosis
# (engine._ruled_out), so its text is encoded once per diagnosis too.
_SHARED_JSON: dict[tuple[str, str | None], tuple[ProductResult, str]] = {}


def _entry(key: str, product: ProductResult) -> str:
    if not product.shared:
        return _string(key) + ":" + _product_json(product)
    cache_key = (key, product.profile.diagnosis)
    hit = _SHARED_JSON.get(cache_key)
    if hit is None or hit[0] is not product:
        hit = _SHARED_JSON[cache_key] = (product, _string(key) + ":" + _product_json(product))
    return hit[1]


_NO_ID = object()


def results_json(result: ScreeningResult) -> str:
    """The compact JSON of `result.to_dict()["results"]`, byte for byte (what a stored
    screening run keeps)."""
    return "{" + ",".join(_entry(key, product) for key, product in result.products.items()) + "}"


def result_json(result: ScreeningResult, case_id=_NO_ID) -> str:
    """The compact JSON of `result.to_dict()`, byte for byte; with a `case_id`, of
    `{"id": case_id, **result.to_dict()}` (the CLI's output per case)."""
    head = "{"
    if case_id is not _NO_ID:
        head += '"id":' + (_string(case_id) if isinstance(case_id, str) else _dumps(case_id)) + ","
    return f'{head}"ruleset":{_string(result.ruleset)},"results":{results_json(result)}}}'
