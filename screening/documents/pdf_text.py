"""Extract the text of an untrusted PDF or scan, in a child process of its own.

    python -I pdf_text.py LIMIT [pdf | image WORKDIR | scan WORKDIR PAGES]

reads the file's bytes on stdin and writes one JSON object on stdout ({"status", "text",
"pages", "detail", "confidence"}): `pdf` reads the text layer with pypdf; `scan` (a PDF without
one) and `image` (JPEG, PNG) are read by Tesseract (screening/documents/ocr.py) in the empty
folder WORKDIR. The caller (screening/documents/text_extraction.py) runs it with a wall-clock
timeout and kills its whole process group on overrun; the child caps its own address space and
CPU time first, and Tesseract and pdftoppm inherit the caps. A fresh interpreter rather than
multiprocessing: a Celery prefork pool process is daemonic and may not fork children of its
own through multiprocessing, and a fresh interpreter shares no state with the worker at all.

This module imports nothing from Django or from the project (ocr.py, imported for OCR, neither).
"""

from __future__ import annotations

import io
import json
import sys

EXTRACTED = "extracted"
NO_TEXT = "no_text"
UNREADABLE = "unreadable"

# A medical report has tens of pages; thousands mean a crafted file or the wrong upload.
MAX_PAGES = 500
# Kept for reading and searching; beyond this the text is cut (and the detail says so).
MAX_CHARS = 1_000_000
# Readers require the end-of-file marker near the end; a truncated file has lost it.
EOF_WINDOW = 1024
HEADER_WINDOW = 1024


def extract(data: bytes, max_pages: int = MAX_PAGES, max_chars: int = MAX_CHARS) -> dict:
    """{"status", "text", "pages", "detail"} for the PDF bytes. Never raises."""
    try:
        return _extract(data, max_pages, max_chars)
    except BaseException as exc:  # noqa: BLE001 - RecursionError and MemoryError too, on purpose
        return _unreadable(f"The PDF could not be read ({type(exc).__name__}).")


def _unreadable(detail: str, pages: int | None = None) -> dict:
    return {"status": UNREADABLE, "text": "", "pages": pages, "detail": detail}


def _extract(data: bytes, max_pages: int, max_chars: int) -> dict:
    if b"%PDF-" not in data[:HEADER_WINDOW]:
        return _unreadable("Not a PDF file.")
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        return _unreadable("The PDF is incomplete (truncated).")
    import logging

    import pypdf

    # pypdf logs every oddity it repairs; nobody reads a capped worker's log.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return _unreadable("The PDF is password-protected.")
    pages = len(reader.pages)
    if pages < 1:
        return _unreadable("The PDF has no pages.")
    if pages > max_pages:
        return _unreadable(f"The PDF has {pages} pages; at most {max_pages} are read.", pages)
    parts, size, cut = [], 0, False
    for page in reader.pages:
        text = (page.extract_text() or "").replace("\x00", "")
        parts.append(text)
        size += len(text)
        if size >= max_chars:
            cut = True
            break
    # Pages are separated by form feeds, as pdftotext and Tesseract separate them.
    text = "\f".join(parts).strip()[:max_chars]
    if not text:
        return {
            "status": NO_TEXT,
            "text": "",
            "pages": pages,
            "detail": "No text layer (a scan or a picture).",
        }
    detail = f"{pages} page{'s' if pages != 1 else ''}"
    if cut:
        detail += f"; text cut at {max_chars:,} characters"
    return {"status": EXTRACTED, "text": text, "pages": pages, "detail": detail}


MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024


def _limit_resources(cpu_seconds: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platforms without rlimits
        pass


def _ocr():
    # Isolated mode (-I) leaves the script's folder off the path; ocr.py lives beside it and,
    # like this module, imports nothing from Django.
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from screening.documents import ocr

    return ocr


def main() -> int:
    limit = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    mode = sys.argv[2] if len(sys.argv) > 2 else "pdf"
    _limit_resources(int(limit) + 1)
    data = sys.stdin.buffer.read()
    if mode == "image":
        result = _ocr().read_image(data, limit, sys.argv[3])
    elif mode == "scan":
        result = _ocr().read_scanned_pdf(data, int(sys.argv[4]), limit, sys.argv[3])
    else:
        result = {**extract(data), "confidence": None}
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
