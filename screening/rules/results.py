"""Screening results. Verdicts are computed eagerly; explanations, missing facts and cautions
are derived on demand from the (immutable) profile, which keeps screening itself cheap.

The result types are created about 34 times per screening, so they are plain slotted dataclasses:
a frozen one pays for `object.__setattr__` on every field, which doubled the time per case.
Treat them as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalogue import Indication, Product
from .cautions import Caution, cautions_for
from .criteria import UNKNOWN, Criterion
from .facts import MissingFact
from .profile import Profile

ELIGIBLE = "eligible"
NEEDS_REVIEW = "needs_review"
NOT_ELIGIBLE = "not_eligible"
VERDICTS = (ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE)

MEDICAL_ADVICE_NOTICE = (
    "Navigator compares the information given with the approved US label indications. It is not "
    "medical advice and not a treatment decision: the treating team decides."
)


@dataclass(frozen=True, slots=True)
class CriterionResult:
    criterion: Criterion
    outcome: str
    profile: Profile

    @property
    def name(self) -> str:
        return self.criterion.name

    @property
    def label(self) -> str:
        return self.criterion.label

    @property
    def basis(self) -> str:
        return self.criterion.basis

    @property
    def explanation(self) -> str:
        return self.criterion.explain(self.profile, self.outcome)

    @property
    def missing(self) -> tuple[MissingFact, ...]:
        return self.criterion.missing(self.profile, self.outcome)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "outcome": self.outcome,
            "explanation": self.explanation,
            "label": self.label,
            "basis": self.basis,
        }


@dataclass(slots=True)
class IndicationResult:
    indication: Indication
    verdict: str
    outcomes: tuple[tuple[Criterion, str], ...]
    profile: Profile

    @property
    def id(self) -> str:
        return self.indication.id

    @property
    def criteria(self) -> tuple[CriterionResult, ...]:
        return tuple(CriterionResult(c, outcome, self.profile) for c, outcome in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "verdict": self.verdict,
            "citation": self.indication.citation,
            # C18: an indication given with partner drugs names them.
            "given_with": list(self.indication.partners),
            "criteria": [criterion.to_dict() for criterion in self.criteria],
        }


@dataclass(slots=True)
class ProductResult:
    product: Product
    verdict: str
    indications: tuple[IndicationResult, ...]
    profile: Profile
    # True for a result the engine made once for a diagnosis and shares between screenings (a
    # product none of whose indications covers the diagnosis): never change it.
    shared: bool = False

    @property
    def key(self) -> str:
        return self.product.key

    @property
    def missing(self) -> tuple[MissingFact, ...]:
        """Facts whose absence keeps this product at needs_review, and what each one blocks."""
        if self.verdict != NEEDS_REVIEW:
            return ()
        blocked: dict[str, tuple[MissingFact, list[str]]] = {}
        for result in self.indications:
            if result.verdict != NEEDS_REVIEW:
                continue
            for criterion, outcome in result.outcomes:
                if outcome != UNKNOWN:
                    continue
                for fact in criterion.missing(self.profile, outcome):
                    entry = blocked.setdefault(fact.field, (fact, []))
                    if result.id not in entry[1]:
                        entry[1].append(result.id)
        return tuple(
            MissingFact(fact.field, fact.fact, fact.document, tuple(ids))
            for fact, ids in blocked.values()
        )

    @property
    def cautions(self) -> tuple[Caution, ...]:
        """Cautions for a product that is eligible or needs review; none for one that is not."""
        if self.verdict == NOT_ELIGIBLE:
            return ()
        return cautions_for(self.product, self.profile)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "indications": [result.to_dict() for result in self.indications],
            "missing": [fact.to_dict() for fact in self.missing],
            "cautions": [caution.to_dict() for caution in self.cautions],
        }


@dataclass(slots=True)
class ScreeningResult:
    profile: Profile
    ruleset: str
    products: dict[str, ProductResult]

    def verdicts(self) -> dict[str, str]:
        return {key: result.verdict for key, result in self.products.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "results": {key: result.to_dict() for key, result in self.products.items()},
        }
