"""Types for the product catalogue: products, their labels and their indications, as data."""

from __future__ import annotations

from dataclasses import dataclass

from .criteria import Criterion

# Evidence marks carried over from shared/domain/indications.md.
VERIFIED = "V"  # checked in a stored source
INFERRED = "I"  # inferred from a verified source
RECALLED = "R"  # recalled, not confirmed: a coordinator must check the label


@dataclass(frozen=True, slots=True)
class Label:
    """The US prescribing information a product's indications are read from."""

    name: str
    revised: str  # newest revision the research confirmed, "YYYY-MM"
    url: str


@dataclass(frozen=True, slots=True)
class ResponseFact:
    """A headline efficacy figure for the education panel (never used to decide anything)."""

    trial: str
    population: str
    result: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Product:
    key: str
    brand: str
    generic: str
    maker: str
    product_class: str
    target: str
    is_car_t: bool
    label: Label
    response_data: tuple[ResponseFact, ...]
    # What the product is labelled for, for "no indication covers diagnosis" explanations.
    labelled_for: str

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "brand": self.brand,
            "generic": self.generic,
            "maker": self.maker,
            "class": self.product_class,
            "target": self.target,
            "car_t": self.is_car_t,
            "labelled_for": self.labelled_for,
            "label": {
                "name": self.label.name,
                "revised": self.label.revised,
                "url": self.label.url,
            },
            "response_data": [
                {
                    "trial": fact.trial,
                    "population": fact.population,
                    "result": fact.result,
                    "evidence": fact.evidence,
                }
                for fact in self.response_data
            ],
        }


@dataclass(frozen=True, slots=True)
class Indication:
    id: str
    product: Product
    wording: str  # the indication statement as the label gives it
    section: str  # label section, "1" where the subsection number was not confirmed
    approved: str  # first approval of this indication, "YYYY-MM-DD"
    approval_type: str  # "regular" | "accelerated" | "accelerated (conversion not confirmed)"
    target: str
    criteria: tuple[Criterion, ...]
    evidence: str = VERIFIED
    notes: str = ""

    @property
    def citation(self) -> str:
        label = self.product.label
        return f"{label.name}, section {self.section} (revised {label.revised}), {label.url}"

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "product": self.product.key,
            "wording": self.wording,
            "citation": {
                "label": self.product.label.name,
                "section": self.section,
                "revised": self.product.label.revised,
                "url": self.product.label.url,
            },
            "approved": self.approved,
            "approval_type": self.approval_type,
            "target": self.target,
            "evidence": self.evidence,
            "notes": self.notes,
            "criteria": [criterion.spec() for criterion in self.criteria],
        }
