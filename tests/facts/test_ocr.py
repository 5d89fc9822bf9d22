"""OCR with Debian's real Tesseract, in the capped child process: every scan of the fixture
sets (the examples' scans and at least ten degraded scans of our own) gives its facts, and what
OCR cannot read is "no readable text" with the reason, never an error."""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

import pytest
from django.test import override_settings
from PIL import Image

from screening.documents import ocr, pdf_text
from screening.documents.facts import extract_facts
from screening.documents.processing import process_document
from screening.documents.text_extraction import extract_text, ocr_image
from screening.models import FactProposal, TextStatus
from tests.factories import CaseFactory, DocumentFactory
from tests.facts.corpus import content_type, scans

SCANS = scans()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _scan(name: str) -> Path:
    (path,) = [path for _, path in SCANS if path.stem == name]
    return path


def test_at_least_ten_degraded_scans_of_our_own_are_read():
    ours = [path for report, path in SCANS if report.set == "reports"]
    assert len(ours) >= 10
    assert {path.suffix for path in ours} == {".png", ".jpg", ".pdf"}


@pytest.mark.parametrize("report,path", SCANS, ids=lambda value: getattr(value, "name", ""))
def test_each_scan_is_read_by_ocr_and_gives_its_facts(report, path):
    result = extract_text(path.read_bytes(), content_type(path))

    assert result["status"] == pdf_text.EXTRACTED, result["detail"]
    assert result["confidence"] >= ocr.MIN_CONFIDENCE
    assert result["detail"].startswith("Read by OCR:")
    facts = {fact.field: fact.value for fact in extract_facts(result["text"])}
    expected = report.scan_expected if report.scan_expected is not None else report.expected
    assert facts == expected


def test_a_blank_page_has_no_readable_text():
    result = extract_text(_png(Image.new("L", (1700, 2200), 255)), "image/png")

    assert result["status"] == pdf_text.NO_TEXT
    assert result["detail"].startswith("No readable text: OCR found no words")
    assert result["text"] == ""


def test_a_page_turned_far_from_upright_has_no_readable_text():
    page = Image.open(_scan("N30-ngs-no-variants-list"))
    turned = page.rotate(45, expand=True, fillcolor=255)

    result = extract_text(_png(turned), "image/png")

    assert result["status"] == pdf_text.NO_TEXT
    assert result["detail"].startswith("No readable text")


def test_a_page_scanned_upside_down_is_turned_and_read():
    report, path = [(r, p) for r, p in SCANS if p.stem == "N50-flow-normal-b-only-cd19"][0]

    result = extract_text(path.read_bytes(), "image/png")

    assert result["status"] == pdf_text.EXTRACTED
    assert {f.field: f.value for f in extract_facts(result["text"])} == report.expected


def test_a_scan_too_blurred_to_trust_has_no_readable_text():
    page = Image.open(_scan("N42-flow-colon-lists")).convert("L")
    tiny = page.resize((page.width // 4, page.height // 4)).resize(page.size)

    result = extract_text(_png(tiny), "image/png")

    assert result["status"] == pdf_text.NO_TEXT
    assert result["detail"].startswith("No readable text")


def test_an_image_too_large_to_read_is_refused_from_its_header_at_once():
    huge = _png(Image.new("1", (9000, 6000), 1))  # 54 megapixels, a few kilobytes as PNG

    started = time.monotonic()
    result = extract_text(huge, "image/png")

    assert time.monotonic() - started < 5
    assert result["status"] == pdf_text.NO_TEXT
    assert result["detail"] == (
        "No readable text: the image is too large to read (9000 x 6000 pixels; "
        "at most 50 megapixels)."
    )


def test_a_damaged_image_is_unreadable_with_a_reason():
    result = extract_text(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png")

    assert result["status"] == pdf_text.UNREADABLE
    assert result["detail"] == "The image could not be opened (damaged?)."


def _processes_using(folder: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if folder.encode() in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


def test_ocr_that_overruns_its_limit_is_stopped_with_tesseract_and_its_files(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # One scan can take Tesseract under a second on an idle machine; four of them on one page
    # take it several, so the one-second limit is always what ends the read.
    with Image.open(_scan("N38-integrated-aml")) as scan:
        tile = scan.convert("L")
    sheet = Image.new("L", (tile.width * 2, tile.height * 2), 255)
    for row in range(2):
        for column in range(2):
            sheet.paste(tile, (column * tile.width, row * tile.height))
    data = _png(sheet)

    started = time.monotonic()
    result = ocr_image(data, time_limit=1)

    assert time.monotonic() - started < 4
    assert result["status"] == pdf_text.UNREADABLE
    assert result["detail"] == "Reading the image took longer than 1 s; it was stopped."
    # The reader's whole process group was killed and its working folder removed.
    assert list(tmp_path.iterdir()) == []
    assert _processes_using(str(tmp_path)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["N12-mrd-history-current-negative", "N16-pcr-bcr-abl1-negative"])
def test_a_processed_scan_stores_its_text_confidence_and_proposals(name):
    path = _scan(name)
    document = DocumentFactory(
        case=CaseFactory(),
        content=path.read_bytes(),
        content_type=content_type(path),
        original_name=path.name,
    )

    process_document(document.pk)

    document.refresh_from_db()
    assert document.text_status == TextStatus.EXTRACTED
    assert document.text_detail.startswith("Read by OCR: 1 page, mean confidence")
    assert document.text_confidence >= ocr.MIN_CONFIDENCE
    assert document.page_count == 1
    assert FactProposal.objects.filter(document=document).count() == 1


@pytest.mark.django_db
def test_a_blank_photo_is_processed_as_no_readable_text_with_the_reason():
    document = DocumentFactory(
        case=CaseFactory(),
        content=_png(Image.new("L", (800, 1000), 255)),
        content_type="image/png",
        original_name="photo.png",
    )

    with override_settings(OCR_TIME_LIMIT=60):
        process_document(document.pk)

    document.refresh_from_db()
    assert document.text_status == TextStatus.NO_TEXT
    assert document.get_text_status_display() == "No readable text"
    assert "OCR found no words" in document.text_detail
    assert document.text_confidence is None
    assert not FactProposal.objects.exists()
