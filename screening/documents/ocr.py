"""OCR of scanned reports with Debian's Tesseract, inside the capped child process.

`read_image(data)` reads a JPEG or PNG; `read_scanned_pdf(data)` rasterises a PDF without a
text layer with poppler's pdftoppm and reads each page. Both return the dict pdf_text.py returns
({"status", "text", "pages", "detail"}) plus "confidence": Tesseract's mean word confidence,
0-100. Pages are joined with form feeds, as the PDF reader joins them.

Tesseract runs with automatic page segmentation and orientation detection (--psm 1), so a page
scanned upside down or sideways is turned before it is read; a few degrees of skew are within
what it reads. What it cannot read is "no readable text" with the reason, never an error:
- nothing recognised (a blank page, a photo, a page rotated far from upright);
- a mean confidence below MIN_CONFIDENCE (too blurred, too small, too noisy): its words are
  more likely wrong than right, and a wrong "CD19 positive" is worse than none;
- an image above MAX_PIXELS (checked from the header before anything is decoded).

The caller gives an empty working folder (the parent process creates it and deletes it
afterwards, even when it had to kill this process). This module imports nothing from Django or
from the rest of the project (the child process imports it on its own).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import time
from pathlib import Path

EXTRACTED = "extracted"
NO_TEXT = "no_text"
UNREADABLE = "unreadable"

# 50 megapixels: an A4 page at 600 dpi is 35; larger is a poster, a photo or a bomb.
MAX_PIXELS = 50_000_000
# Pages of a scanned PDF read by OCR; the rest are left for a person (the detail says so).
MAX_PAGES = 20
# Scans at 300 dpi read well; pdftoppm renders at this resolution.
RENDER_DPI = 300
# Below this mean word confidence the text is more noise than words.
MIN_CONFIDENCE = 55.0
# Fewer recognised words than this is a blank or a picture.
MIN_WORDS = 3
TESSERACT = "tesseract"
PDFTOPPM = "pdftoppm"


class _OutOfTime(Exception):
    pass


def _result(status, text="", pages=None, detail="", confidence=None) -> dict:
    return {
        "status": status,
        "text": text,
        "pages": pages,
        "detail": detail,
        "confidence": confidence,
    }


def _environment() -> dict:
    # One OpenMP thread: Tesseract's threads only contend with the other workers on a small box.
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _run(command: list[str], deadline: float) -> subprocess.CompletedProcess:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _OutOfTime
    try:
        return subprocess.run(
            command, capture_output=True, timeout=left, check=False, env=_environment()
        )
    except subprocess.TimeoutExpired:
        raise _OutOfTime from None


def _words(tsv: str) -> list[tuple[str, float]]:
    """(word, confidence) for each recognised word of Tesseract's TSV output."""
    words = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        try:
            confidence = float(row.get("conf") or -1)
        except ValueError:
            continue
        if text and confidence >= 0:
            words.append((text, confidence))
    return words


def _read_page(image_path: Path, deadline: float) -> tuple[str, list[tuple[str, float]]]:
    base = image_path.with_suffix("")
    command = [TESSERACT, str(image_path), str(base), "-l", "eng", "--psm", "1"]
    command += ["-c", "preserve_interword_spaces=1", "txt", "tsv"]
    completed = _run(command, deadline)
    if completed.returncode != 0:
        return "", []
    text = base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
    tsv = base.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace")
    return text.replace("\f", "").strip(), _words(tsv)


def _summarise(texts: list[str], words: list, pages: int, read: int, kind: str) -> dict:
    if len(words) < MIN_WORDS:
        return _result(
            NO_TEXT,
            pages=pages,
            detail=f"No readable text: OCR found no words in the {kind} (blank, a picture, "
            "or turned too far from upright).",
        )
    confidence = round(sum(c for _, c in words) / len(words), 1)
    if confidence < MIN_CONFIDENCE:
        return _result(
            NO_TEXT,
            pages=pages,
            detail=f"No readable text: OCR confidence {confidence:g}% is too low to trust "
            "(blurred, too small, noisy or skewed); please read the original.",
            confidence=confidence,
        )
    detail = f"Read by OCR: {read} page{'s' if read != 1 else ''}, mean confidence {confidence:g}%"
    if read < pages:
        detail += f"; pages {read + 1}-{pages} not read (at most {MAX_PAGES})"
    return _result(EXTRACTED, "\f".join(texts), pages, detail, confidence)


def _image_size(data: bytes) -> tuple[int, int] | None:
    from PIL import Image

    # Header only: the size is known before a pixel is decoded.
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:  # noqa: BLE001 - any failure to parse the header: not a readable image
        return None


def read_image(data: bytes, time_limit: float, workdir: str) -> dict:
    """OCR of one JPEG or PNG image, using the empty folder workdir. Never raises."""
    deadline = time.monotonic() + time_limit
    size = _image_size(data)
    if size is None:
        return _result(UNREADABLE, detail="The image could not be opened (damaged?).")
    width, height = size
    if width * height > MAX_PIXELS:
        return _result(
            NO_TEXT,
            pages=1,
            detail=f"No readable text: the image is too large to read ({width} x {height} "
            f"pixels; at most {MAX_PIXELS // 1_000_000} megapixels).",
        )
    try:
        path = Path(workdir) / "page.img"
        path.write_bytes(data)
        text, words = _read_page(path, deadline)
    except _OutOfTime:
        return _out_of_time(time_limit)
    return _summarise([text], words, 1, 1, "image")


def read_scanned_pdf(data: bytes, pages: int, time_limit: float, workdir: str) -> dict:
    """OCR of a PDF without a text layer, page by page (at most MAX_PAGES), using the empty
    folder workdir. Never raises."""
    deadline = time.monotonic() + time_limit
    to_read = min(pages, MAX_PAGES)
    texts, words = [], []
    try:
        source = Path(workdir) / "scan.pdf"
        source.write_bytes(data)
        for number in range(1, to_read + 1):
            prefix = Path(workdir) / f"page-{number}"
            command = [PDFTOPPM, "-r", str(RENDER_DPI), "-gray", "-png", "-singlefile"]
            command += ["-f", str(number), "-l", str(number), str(source), str(prefix)]
            rendered = _run(command, deadline)
            image = prefix.with_suffix(".png")
            if rendered.returncode != 0 or not image.exists():
                return _result(UNREADABLE, pages=pages, detail="The PDF could not be rendered.")
            page_text, page_words = _read_page(image, deadline)
            image.unlink()
            texts.append(page_text)
            words.extend(page_words)
    except _OutOfTime:
        return _out_of_time(time_limit, pages)
    return _summarise(texts, words, pages, to_read, "scan")


def _out_of_time(time_limit: float, pages: int | None = None) -> dict:
    return _result(
        UNREADABLE,
        pages=pages,
        detail=f"Reading the scan took longer than {time_limit:g} s; it was stopped.",
    )
