"""Proposals from a document's text: what the extractor read, stored for a person to decide.

`read_facts(text)` runs the extractor (screening/documents/facts/); `store_proposals(document,
facts)` writes them. Idempotent: one proposal per document and field (a unique constraint), so
processing a document twice adds nothing. A proposal still open is brought up to date when the
extractor reads the document again (a new extractor version); one a person accepted or dismissed
is never touched. `propose_facts(document)` reads a processed document's stored text again
(`manage.py propose_facts`: documents processed before the extractor existed, or read by an
older version of it).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef

from screening.documents.facts import EXTRACTOR_VERSION, Fact, extract_facts
from screening.models import Document, FactProposal, ProposalState, ScanStatus, TextStatus

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


def documents_to_read(*, all_documents: bool = False):
    """Documents of cases whose text was read but whose proposals are missing or were made by
    another extractor version (all_documents: every document with text)."""
    documents = Document.objects.filter(
        case__isnull=False, text_status=TextStatus.EXTRACTED
    ).exclude(scan_status=ScanStatus.QUARANTINED)
    if all_documents:
        return documents
    current = FactProposal.objects.filter(
        document=OuterRef("pk"), extractor_version=EXTRACTOR_VERSION
    )
    return documents.exclude(Exists(current))


def propose_facts(document: Document) -> list[FactProposal]:
    """Read a processed document's stored text again and store its proposals (idempotent)."""
    facts = read_facts(document.extracted_text)
    with transaction.atomic():
        return store_proposals(document, facts)
