"""What a recognised eligibility bullet asks of a person, and how a profile answers it.

Every finding reads one property of the profile ("CD22 expression", "ECOG 0 to 1", "an earlier
CAR-T"), and answers `has` with True, False or None (not known, or a judgment the profile cannot
settle). Its polarity comes from the section and the negation around the words: `must` (an
inclusion) or `must_not` (an exclusion), or `allows` for a permission ("prior CD19-directed
therapy allowed"), which is always met. A `guarded` finding sits beside words it cannot read
("high-risk or relapsed", "in the main cohort", "judged by the investigator"): a contradiction
then becomes a question for the trial team, never a "not eligible".
"""

from __future__ import annotations

from ..profile import Profile
from ..vocabulary import DISEASE_STATUSES, PRIOR_THERAPIES, RELAPSED_OR_REFRACTORY
from .ages import describe_age

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
MUST, MUST_NOT, ALLOWS = "must", "must_not", "allows"

ANTIGEN_FIELDS = {"CD19": "cd19_positive", "CD22": "cd22_positive", "BCMA": "bcma_positive"}
ANTIGEN_DOCUMENTS = {
    "CD19": "flow cytometry or immunohistochemistry report",
    "CD22": "flow cytometry report",
    "BCMA": "flow cytometry or immunohistochemistry report (bone marrow)",
}
REMISSION_AFTER_RELAPSE = frozenset({"second_remission", "second_remission_mrd_positive"})


class Finding:
    """One recognised requirement of one bullet."""

    __slots__ = ("section", "source", "polarity", "guarded", "guard_reason")
    name = ""

    def __init__(self, section, source, polarity, guarded=False, guard_reason=""):
        self.section = section
        self.source = source
        self.polarity = polarity
        self.guarded = guarded
        self.guard_reason = guard_reason

    # --- to override -------------------------------------------------------------------------
    def has(self, p: Profile) -> bool | None:
        raise NotImplementedError

    def what(self) -> str:
        """The property in words: 'CD22 expression'."""
        raise NotImplementedError

    def fact(self, p: Profile) -> str:
        """What the profile says about it: 'CD22 expression: not known'."""
        raise NotImplementedError

    def unknown_reason(self, p: Profile) -> str:
        return ""

    def missing_document(self, p: Profile) -> str:
        return ""

    # --- shared ------------------------------------------------------------------------------
    def evaluate(self, p: Profile) -> str:
        if self.polarity == ALLOWS:
            return MET
        has = self.has(p)
        if has is None:
            return UNKNOWN
        if has == (self.polarity == MUST):
            return MET
        return UNKNOWN if self.guarded else NOT_MET

    def explain(self, p: Profile, outcome: str) -> str:
        if self.polarity == ALLOWS:
            return f"The trial allows {self.what()}."
        verb = "requires" if self.polarity == MUST else "excludes"
        text = f"The trial {verb} {self.what()}; {self.fact(p)}."
        if outcome == UNKNOWN:
            reason = self.unknown_reason(p) if self.has(p) is None else self.guard_reason
            document = self.missing_document(p)
            if reason:
                text += f" {reason}"
            if document:
                text += f" Usually shown by the {document}."
        return text

    def params(self) -> dict:
        return {}

    def spec(self) -> dict:
        return {
            "name": self.name,
            "section": self.section,
            "polarity": self.polarity,
            "guarded": self.guarded,
            **self.params(),
        }


class AntigenPositive(Finding):
    __slots__ = ("antigens", "any_of")
    name = "antigen"

    def __init__(self, antigens, any_of, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.antigens = tuple(antigens)
        self.any_of = any_of

    def _values(self, p):
        return [
            getattr(p, ANTIGEN_FIELDS[a]) if a in ANTIGEN_FIELDS else None for a in self.antigens
        ]

    def has(self, p):
        values = self._values(p)
        if self.any_of:
            if any(v is True for v in values):
                return True
            return False if all(v is False for v in values) else None
        if any(v is False for v in values):
            return False
        return True if all(v is True for v in values) else None

    def what(self):
        joiner = " or " if self.any_of else " and "
        return joiner.join(self.antigens) + " expression"

    def fact(self, p):
        words = {True: "present", False: "absent", None: "not known"}
        return ", ".join(
            f"{a} {words[v]}" for a, v in zip(self.antigens, self._values(p), strict=True)
        )

    def unknown_reason(self, p):
        unrecorded = [a for a in self.antigens if a not in ANTIGEN_FIELDS]
        if unrecorded:
            return f"Navigator does not record {' or '.join(unrecorded)} expression."
        return ""

    def missing_document(self, p):
        return next(
            (ANTIGEN_DOCUMENTS[a] for a in self.antigens if a in ANTIGEN_DOCUMENTS),
            "flow cytometry report",
        )

    def params(self):
        return {"antigens": list(self.antigens), "any_of": self.any_of}


class RelapsedRefractory(Finding):
    __slots__ = ()
    name = "relapsed or refractory"

    def has(self, p):
        status = p.disease_status
        if status is None or status in REMISSION_AFTER_RELAPSE:
            return None
        return status in RELAPSED_OR_REFRACTORY

    def what(self):
        return "relapsed or refractory disease"

    def fact(self, p):
        status = p.disease_status
        return (
            f"disease status: {DISEASE_STATUSES[status]}" if status else "disease status not known"
        )

    def unknown_reason(self, p):
        if p.disease_status in REMISSION_AFTER_RELAPSE:
            return "A remission after a relapse: whether that counts is for the trial team."
        return ""

    def missing_document(self, p):
        return "" if p.disease_status else "most recent clinic note or treatment summary"


class SecondRelapse(RelapsedRefractory):
    __slots__ = ()
    name = "second or later relapse"

    def has(self, p):
        status = p.disease_status
        if status is None or status == "relapsed_after_transplant":
            return None
        return status == "second_or_later_relapse"

    def what(self):
        return "a second or later relapse"

    def unknown_reason(self, p):
        if p.disease_status == "relapsed_after_transplant":
            return "The number of relapses is not recorded."
        return ""


class Progressed(RelapsedRefractory):
    """Disease that progressed, relapsed or was refractory at some point."""

    __slots__ = ()
    name = "disease progression"

    def has(self, p):
        status = p.disease_status
        if status is None:
            return None
        return status in RELAPSED_OR_REFRACTORY or status in REMISSION_AFTER_RELAPSE

    def what(self):
        return "disease that has progressed or relapsed"


class PriorLines(Finding):
    __slots__ = ("low", "high")
    name = "prior lines"

    def __init__(self, low, high, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.low, self.high = low, high

    def has(self, p):
        n = p.prior_lines
        if n is None:
            return None
        return (self.low is None or n >= self.low) and (self.high is None or n <= self.high)

    def what(self):
        if self.high is None:
            return f"at least {self.low} prior line{'s' if self.low != 1 else ''} of therapy"
        if self.low is None:
            return f"at most {self.high} prior lines of therapy"
        return f"{self.low} to {self.high} prior lines of therapy"

    def fact(self, p):
        n = p.prior_lines
        return "the number of prior lines is not known" if n is None else f"{n} prior line(s)"

    def missing_document(self, p):
        return "treatment summary listing every regimen" if p.prior_lines is None else ""

    def params(self):
        return {"low": self.low, "high": self.high}


# What kind of CAR-T a prior-therapy mention names: any CAR-T, or one of a named target.
ANY_CAR_T = "any"
TARGETED_CAR_T = "targeted"
ASKED_CAR_T = frozenset({"cd19_car_t", "bcma_car_t"})


class PriorTherapy(Finding):
    __slots__ = ("label", "classes", "car")
    name = "prior therapy"

    def __init__(self, label, classes, car, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label = label
        self.classes = frozenset(c for c in classes if c in PRIOR_THERAPIES)
        self.car = car

    def has(self, p):
        received = p.prior_therapies
        if received is None:
            return None
        if received & self.classes:
            return True
        if p.other_car_t and self.car == ANY_CAR_T:
            return True
        if not self.classes or self._may_be_the_other_car_t(p):
            return None
        return False

    def _may_be_the_other_car_t(self, p) -> bool:
        # The intake asks for CD19 and BCMA CAR-Ts by name, so "another CAR-T" is neither; it
        # may be a CAR-T of any other target this mention names.
        return bool(p.other_car_t) and self.car == TARGETED_CAR_T and not self.classes & ASKED_CAR_T

    def what(self):
        return f"earlier {self.label}"

    def fact(self, p):
        received = p.prior_therapies
        if received is None:
            return "the treatments received are not known"
        hits = sorted(received & self.classes)
        if hits:
            return "the profile records " + ", ".join(PRIOR_THERAPIES[c] for c in hits)
        if (p.other_car_t and self.car == ANY_CAR_T) or self._may_be_the_other_car_t(p):
            return "the profile records another CAR-T therapy, its target not named"
        if not self.classes:
            return "Navigator does not record this kind of treatment"
        return "the profile records none"

    def unknown_reason(self, p):
        if p.prior_therapies is not None and self._may_be_the_other_car_t(p):
            return "The earlier CAR-T's target is not recorded."
        if not self.classes:
            return "Navigator's treatment list cannot show it."
        return ""

    def missing_document(self, p):
        if p.prior_therapies is None:
            return "treatment summary or medication history"
        if self._may_be_the_other_car_t(p):
            return "the earlier CAR-T therapy's product name or target"
        return ""

    def params(self):
        return {"label": self.label, "classes": sorted(self.classes), "car": self.car}


class AllogeneicTransplant(Finding):
    __slots__ = ("within",)
    name = "allogeneic transplant"

    def __init__(self, within, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.within = within  # "6 months", or "" for any time

    def has(self, p):
        received = p.prior_therapies
        if received is None:
            return None
        if "allogeneic_sct" not in received:
            return False
        return None if self.within else True

    def what(self):
        return "an allogeneic stem cell transplant" + (
            f" within the last {self.within}" if self.within else ""
        )

    def fact(self, p):
        received = p.prior_therapies
        if received is None:
            return "the treatments received are not known"
        if "allogeneic_sct" in received:
            return "the profile records an allogeneic transplant"
        return "the profile records no allogeneic transplant"

    def unknown_reason(self, p):
        if p.prior_therapies is not None:
            return "Its date is not recorded."
        return ""

    def missing_document(self, p):
        if p.prior_therapies is None:
            return "treatment summary or medication history"
        return "transplant summary with its date"

    def params(self):
        return {"within": self.within}


class _Flag(Finding):
    __slots__ = ()
    field = ""
    words = ""

    def has(self, p):
        return getattr(p, self.field)

    def what(self):
        return self.words

    def fact(self, p):
        value = getattr(p, self.field)
        return {
            True: "the profile records it",
            False: "the profile records none",
            None: "not known",
        }[value]


class CnsDisease(_Flag):
    __slots__ = ()
    name = "CNS disease"
    field = "cns_involvement"
    words = "active central nervous system (CNS) involvement"

    def missing_document(self, p):
        return "lumbar puncture (CSF) or brain imaging report" if p.cns_involvement is None else ""


class ActiveInfection(_Flag):
    __slots__ = ()
    name = "infection"
    field = "active_infection"
    words = "an active infection"


class Ecog(Finding):
    __slots__ = ("low", "high")
    name = "ECOG"

    def __init__(self, low, high, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.low, self.high = low, high

    def has(self, p):
        if p.ecog is None:
            return None
        return self.low <= p.ecog <= self.high

    def what(self):
        if self.low == self.high:
            return f"ECOG performance status {self.low}"
        return f"ECOG performance status {self.low} to {self.high}"

    def fact(self, p):
        return "ECOG not known" if p.ecog is None else f"ECOG {p.ecog}"

    def missing_document(self, p):
        return "most recent clinic note" if p.ecog is None else ""

    def params(self):
        return {"low": self.low, "high": self.high}


class AgeText(Finding):
    """An age stated in the text: evidence beside the registry's structured limits, which are
    the hard filter. A contradiction on a side the registry also limits is for the trial team."""

    __slots__ = ("low", "high", "high_exclusive", "structured_low", "structured_high")
    name = "age (criteria text)"

    def __init__(self, low, high, high_exclusive, structured, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.low, self.high, self.high_exclusive = low, high, high_exclusive
        self.structured_low, self.structured_high = structured

    def has(self, p):
        age = p.age_years
        if age is None:
            return None
        if self.low is not None and age < self.low:
            return None if self.structured_low else False
        if self.high is not None:
            too_old = age >= self.high if self.high_exclusive else age >= self.high + 1
            if too_old:
                return None if self.structured_high else False
        return True

    def what(self):
        if self.high is None:
            return f"age {self.low:g} or older"
        upper = f"under {self.high:g}" if self.high_exclusive else f"{self.high:g}"
        if self.low is None:
            return f"age up to {upper}" if not self.high_exclusive else f"age {upper}"
        return f"age {self.low:g} to {upper}"

    def fact(self, p):
        return "age not known" if p.age_years is None else f"age {describe_age(p.age_years)}"

    def unknown_reason(self, p):
        if p.age_years is None:
            return ""
        return "The text and the registry's age limits disagree here: the trial team decides."

    def params(self):
        return {"low": self.low, "high": self.high, "high_exclusive": self.high_exclusive}
