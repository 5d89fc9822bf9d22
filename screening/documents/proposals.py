"""Proposals from a document's text: what the extractor read, stored for a person to decide.

`read_facts(text)` runs the extractor (screening/documents/facts/); `store_proposals(document,
facts)` writes them. Idempotent: one proposal per document and field (a unique constraint), so
processing a document twice adds nothing. A proposal still open is brought up to date when the
extractor reads the document again (a new extractor version); one a person accepted or dismissed
is never touched.
"""

from __future__ import annotations

import logging

from screening.documents.facts import EXTRACTOR_VERSION, Fact, extract_facts
from screening.models import Document, FactProposal, ProposalState

logger = logging.getLogger(__name__)


def read_facts(text: str) -> list[Fact]:
    """The extractor's facts for a document's text; never raises (a failure proposes nothing)."""
    if not text.strip():
        return []
    try:
        return extract_facts(text)
    except Exception:  # noqa: BLE001 - a bug in reading one report must not lose its text
        logger.exception("The fact extractor failed on a document's text")
        return []


def store_proposals(document: Document, facts: list[Fact]) -> list[FactProposal]:
    """Create or refresh the open proposals of this document; call inside its transaction."""
    if document.case_id is None:
        return []
    existing = {p.field: p for p in FactProposal.objects.filter(document=document)}
    stored = []
    for fact in facts:
        proposal = existing.pop(fact.field, None)
        if proposal is None:
            proposal, _ = FactProposal.objects.get_or_create(
                document=document,
                field=fact.field,
                defaults={
                    "case_id": document.case_id,
                    "value": fact.value,
                    "quote": fact.quote,
                    "page": fact.page,
                    "extractor_version": EXTRACTOR_VERSION,
                },
            )
        elif proposal.state == ProposalState.PROPOSED:
            proposal.value, proposal.quote, proposal.page = fact.value, fact.quote, fact.page
            proposal.extractor_version = EXTRACTOR_VERSION
            proposal.save(update_fields=["value", "quote", "page", "extractor_version"])
        stored.append(proposal)
    # Open proposals the extractor no longer makes go; decided ones stay as history.
    stale = [p.pk for p in existing.values() if p.state == ProposalState.PROPOSED]
    if stale:
        FactProposal.objects.filter(pk__in=stale).delete()
    return stored
