"""After an upload: scan the file for viruses (when a scanner is configured) and extract the
text of PDFs for coordinators to read and search.

- Scanning: with CLAMD_SOCKET set, the bytes are streamed to clamd (screening/documents/
  virus_scan.py). A virus, or a scanner that cannot be reached or answers with an error,
  quarantines the file: it is not opened and staff see why. Without a scanner the document
  says "not scanned".
- Text: PDFs are parsed by pypdf, and scans (PDFs without a text layer, JPEG, PNG) read by
  Tesseract, in a child interpreter with an address-space cap, a CPU cap and a wall-clock
  limit (PDF_TEXT_TIME_LIMIT, OCR_TIME_LIMIT; screening/documents/text_extraction.py). A file
  that overruns has that child killed, never the Celery worker. Every failure (damaged,
  truncated, encrypted, looping, too many pages, not a PDF) marks the document unreadable with
  a reason; a scan OCR cannot read (blank, turned too far, too large, too blurred) has "no
  readable text" with the reason.
- Facts: the text is read for proposals (screening/documents/proposals.py), stored with it.
- Idempotent: the result is stored with a conditional update on `processed_at IS NULL`, and
  only the delivery that stores it adds the timeline event.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from screening.core.timeline import record_event
from screening.documents import pdf_text, virus_scan
from screening.documents.proposals import read_facts, store_proposals
from screening.documents.text_extraction import extract_text
from screening.jobs import enqueue
from screening.models import Document, EventKind, ScanStatus, TextStatus

logger = logging.getLogger(__name__)


def enqueue_document_processing(document: Document) -> None:
    """Process the document in a task once the current transaction commits."""
    enqueue("screening.process_document_task", document.pk)


def scan_document(data: bytes) -> tuple[str, str]:
    """(ScanStatus, detail) for the bytes, using the configured scanner if there is one."""
    address = settings.CLAMD_SOCKET
    if not address:
        return ScanStatus.NOT_SCANNED, ""
    result = virus_scan.scan_bytes(data, address, timeout=settings.CLAMD_TIMEOUT)
    if result.outcome == virus_scan.CLEAN:
        return ScanStatus.CLEAN, ""
    return ScanStatus.QUARANTINED, result.detail


_TEXT_STATUS = {
    pdf_text.EXTRACTED: TextStatus.EXTRACTED,
    pdf_text.NO_TEXT: TextStatus.NO_TEXT,
    pdf_text.UNREADABLE: TextStatus.UNREADABLE,
}


def _read(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def process_document(document_id: int) -> Document | None:
    """Scan and read one stored document; returns it, or None if gone or already done."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None or document.processed_at is not None:
        return None
    try:
        data = _read(document)
    except OSError as exc:
        logger.error("Document %s: stored file missing or unreadable: %s", document_id, exc)
        scan = (ScanStatus.QUARANTINED, "The stored file could not be read.")
        text = {"status": pdf_text.UNREADABLE, "text": "", "pages": None, "detail": scan[1]}
    else:
        scan = scan_document(data)
        if scan[0] == ScanStatus.QUARANTINED:
            text = {
                "status": pdf_text.UNREADABLE,
                "text": "",
                "pages": None,
                "detail": "Not opened: the file is quarantined.",
            }
        else:
            text = extract_text(data, document.content_type)
    values = {
        "scan_status": scan[0],
        "scan_detail": scan[1][:200],
        "text_status": _TEXT_STATUS[text["status"]],
        "text_detail": text["detail"][:200],
        "extracted_text": text["text"],
        "text_confidence": text.get("confidence"),
        "page_count": text["pages"],
        "processed_at": timezone.now(),
    }
    # Read outside the transaction: it takes a fraction of a second per page.
    facts = read_facts(values["extracted_text"]) if document.case_id else []
    with transaction.atomic():
        stored = Document.objects.filter(pk=document_id, processed_at__isnull=True).update(**values)
        if not stored:
            return None
        for field, value in values.items():
            setattr(document, field, value)
        proposals = store_proposals(document, facts)
        if document.case_id:
            record_event(
                document.case,
                EventKind.DOCUMENT_PROCESSED,
                f"{document.original_name}: {TextStatus(values['text_status']).label}"
                f" ({values['text_detail']}); {ScanStatus(values['scan_status']).label}"
                + (f" ({values['scan_detail']})" if values["scan_detail"] else "")
                + (f"; {len(proposals)} fact(s) proposed" if proposals else ""),
                data={
                    "document": document.pk,
                    "text_status": values["text_status"],
                    "scan_status": values["scan_status"],
                    "proposals": len(proposals),
                },
            )
    return document
