"""The text of an uploaded file: a PDF's text layer, or OCR of a scan or a photo.

Every read runs in a child interpreter (screening/documents/pdf_text.py) with an address-space
cap, a CPU cap and a wall-clock limit; on overrun its whole process group (Tesseract and
pdftoppm included) is killed, never the caller. A PDF's text layer has PDF_TEXT_TIME_LIMIT
seconds; a PDF without one is then read by OCR, like a JPEG or PNG, within OCR_TIME_LIMIT.

Used by document processing (a Celery task) and by `manage.py extract_facts`; never raises.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile

from django.conf import settings

from screening.documents import pdf_text
from screening.documents.pdf_probe import child_environment

logger = logging.getLogger(__name__)

PDF = "application/pdf"
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


def _failed(detail: str, pages: int | None = None) -> dict:
    return {
        "status": pdf_text.UNREADABLE,
        "text": "",
        "pages": pages,
        "detail": detail,
        "confidence": None,
    }


def _run_reader(data: bytes, limit: float, mode: list[str], what: str) -> dict:
    if mode[0] == "pdf":
        return _run_child(data, limit, mode, what)
    # OCR works on files; the folder is ours, so it goes even when the child is killed.
    with tempfile.TemporaryDirectory(prefix="navigator-ocr-") as workdir:
        return _run_child(data, limit, [mode[0], workdir, *mode[1:]], what)


def _run_child(data: bytes, limit: float, mode: list[str], what: str) -> dict:
    # -I: isolated mode, no environment variables, user site or script folder on the path.
    # A session of its own, so a timeout kills Tesseract and pdftoppm along with the reader.
    command = [sys.executable, "-I", pdf_text.__file__, str(limit), *mode]
    try:
        child = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            # Nothing of ours (SECRET_KEY, DATABASE_URL...) for a reader a hostile file took over.
            env=child_environment(),
        )
    except OSError as exc:
        logger.error("Could not start the document reader: %s", exc)
        return _failed(f"The {what} could not be read ({type(exc).__name__}).")
    try:
        output, _ = child.communicate(data, timeout=limit)
    except subprocess.TimeoutExpired:
        _kill_group(child)
        return _failed(f"Reading the {what} took longer than {limit:g} s; it was stopped.")
    try:
        result = json.loads(output)
    except ValueError:
        # Killed by its memory or CPU limit, or crashed in C code.
        return _failed(f"The {what} could not be read (reader exited with {child.returncode}).")
    result.setdefault("confidence", None)
    return result


def _kill_group(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    child.communicate()


def extract_pdf_text(data: bytes, *, time_limit: float | None = None) -> dict:
    """The PDF's text layer (status no_text when it has none)."""
    limit = settings.PDF_TEXT_TIME_LIMIT if time_limit is None else time_limit
    return _run_reader(data, limit, ["pdf"], "PDF")


def ocr_scanned_pdf(data: bytes, pages: int, *, time_limit: float | None = None) -> dict:
    limit = settings.OCR_TIME_LIMIT if time_limit is None else time_limit
    return _run_reader(data, limit, ["scan", str(pages)], "scan")


def ocr_image(data: bytes, *, time_limit: float | None = None) -> dict:
    limit = settings.OCR_TIME_LIMIT if time_limit is None else time_limit
    return _run_reader(data, limit, ["image"], "image")


def extract_text(data: bytes, content_type: str) -> dict:
    """{"status", "text", "pages", "detail", "confidence"} for a stored upload's bytes."""
    if content_type == PDF:
        result = extract_pdf_text(data)
        if result["status"] == pdf_text.NO_TEXT and result.get("pages"):
            return ocr_scanned_pdf(data, result["pages"])
        return result
    if content_type in IMAGE_TYPES:
        return ocr_image(data)
    return _failed(f"Unsupported file type {content_type}.")
