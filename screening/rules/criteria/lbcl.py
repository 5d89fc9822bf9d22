"""The LBCL second-line setting: refractory to, or early relapse after, first-line therapy."""

from __future__ import annotations

from ..facts import missing_fact
from ..vocabulary import DISEASE_STATUSES
from .base import MET, NOT_MET, UNKNOWN, Criterion, _sentence


class FirstLineFailure(Criterion):
    """LBCL second-line setting: refractory to, or early relapse after, first-line therapy.

    Breyanzi also accepts any relapse after first line in a patient who is not a transplant
    candidate (`allow_transplant_ineligible`). Three-valued OR: met if any route is met,
    not_met only if every route is closed.
    """

    __slots__ = ("allow_transplant_ineligible",)
    kind = "first_line_failure"

    explained_by = ("disease_status", "relapse_within_12_months", "transplant_eligible")

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
