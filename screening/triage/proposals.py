"""Facts proposed from a case's documents, as the case file shows them.

    proposals_by_document(case) -> [DocumentProposals(document, [ProposalRow, ...]), ...]

Each row says what the document states (value and quote, page), which missing facts of the
latest screening it would settle and for which products ("Settles: CD22 expression —
Besponsa"), and whether it contradicts what the patient told us in the intake (a conflict is
shown, never applied). Two queries: the proposals with their documents, and the case's latest run.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from screening.models import Case, Document, FactProposal
from screening.rules.facts import FACT_NAMES
from screening.triage.actions import missing_facts

# What a value means, in the words a coordinator uses.
_YES_NO = {
    "biomarkers.cd19_positive": (gettext_lazy("CD19 positive"), gettext_lazy("CD19 negative")),
    "biomarkers.cd22_positive": (gettext_lazy("CD22 positive"), gettext_lazy("CD22 negative")),
    "biomarkers.bcma_positive": (gettext_lazy("BCMA positive"), gettext_lazy("BCMA negative")),
    "biomarkers.kmt2a_rearranged": (
        gettext_lazy("KMT2A rearranged"),
        gettext_lazy("KMT2A not rearranged"),
    ),
    "biomarkers.npm1_mutated": (gettext_lazy("NPM1 mutated"), gettext_lazy("NPM1 not mutated")),
    "biomarkers.philadelphia_positive": (
        gettext_lazy("Philadelphia chromosome (BCR::ABL1) positive"),
        gettext_lazy("Philadelphia chromosome (BCR::ABL1) negative"),
    ),
}
MRD_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Settles:
    """A missing fact of the latest screening that the proposal would settle."""

    fact: str
    products: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProposalRow:
    proposal: FactProposal
    value_text: str
    settles: tuple[Settles, ...]
    # What the patient told us for this field (the intake profile; None: unknown), and what
    # the profile screened now says (with coordinators' amendments).
    patient_value: object
    current_value: object
    conflict: bool

    @property
    def field(self) -> str:
        return self.proposal.field

    @property
    def fact(self) -> str:
        return FACT_NAMES.get(profile_key(self.proposal.field), self.proposal.field)


@dataclass(frozen=True, slots=True)
class DocumentProposals:
    document: Document
    rows: tuple[ProposalRow, ...]


def profile_key(field: str) -> str:
    """The rules' key for a dotted schema path: "biomarkers.cd22_positive" → "cd22_positive"."""
    return field.rsplit(".", 1)[-1]


def profile_value(profile: dict, field: str):
    """The value at a dotted schema path of a profile, or None."""
    value = profile or {}
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def describe_value(field: str, value) -> str:
    if field in _YES_NO and isinstance(value, bool):
        return str(_YES_NO[field][0 if value else 1])
    if field == "mrd_percent" and isinstance(value, int | float):
        return _("MRD %(level)s %%") % {"level": f"{value:g}"}
    return str(value)


def conflicts(patient_value, proposed) -> bool:
    """Does the proposed value contradict a value the patient gave? Unknown never conflicts."""
    if patient_value is None or proposed is None:
        return False
    if isinstance(patient_value, bool) or isinstance(proposed, bool):
        return patient_value is not proposed
    try:
        return abs(float(patient_value) - float(proposed)) > MRD_TOLERANCE
    except (TypeError, ValueError):
        return patient_value != proposed


def proposals_by_document(case: Case) -> list[DocumentProposals]:
    """The visible proposals of the case, grouped by document in upload order."""
    proposals = (
        FactProposal.objects.visible()
        .filter(case=case)
        .select_related("document", "decided_by")
        .order_by("document__uploaded_at", "document_id", "field")
    )
    missing = {row.field: row for row in missing_facts(case)}
    grouped: dict[int, tuple[Document, list[ProposalRow]]] = {}
    for proposal in proposals:
        row = missing.get(profile_key(proposal.field))
        settles = (Settles(row.fact, tuple(row.products)),) if row else ()
        patient_value = profile_value(case.intake_profile or case.profile, proposal.field)
        entry = grouped.setdefault(proposal.document_id, (proposal.document, []))
        entry[1].append(
            ProposalRow(
                proposal=proposal,
                value_text=describe_value(proposal.field, proposal.value),
                settles=settles,
                patient_value=patient_value,
                current_value=profile_value(case.profile, proposal.field),
                conflict=conflicts(patient_value, proposal.value),
            )
        )
    return [DocumentProposals(document, tuple(rows)) for document, rows in grouped.values()]
