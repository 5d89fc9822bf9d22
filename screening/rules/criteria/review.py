"""Judgment checks where the label is silent or unconfirmed: the clinician decides.

Each says `unknown` (needs review) or `met`, never `not_met`: they can hold a product at
"needs review" but never rule it out.
"""

from __future__ import annotations

from ..facts import lines_phrase, unrecognised_lines_fact
from ..vocabulary import BIOMARKERS, PRIOR_THERAPIES
from .base import MET, UNKNOWN, Criterion, _sentence


class AntigenNotNegative(Criterion):
    """C6: the label names no antigen, so unknown passes; a known-negative target needs review."""

    __slots__ = ("fact",)
    kind = "antigen_not_negative"

    def __init__(self, fact, label, basis):
        super().__init__(f"target antigen ({BIOMARKERS[fact]})", label, basis)
        self.fact = fact

    def evaluate(self, p):
        return UNKNOWN if getattr(p, self.fact) is False else MET

    def explain_key(self, p):
        return (getattr(p, self.fact),)

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
    """C7/C15: an earlier therapy against the same target: the label is silent on it.

    An unknown history (null) does not trigger it (C15). A history with a treatment line Navigator
    could not read might hide such a therapy, so that is unknown too, asked about that line.
    """

    __slots__ = ("therapies", "target", "described")
    kind = "no_prior_same_target"

    def __init__(self, therapies, target, described, label, basis):
        super().__init__(f"no earlier {described}", label, basis)
        self.therapies = frozenset(therapies)
        self.target = target
        self.described = described  # "BCMA-directed therapy", "CD19-directed CAR-T therapy"

    def evaluate(self, p):
        given = p.prior_therapies
        if given is None:
            return MET
        if not given.isdisjoint(self.therapies) or p.unrecognised_lines:
            return UNKNOWN
        return MET

    def _received(self, p):
        return sorted(self.therapies & (p.prior_therapies or frozenset()))

    def explain_key(self, p):
        return (p.prior_therapies is None, tuple(self._received(p)), p.unrecognised_lines)

    def explain(self, p, outcome):
        if outcome == MET:
            if p.prior_therapies is None:
                return (
                    "The treatment history is not known; nothing recorded points to an earlier "
                    f"{self.described}."
                )
            return f"No record of an earlier {self.described}."
        received = self._received(p)
        if not received:
            return (
                f"{_sentence(lines_phrase(p.unrecognised_lines))} could not be read, so whether "
                f"an earlier {self.described} was given is not known."
            )
        what = " and ".join(PRIOR_THERAPIES[t] for t in received)
        return (
            f"Has already received {what}, directed at the same target ({self.target}). The "
            "label does not address earlier therapy against the same target, so a clinician "
            "needs to review this."
        )

    def missing(self, p, outcome):
        if outcome == UNKNOWN and not self._received(p):
            return (unrecognised_lines_fact(p.unrecognised_lines),)
        return ()

    def params(self):
        return {"therapies": sorted(self.therapies), "target": self.target}


class WordingConfirmed(Criterion):
    """C18: an indication whose label wording was not confirmed is at most "needs review"."""

    __slots__ = ("reason",)
    kind = "wording_confirmed"

    def __init__(self, reason, basis="C18"):
        super().__init__("label wording confirmed", "(the exact label wording)", basis)
        self.reason = reason

    def evaluate(self, p):
        return UNKNOWN

    def explain(self, p, outcome):
        return (
            "The exact wording of this indication has not been confirmed against the label "
            f"({self.reason}), so a coordinator needs to check the label before relying on it."
        )

    def params(self):
        return {"reason": self.reason}
