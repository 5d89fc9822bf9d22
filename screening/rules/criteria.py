"""Criterion kinds: each reads a few profile facts and says `met`, `not_met` or `unknown`.

Indications are built from these as data (see `data/`). A criterion must be sound in three-valued
logic: it says `not_met` only when no value of the unknown facts could meet it, so filling in a
fact never rescues a `not_eligible` verdict. `evaluate` is the hot path and returns only the
outcome; explanations and missing facts are worked out when someone asks for them.
"""

from __future__ import annotations

from .facts import MissingFact, missing_fact
from .profile import Profile
from .vocabulary import BIOMARKERS, DIAGNOSES, DISEASE_STATUSES, FLAGS, PRIOR_THERAPIES

MET = "met"
NOT_MET = "not_met"
UNKNOWN = "unknown"


def _sentence(text: str) -> str:
    """Upper-case the first letter only: str.capitalize() would turn "KMT2A" into "Kmt2a"."""
    return text[:1].upper() + text[1:]


def _years(age: float) -> str:
    if age < 1:
        months = round(age * 12, 1)
        return f"{months:g} months"
    return f"{age:g} years"


class Criterion:
    """Base: a named check with the label wording it stands for and where the rule comes from."""

    __slots__ = ("name", "label", "basis")
    kind = ""
    # The profile field whose absence makes this criterion unknown (None: no single field).
    field: str | None = None

    def __init__(self, name: str, label: str, basis: str = "label"):
        self.name = name
        self.label = label
        self.basis = basis

    def evaluate(self, p: Profile) -> str:
        raise NotImplementedError

    def explain(self, p: Profile, outcome: str) -> str:
        raise NotImplementedError

    def missing(self, p: Profile, outcome: str) -> tuple[MissingFact, ...]:
        """The facts that would settle this criterion when unknown; empty for a judgment call."""
        if outcome == UNKNOWN and self.field is not None and getattr(p, self.field) is None:
            return (missing_fact(self.field),)
        return ()

    def params(self) -> dict:
        return {}

    def spec(self) -> dict:
        """Everything that decides this criterion, for the ruleset hash."""
        return {
            "kind": self.kind,
            "name": self.name,
            "label": self.label,
            "basis": self.basis,
            **self.params(),
        }


class DiagnosisIn(Criterion):
    """The diagnosis is one the indication names; some need review, some are excluded by name."""

    __slots__ = ("covered", "review", "excluded", "_outcomes")
    kind = "diagnosis_in"
    field = "diagnosis"

    def __init__(self, label, covered, review=None, excluded=None, basis="label"):
        super().__init__("diagnosis", label, basis)
        self.covered = frozenset(covered)
        self.review = dict(review or {})
        self.excluded = dict(excluded or {})
        self._outcomes = {d: MET for d in self.covered}
        self._outcomes.update({d: UNKNOWN for d in self.review})

    def evaluate(self, p):
        if p.diagnosis is None:
            return UNKNOWN
        return self._outcomes.get(p.diagnosis, NOT_MET)

    def explain(self, p, outcome):
        d = p.diagnosis
        if d is None:
            return "The diagnosis is not known yet."
        if d in self.excluded:
            return f"The label excludes {DIAGNOSES[d]}: {self.excluded[d]}"
        if d in self.review:
            return f"{_sentence(DIAGNOSES[d])}: {self.review[d]}"
        if outcome == MET:
            return f"{_sentence(DIAGNOSES[d])} is covered by this indication."
        return f"{_sentence(DIAGNOSES[d])} is not covered by this indication."

    def params(self):
        return {
            "covered": sorted(self.covered),
            "review": self.review,
            "excluded": self.excluded,
        }


class AgeAtLeast(Criterion):
    __slots__ = ("years", "words")
    kind = "age_at_least"
    field = "age_years"

    def __init__(self, years, label, words, basis="label"):
        super().__init__("age", label, basis)
        self.years = years
        self.words = words  # "adult (18 or older)", "1 year or older"

    def evaluate(self, p):
        age = p.age_years
        if age is None:
            return UNKNOWN
        return MET if age >= self.years else NOT_MET

    def explain(self, p, outcome):
        if p.age_years is None:
            return f"Age is not known; this indication is for patients {self.words}."
        verb = "meets" if outcome == MET else "does not meet"
        return f"Age {_years(p.age_years)} {verb} the requirement: {self.words}."

    def params(self):
        return {"years": self.years}


class AgeAtMost(AgeAtLeast):
    """ "Up to 25 years of age" includes everyone whose completed age is 25 (C1), so 25.5 is in
    and 26 is out: the payers' wording is "less than 26 years of age"."""

    __slots__ = ()
    kind = "age_at_most"

    def evaluate(self, p):
        age = p.age_years
        if age is None:
            return UNKNOWN
        return MET if age < self.years + 1 else NOT_MET


class AgeReviewBelow(Criterion):
    """Below an age the label is silent but the evidence thin: a clinician decides (C2)."""

    __slots__ = ("years", "reason")
    kind = "age_review_below"
    field = "age_years"

    def __init__(self, years, label, reason, basis):
        super().__init__("age studied", label, basis)
        self.years = years
        self.reason = reason

    def evaluate(self, p):
        age = p.age_years
        if age is None:
            return UNKNOWN
        return UNKNOWN if age < self.years else MET

    def explain(self, p, outcome):
        if p.age_years is None:
            return "Age is not known."
        if outcome == MET:
            return f"Age {_years(p.age_years)} is within the ages studied."
        return f"Age {_years(p.age_years)}: {self.reason}"

    def params(self):
        return {"years": self.years, "reason": self.reason}


class StatusIn(Criterion):
    """The disease state the indication names; some states leave the label's test unsettled."""

    __slots__ = ("accepted", "words", "review", "_outcomes")
    kind = "status_in"
    field = "disease_status"

    def __init__(self, label, accepted, words, review=None, basis="label"):
        super().__init__("disease status", label, basis)
        self.accepted = frozenset(accepted)
        self.words = words
        # status -> (reason, field of the missing fact or None)
        self.review = dict(review or {})
        self._outcomes = {s: MET for s in self.accepted}
        self._outcomes.update({s: UNKNOWN for s in self.review})

    def evaluate(self, p):
        if p.disease_status is None:
            return UNKNOWN
        return self._outcomes.get(p.disease_status, NOT_MET)

    def explain(self, p, outcome):
        s = p.disease_status
        if s is None:
            return (
                "The disease status is not known; this indication needs disease that is "
                f"{self.words}."
            )
        described = DISEASE_STATUSES[s]
        if s in self.review:
            return f"Disease status: {described}; {self.review[s][0]}"
        if outcome == MET:
            return f"Disease status: {described}, which counts as {self.words}."
        return f"Disease status: {described}; the label needs disease that is {self.words}."

    def missing(self, p, outcome):
        if outcome != UNKNOWN:
            return ()
        if p.disease_status is None:
            return (missing_fact("disease_status"),)
        field = self.review[p.disease_status][1]
        return (missing_fact(field),) if field else ()

    def params(self):
        return {"accepted": sorted(self.accepted), "review": self.review}


class LinesAtLeast(Criterion):
    __slots__ = ("lines",)
    kind = "lines_at_least"
    field = "prior_lines"

    def __init__(self, lines, label, basis="label"):
        super().__init__("prior lines", label, basis)
        self.lines = lines

    def evaluate(self, p):
        n = p.prior_lines
        if n is None:
            return UNKNOWN
        return MET if n >= self.lines else NOT_MET

    def explain(self, p, outcome):
        n = p.prior_lines
        need = f"at least {self.lines} prior line{'s' if self.lines > 1 else ''} of therapy"
        if n is None:
            return f"The number of prior lines of therapy is not known; the label needs {need}."
        if outcome == MET:
            return f"{n} prior line(s) of therapy: meets the requirement of {need}."
        return f"{n} prior line(s) of therapy: the label needs {need}."

    def params(self):
        return {"lines": self.lines}


class LinesExactly(Criterion):
    """Second-line settings: exactly the first line given, no more (C3)."""

    __slots__ = ("lines", "words")
    kind = "lines_exactly"
    field = "prior_lines"

    def __init__(self, lines, label, words, basis="label"):
        super().__init__("prior lines", label, basis)
        self.lines = lines
        self.words = words

    def evaluate(self, p):
        n = p.prior_lines
        if n is None:
            return UNKNOWN
        return MET if n == self.lines else NOT_MET

    def explain(self, p, outcome):
        n = p.prior_lines
        if n is None:
            return (
                "The number of prior lines of therapy is not known; this indication is "
                f"{self.words}."
            )
        if outcome == MET:
            return f"{n} prior line(s) of therapy: matches this setting ({self.words})."
        return f"{n} prior line(s) of therapy: this indication is {self.words}."

    def params(self):
        return {"lines": self.lines}


class Received(Criterion):
    """A drug class the label requires among the prior therapies (C4)."""

    __slots__ = ("therapy",)
    kind = "received"
    field = "prior_therapies"

    def __init__(self, therapy, label, basis="label"):
        super().__init__(f"received {PRIOR_THERAPIES[therapy]}", label, basis)
        self.therapy = therapy

    def evaluate(self, p):
        given = p.prior_therapies
        if given is None:
            return UNKNOWN
        return MET if self.therapy in given else NOT_MET

    def explain(self, p, outcome):
        what = PRIOR_THERAPIES[self.therapy]
        if p.prior_therapies is None:
            return f"The treatment history is not known; the label needs prior {what}."
        if outcome == MET:
            return f"Has received {what}, as the label requires."
        return f"No record of {what}, which the label requires."

    def params(self):
        return {"therapy": self.therapy}


class FactIs(Criterion):
    """A yes/no fact the indication text names: a biomarker (C5) or a clinical finding."""

    __slots__ = ("fact", "wanted", "reads")
    kind = "fact_is"

    def __init__(self, fact, wanted, label, basis="label"):
        reads = BIOMARKERS.get(fact) or FLAGS[fact]
        super().__init__(reads, label, basis)
        self.fact = fact
        self.wanted = wanted
        self.reads = reads

    @property
    def field(self):
        return self.fact

    def evaluate(self, p):
        value = getattr(p, self.fact)
        if value is None:
            return UNKNOWN
        return MET if value is self.wanted else NOT_MET

    def explain(self, p, outcome):
        needed = "present" if self.wanted else "absent"
        value = getattr(p, self.fact)
        if value is None:
            return f"{_sentence(self.reads)} is not known; the label needs it {needed}."
        found = "present" if value else "absent"
        verdict = "as the label requires" if outcome == MET else f"the label needs it {needed}"
        return f"{_sentence(self.reads)}: {found}, {verdict}."

    def params(self):
        return {"fact": self.fact, "wanted": self.wanted}


class MrdAtLeast(Criterion):
    __slots__ = ("percent",)
    kind = "mrd_at_least"
    field = "mrd_percent"

    def __init__(self, percent, label, basis="label"):
        super().__init__("MRD level", label, basis)
        self.percent = percent

    def evaluate(self, p):
        mrd = p.mrd_percent
        if mrd is None:
            return UNKNOWN
        return MET if mrd >= self.percent else NOT_MET

    def explain(self, p, outcome):
        if p.mrd_percent is None:
            return (
                "The bone marrow MRD level is not known; the label needs MRD of "
                f"{self.percent:g}% or more."
            )
        verb = "meets" if outcome == MET else "is below"
        return f"MRD {p.mrd_percent:g}% {verb} the label's threshold of {self.percent:g}%."

    def params(self):
        return {"percent": self.percent}


class FirstLineFailure(Criterion):
    """LBCL second-line setting: refractory to, or early relapse after, first-line therapy.

    Breyanzi also accepts any relapse after first line in a patient who is not a transplant
    candidate (`allow_transplant_ineligible`). Three-valued OR: met if any route is met,
    not_met only if every route is closed.
    """

    __slots__ = ("allow_transplant_ineligible",)
    kind = "first_line_failure"

    def __init__(self, label, allow_transplant_ineligible, basis="label"):
        super().__init__("second-line setting", label, basis)
        self.allow_transplant_ineligible = allow_transplant_ineligible

    def evaluate(self, p):
        status = p.disease_status
        if status == "refractory":
            return MET
        if status is None:
            return UNKNOWN
        if status not in ("relapsed", "second_or_later_relapse", "relapsed_after_transplant"):
            return NOT_MET
        early = p.relapse_within_12_months
        if early is True:
            return MET
        if self.allow_transplant_ineligible:
            ineligible = p.transplant_eligible
            if ineligible is False:
                return MET
            if early is False and ineligible is True:
                return NOT_MET
            return UNKNOWN
        return NOT_MET if early is False else UNKNOWN

    def explain(self, p, outcome):
        status = p.disease_status
        if status is None:
            return "The disease status is not known."
        if status == "refractory":
            return "Refractory to first-line chemoimmunotherapy."
        if outcome == NOT_MET and status not in (
            "relapsed",
            "second_or_later_relapse",
            "relapsed_after_transplant",
        ):
            return (
                f"Disease status: {DISEASE_STATUSES[status]}; this setting needs disease that is "
                "refractory to, or relapsed after, first-line chemoimmunotherapy."
            )
        early = p.relapse_within_12_months
        parts = []
        if early is True:
            parts.append("relapsed within 12 months of first-line chemoimmunotherapy")
        elif early is False:
            parts.append("relapsed more than 12 months after first-line chemoimmunotherapy")
        else:
            parts.append(
                "whether the relapse came within 12 months of first-line therapy is not known"
            )
        if self.allow_transplant_ineligible and early is not True:
            eligible = p.transplant_eligible
            if eligible is False:
                parts.append("not a transplant candidate")
            elif eligible is True:
                parts.append("a transplant candidate")
            else:
                parts.append("whether a transplant is an option is not known")
        return _sentence("; ".join(parts)) + "."

    def missing(self, p, outcome):
        if outcome != UNKNOWN:
            return ()
        if p.disease_status is None:
            return (missing_fact("disease_status"),)
        # Either route may settle it, so name every fact still open.
        facts = []
        if p.relapse_within_12_months is None:
            facts.append(missing_fact("relapse_within_12_months"))
        if self.allow_transplant_ineligible and p.transplant_eligible is None:
            facts.append(missing_fact("transplant_eligible"))
        return tuple(facts)

    def params(self):
        return {"allow_transplant_ineligible": self.allow_transplant_ineligible}


class AntigenNotNegative(Criterion):
    """C6: the label names no antigen, so unknown passes; a known-negative target needs review."""

    __slots__ = ("fact",)
    kind = "antigen_not_negative"

    def __init__(self, fact, label, basis):
        super().__init__(f"target antigen ({BIOMARKERS[fact]})", label, basis)
        self.fact = fact

    def evaluate(self, p):
        return UNKNOWN if getattr(p, self.fact) is False else MET

    def explain(self, p, outcome):
        what = BIOMARKERS[self.fact]
        value = getattr(p, self.fact)
        if value is None:
            return f"{what} has not been reported; the label does not require a test."
        if value:
            return f"{what} is present."
        return (
            f"{what} is reported absent. The label does not mention it, but the therapy works by "
            "targeting it, so a clinician needs to review this."
        )

    def params(self):
        return {"fact": self.fact}


class NoPriorSameTarget(Criterion):
    """C7: an earlier CAR-T against the same target: the label is silent, the trials excluded it."""

    __slots__ = ("therapy",)
    kind = "no_prior_same_target"

    def __init__(self, therapy, label, basis):
        super().__init__(f"no prior {PRIOR_THERAPIES[therapy].removeprefix('a ')}", label, basis)
        self.therapy = therapy

    def evaluate(self, p):
        given = p.prior_therapies
        return UNKNOWN if given is not None and self.therapy in given else MET

    def explain(self, p, outcome):
        what = PRIOR_THERAPIES[self.therapy]
        if outcome == MET:
            return f"No record of {what} before."
        return (
            f"Has already received {what}. The label does not address re-treatment and the "
            "pivotal trials excluded it, so a clinician needs to review this."
        )

    def params(self):
        return {"therapy": self.therapy}
