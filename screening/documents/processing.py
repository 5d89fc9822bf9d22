"""After an upload: scan the file for viruses (when a scanner is configured) and extract the
text of PDFs for coordinators to read and search.

- Scanning: with CLAMD_SOCKET set, the bytes are streamed to clamd (screening/documents/
  virus_scan.py). A virus, or a scanner that cannot be reached or answers with an error,
  quarantines the file: it is not opened and staff see why. Without a scanner the document
  says "not scanned".
- Text: PDFs are parsed by pypdf in a child interpreter (screening/documents/pdf_text.py) with
  an address-space cap, a CPU cap and a wall-clock limit (PDF_TEXT_TIME_LIMIT). A file that
  overruns has that child killed, never the Celery worker. Every failure (damaged,
  truncated, encrypted, looping, too many pages, not a PDF) marks the document unreadable
  with a reason; images have no text.
- Idempotent: the result is stored with a conditional update on `processed_at IS NULL`, and
  only the delivery that stores it adds the timeline event.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from screening.core.timeline import record_event
from screening.documents import pdf_text, virus_scan
from screening.documents.proposals import read_facts, store_proposals
from screening.jobs import enqueue
from screening.models import Document, EventKind, ScanStatus, TextStatus

logger = logging.getLogger(__name__)

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


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


def extract_pdf_text(data: bytes, *, time_limit: float | None = None) -> dict:
    """Parse the PDF in a child interpreter (screening/documents/pdf_text.py) that is killed
    if it overruns the time limit; never raises."""
    limit = settings.PDF_TEXT_TIME_LIMIT if time_limit is None else time_limit

    def unreadable(detail: str) -> dict:
        return {"status": pdf_text.UNREADABLE, "text": "", "pages": None, "detail": detail}

    try:
        # -I: isolated mode, no environment variables, user site or script folder on the path.
        child = subprocess.run(
            [sys.executable, "-I", pdf_text.__file__, str(limit)],
            input=data,
            capture_output=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return unreadable(f"Reading the PDF took longer than {limit:g} s; it was stopped.")
    except OSError as exc:
        logger.error("Could not start the PDF reader: %s", exc)
        return unreadable(f"The PDF could not be read ({type(exc).__name__}).")
    try:
        result = json.loads(child.stdout)
    except ValueError:
        # Killed by its memory or CPU limit, or crashed in C code.
        return unreadable(f"The PDF could not be read (reader exited with {child.returncode}).")
    return result


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
        elif document.content_type == "application/pdf":
            text = extract_pdf_text(data)
        elif document.content_type in IMAGE_TYPES:
            text = {"status": pdf_text.NO_TEXT, "text": "", "pages": None, "detail": "An image."}
        else:
            text = {
                "status": pdf_text.UNREADABLE,
                "text": "",
                "pages": None,
                "detail": f"Unsupported file type {document.content_type}.",
            }
    values = {
        "scan_status": scan[0],
        "scan_detail": scan[1][:200],
        "text_status": _TEXT_STATUS[text["status"]],
        "text_detail": text["detail"][:200],
        "extracted_text": text["text"],
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
        store_proposals(document, facts)
        if document.case_id:
            record_event(
                document.case,
                EventKind.DOCUMENT_PROCESSED,
                f"{document.original_name}: {TextStatus(values['text_status']).label}"
                f" ({values['text_detail']}); {ScanStatus(values['scan_status']).label}"
                + (f" ({values['scan_detail']})" if values["scan_detail"] else ""),
                data={
                    "document": document.pk,
                    "text_status": values["text_status"],
                    "scan_status": values["scan_status"],
                },
            )
    return document
