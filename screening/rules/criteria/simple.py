"""Criteria that read one profile fact each: diagnosis, age, status, lines, classes, flags, MRD."""

from __future__ import annotations

from ..facts import lines_phrase, missing_fact, unrecognised_lines_fact
from ..vocabulary import BIOMARKERS, DIAGNOSES, DISEASE_STATUSES, FLAGS, PRIOR_THERAPIES
from .base import MET, NOT_MET, UNKNOWN, Criterion, _sentence, _years


class DiagnosisIn(Criterion):
    """The diagnosis is one the indication names; some need review, some are excluded by name."""

    __slots__ = ("covered", "review", "excluded", "_outcomes")
    kind = "diagnosis_in"
    field = "diagnosis"

    explained_by = ("diagnosis",)

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

    explained_by = ("age_years",)

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

    explained_by = ("age_years",)

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

    explained_by = ("disease_status",)

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

    explained_by = ("prior_lines",)

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

    explained_by = ("prior_lines",)

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
    """A drug class the label requires among the prior therapies (C4).

    A treatment line whose drugs Navigator did not recognise may hold the class, so a class not
    found while such a line exists is unknown (asked about that line), never "not met".
    """

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
        if self.therapy in given:
            return MET
        return UNKNOWN if p.unrecognised_lines else NOT_MET

    def explain_key(self, p):
        return (p.prior_therapies is None, p.unrecognised_lines)

    def explain(self, p, outcome):
        what = PRIOR_THERAPIES[self.therapy]
        if p.prior_therapies is None:
            return f"The treatment history is not known; the label needs prior {what}."
        if outcome == MET:
            return f"Has received {what}, as the label requires."
        if outcome == UNKNOWN:
            return (
                f"No record of {what} in the treatments Navigator recognised; "
                f"{lines_phrase(p.unrecognised_lines)} could not be read, and the label needs it."
            )
        return f"No record of {what}, which the label requires."

    def missing(self, p, outcome):
        if outcome != UNKNOWN:
            return ()
        if p.prior_therapies is None:
            return (missing_fact("prior_therapies"),)
        return (unrecognised_lines_fact(p.unrecognised_lines),)

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

    def explain_key(self, p):
        return (getattr(p, self.fact),)

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

    explained_by = ("mrd_percent",)

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
