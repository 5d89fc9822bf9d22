"""Types for the product catalogue: products, their labels and their indications, as data."""

from __future__ import annotations

from dataclasses import dataclass

from .criteria import Criterion

# Evidence marks carried over from shared/domain/indications.md and indications-update-2026-12.md.
VERIFIED = "V"  # checked in a stored source
INFERRED = "I"  # inferred from a verified source
RECALLED = "R"  # recalled, not confirmed: a coordinator must check the label (C18)


DAILYMED_SEARCH = "https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query="
DAILYMED_SET = "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid="


@dataclass(frozen=True, slots=True)
class Label:
    """The US prescribing information a product's indications are read from, and the label
    record the rule data was last checked against (the label watch compares DailyMed's current
    version with these fields)."""

    name: str
    revised: str  # newest revision the checked sources confirm, "YYYY-MM"
    set_id: str | None  # DailyMed set id; None where no stored source showed it
    # SPL version number checked against; None where no stored source showed it, so the label
    # watch's first look at DailyMed is treated as a change for a person to review.
    spl_version: int | None
    checked_on: str  # "YYYY-MM-DD": date of the label record the rules were checked against
    checked_in: str  # where that record was read
    brand_query: str = ""  # DailyMed search term, used when the set id is not known

    @property
    def url(self) -> str:
        if self.set_id:
            return DAILYMED_SET + self.set_id
        return DAILYMED_SEARCH + self.brand_query

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "revised": self.revised,
            "url": self.url,
            "set_id": self.set_id,
            "spl_version": self.spl_version,
            "checked_on": self.checked_on,
            "checked_in": self.checked_in,
        }


@dataclass(frozen=True, slots=True)
class ResponseFact:
    """A headline efficacy figure for the education panel (never used to decide anything)."""

    trial: str
    population: str
    result: str
    evidence: str


def recalled(trial: str, population: str, result: str) -> ResponseFact:
    """A headline figure recalled from the pivotal trial, to check against section 14."""
    return ResponseFact(trial, population, result, RECALLED)


def verified(trial: str, population: str, result: str) -> ResponseFact:
    """A headline figure seen in a stored source."""
    return ResponseFact(trial, population, result, VERIFIED)


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
    rems: str = ""  # the label's REMS status, as confirmed ("" = not checked)

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
            "rems": self.rems,
            "label": self.label.to_dict(),
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
    # Drugs given with the product in this indication (C18): named in every explanation.
    partners: tuple[str, ...] = ()
    # What was checked where: the confirmations of recalled facts and of corrections.
    sources: tuple[str, ...] = ()

    @property
    def regimen(self) -> str:
        """ "Tecvayli with daratumumab and hyaluronidase", or the brand alone."""
        if not self.partners:
            return self.product.brand
        return f"{self.product.brand} with {' and '.join(self.partners)}"

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
            "partners": list(self.partners),
            "sources": list(self.sources),
            "criteria": [criterion.spec() for criterion in self.criteria],
        }
