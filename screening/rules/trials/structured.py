"""The structured criteria of a trial: diagnosis, age, sex, recruitment status and sites.

These come from the registry's fields, not its prose, and are the hard filter: each can make a
trial `not_eligible`. They read a `MatchInput` (the profile plus where the person lives and
would travel), since the case schema has no country and no sex.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..profile import Profile
from ..vocabulary import DIAGNOSES
from .ages import compare_maximum, compare_minimum, describe_age, parse_age
from .conditions import DiagnosisCoverage
from .record import OPEN_STATUSES, Site

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
STATUS_WORDS = {
    "RECRUITING": "recruiting",
    "NOT_YET_RECRUITING": "not yet recruiting",
    "ACTIVE_NOT_RECRUITING": "active, not recruiting",
    "COMPLETED": "completed",
    "ENROLLING_BY_INVITATION": "enrolling by invitation only",
    "SUSPENDED": "suspended",
    "TERMINATED": "terminated",
    "WITHDRAWN": "withdrawn",
    "UNKNOWN": "of unknown status (not verified recently)",
}


@dataclass(frozen=True, slots=True)
class MatchInput:
    """One person as the matcher sees them."""

    profile: Profile
    country: str | None = None  # ISO 3166-1 alpha-2 of where they live
    travel_countries: frozenset[str] = frozenset()
    sex: str | None = None  # FEMALE / MALE; the intake does not ask, so usually None

    countries: frozenset[str] = frozenset()  # where they live and would travel: derived

    def __post_init__(self):
        home = {self.country} if self.country else set()
        object.__setattr__(self, "countries", frozenset(self.travel_countries) | home)


class Structured:
    __slots__ = ()
    name = ""
    section = "structured"

    def evaluate(self, person: MatchInput) -> str:
        raise NotImplementedError

    def explain(self, person: MatchInput, outcome: str) -> str:
        raise NotImplementedError

    @property
    def source(self) -> str:
        raise NotImplementedError


class DiagnosisCriterion(Structured):
    __slots__ = ("coverage",)
    name = "diagnosis"

    def __init__(self, coverage: DiagnosisCoverage):
        self.coverage = coverage

    def evaluate(self, person):
        return self.coverage.outcome(person.profile.diagnosis)

    def explain(self, person, outcome):
        diagnosis = person.profile.diagnosis
        listed = "; ".join(self.coverage.terms) or "none"
        if diagnosis is None:
            return f"The diagnosis is not known; the trial is for: {listed}."
        words = DIAGNOSES[diagnosis]
        if self.coverage.unreadable:
            return (
                f"Navigator cannot map the trial's conditions ({listed}) to a diagnosis; "
                f"whether they include {words} is for the trial team."
            )
        if outcome == MET:
            return f"The trial's condition '{self.coverage.sources[diagnosis]}' covers {words}."
        if outcome == UNKNOWN:
            return (
                f"The trial's condition '{self.coverage.sources[diagnosis]}' may include {words}: "
                "for the trial team."
            )
        return f"The trial is for {listed}, not {words}."

    @property
    def source(self):
        return "Conditions: " + ("; ".join(self.coverage.terms) or "none listed")


class AgeCriterion(Structured):
    __slots__ = ("minimum", "maximum", "problems", "texts")
    name = "age"

    def __init__(self, minimum_text: str | None, maximum_text: str | None):
        self.texts = (minimum_text, maximum_text)
        self.minimum, low_problem = parse_age(minimum_text)
        self.maximum, high_problem = parse_age(maximum_text)
        self.problems = tuple(p for p in (low_problem, high_problem) if p)

    def evaluate(self, person):
        age = person.profile.age_years
        if self.problems or age is None:
            return UNKNOWN if (self.problems or self.minimum or self.maximum) else MET
        outcomes = []
        if self.minimum is not None:
            outcomes.append(compare_minimum(age, self.minimum))
        if self.maximum is not None:
            outcomes.append(compare_maximum(age, self.maximum))
        if NOT_MET in outcomes:
            return NOT_MET
        return UNKNOWN if UNKNOWN in outcomes else MET

    def limits(self) -> str:
        low, high = self.minimum, self.maximum
        if low and high:
            return f"ages {low.words()} to {high.words()}"
        if low:
            return f"ages {low.words()} and older"
        if high:
            return f"ages up to {high.words()}"
        return "no age limit"

    def explain(self, person, outcome):
        age = person.profile.age_years
        if self.problems:
            return "The registry's age limit cannot be read (" + "; ".join(self.problems) + ")."
        if age is None:
            return f"Age is not known; the trial takes {self.limits()}."
        if outcome == MET:
            return f"Age {describe_age(age)} is within the trial's {self.limits()}."
        if outcome == UNKNOWN:
            return (
                f"Age {describe_age(age)} in completed years cannot settle the trial's "
                f"{self.limits()}: the exact age decides."
            )
        return f"Age {describe_age(age)} is outside the trial's {self.limits()}."

    @property
    def source(self):
        low, high = self.texts
        return f"minimumAge: {low or 'none'}; maximumAge: {high or 'none'}"


class SexCriterion(Structured):
    __slots__ = ("sex",)
    name = "sex"

    def __init__(self, sex: str):
        self.sex = sex or "ALL"

    def evaluate(self, person):
        if self.sex == "ALL":
            return MET
        if person.sex is None:
            return UNKNOWN
        return MET if person.sex == self.sex else NOT_MET

    def explain(self, person, outcome):
        if self.sex == "ALL":
            return "The trial takes all sexes."
        wanted = "women" if self.sex == "FEMALE" else "men"
        if person.sex is None:
            return f"The trial takes only {wanted}; Navigator does not record sex."
        return f"The trial takes only {wanted}."

    @property
    def source(self):
        return f"sex: {self.sex}"


class StatusCriterion(Structured):
    __slots__ = ("status", "last_known")
    name = "recruitment"

    def __init__(self, status: str, last_known: str = ""):
        self.status = status
        self.last_known = last_known

    def evaluate(self, person):
        return MET if self.status in OPEN_STATUSES else NOT_MET

    def explain(self, person, outcome):
        words = STATUS_WORDS.get(self.status, self.status.lower().replace("_", " "))
        if outcome == MET:
            return f"The trial is {words}."
        text = f"The trial is {words}: it is not taking new participants."
        if self.status == "UNKNOWN" and self.last_known:
            text += f" Last known status: {STATUS_WORDS.get(self.last_known, self.last_known)}."
        return text

    @property
    def source(self):
        return f"overallStatus: {self.status}"


class SiteCriterion(Structured):
    __slots__ = ("sites", "open_codes")
    name = "sites"

    def __init__(self, sites: tuple[Site, ...]):
        self.sites = sites
        self.open_codes = frozenset(s.country_code for s in sites if s.is_open and s.country_code)

    def evaluate(self, person):
        if not self.sites:
            return UNKNOWN
        wanted = person.countries
        if not wanted:
            return UNKNOWN
        if self.open_codes & wanted:
            return MET
        if any(s.is_open and not s.country_code for s in self.sites):
            return UNKNOWN  # a site whose country could not be read
        return NOT_MET

    def explain(self, person, outcome):
        if not self.sites:
            return "The registry lists no sites yet: ask the trial team where it will run."
        countries = sorted({s.country for s in self.sites if s.is_open and s.country})
        listed = ", ".join(countries) or "no open site"
        if not person.countries:
            return f"Where the person lives is not known; open sites: {listed}."
        if outcome == MET:
            return (
                f"An open site is in a country the person lives in or would travel to ({listed})."
            )
        if outcome == UNKNOWN:
            return f"A site's country cannot be read; open sites: {listed}."
        return (
            f"No open site in the person's country or the countries they would travel to "
            f"(open sites: {listed})."
        )

    @property
    def source(self):
        return (
            "Sites: "
            + (
                "; ".join(
                    f"{s.facility or 'site'}, {s.city or '?'}, {s.country or '?'}"
                    + (f" ({s.status.lower().replace('_', ' ')})" if s.status else "")
                    for s in self.sites[:20]
                )
                or "none listed"
            )
            + (f"; and {len(self.sites) - 20} more" if len(self.sites) > 20 else "")
        )
