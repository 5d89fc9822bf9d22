"""What is stored is cleaned: PDFs lose active content and trailing bytes, images are encoded
again from their pixels; files that do not decode are refused with a clear reason."""

import io
import struct
import zlib

import pypdf
import pytest
from PIL import Image

from screening.documents.sanitise import active_content
from screening.documents.uploads import UploadRejected, check_upload, store_upload
from tests.uploads.conftest import stored_files, uploaded
from tests.uploads.samples import (
    ACTIVE_PDFS,
    HTML_BYTES,
    JPEG_BYTES,
    make_active_pdf,
    make_pdf,
    make_png,
)

SCRIPT_MARKERS = (b"JavaScript", b"/JS", b"Launch", b"EmbeddedFile", b"XFA", b"script", b"alert")


def _text(pdf: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.mark.parametrize("kind", sorted(ACTIVE_PDFS))
def test_a_pdf_with_active_content_is_accepted_without_it_and_keeps_its_pages_and_text(kind):
    checked = check_upload(uploaded("portal report.pdf", make_active_pdf(kind, pages=2)))
    assert checked.removed
    assert checked.page_count == 2
    assert not [marker for marker in SCRIPT_MARKERS if marker in checked.content]
    assert "Flow cytometry report" in _text(checked.content)
    assert checked.original is None


def test_what_was_removed_is_named():
    names = {
        kind: check_upload(uploaded("a.pdf", make_active_pdf(kind))).removed for kind in ACTIVE_PDFS
    }
    assert names["javascript_open_action"] == ("javascript",)
    assert names["launch_link"] == ("launch",)
    assert names["embedded_file"] == ("embedded_files",)
    assert names["xfa_form"] == ("xfa",)
    assert names["page_open_action_chain"] == ("javascript",)


@pytest.mark.django_db
def test_the_original_of_a_cleaned_pdf_is_kept_only_when_the_setting_says_so(settings, draft):
    before = stored_files()
    received = make_active_pdf("javascript_open_action")
    document = store_upload(check_upload(uploaded("a.pdf", received)), category="labs", draft=draft)
    assert not document.original_file
    assert document.removed_content == "javascript"
    assert len(stored_files() - before) == 1

    settings.KEEP_ORIGINAL_PDFS = True
    document = store_upload(check_upload(uploaded("b.pdf", received)), category="labs", draft=draft)
    with document.original_file.open("rb") as handle:
        assert handle.read() == received
    with document.file.open("rb") as handle:
        assert b"JavaScript" not in handle.read()
    assert len(stored_files() - before) == 3


def test_a_pdf_without_active_content_is_stored_as_received():
    content = make_pdf(pages=2)
    checked = check_upload(uploaded("plain.pdf", content))
    assert (checked.content, checked.removed) == (content, ())


def test_bytes_appended_after_a_pdfs_end_are_dropped():
    content = make_pdf()
    checked = check_upload(uploaded("polyglot.pdf", content + HTML_BYTES))
    assert checked.content == content


@pytest.mark.parametrize("image", [make_png(24, 12), JPEG_BYTES], ids=["png", "jpeg"])
def test_html_appended_to_an_image_is_not_in_the_stored_copy(image):
    checked = check_upload(uploaded("photo.png", image + HTML_BYTES))
    assert b"<html" not in checked.content
    assert b"Not a PDF" not in checked.content
    Image.open(io.BytesIO(checked.content)).load()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_text_chunks_and_exif_do_not_survive_the_encoding():
    png = make_png(16, 16)
    with_text = png[:33] + _png_chunk(b"tEXt", b"Comment\x00<script>alert(1)</script>") + png[33:]
    assert check_upload(uploaded("a.png", with_text)).content.find(b"<script>") == -1

    photo = Image.new("RGB", (40, 20), "white")
    exif = Image.Exif()
    exif[0x010F] = "Camera maker <script>"  # Make
    exif[0x0112] = 6  # Orientation: turned 90 degrees
    out = io.BytesIO()
    photo.save(out, "JPEG", exif=exif, comment=b"<html>comment</html>")
    stored = check_upload(uploaded("b.jpg", out.getvalue())).content
    assert b"<script>" not in stored and b"<html>" not in stored
    reopened = Image.open(io.BytesIO(stored))
    assert reopened.size == (20, 40)  # the orientation was applied to the pixels
    assert not reopened.getexif()


def test_a_png_with_a_broken_checksum_is_refused_as_damaged():
    png = bytearray(make_png(16, 16))
    png[-20] ^= 0xFF  # inside the IDAT chunk's data: its CRC no longer matches
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded("scan.png", bytes(png)))
    assert error.value.reason == "damaged"
    assert "PNG image but is damaged" in error.value.message


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_a_truncated_jpeg_is_refused_as_damaged(cut):
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded("photo.jpg", JPEG_BYTES[: int(len(JPEG_BYTES) * cut)]))
    assert error.value.reason == "damaged"
    assert "JPEG image but is damaged" in error.value.message


def test_an_image_over_the_pixel_budget_is_refused_before_it_is_decoded(settings):
    # 30,000 x 30,000 pixels would take 900 MB. Only the start of its data is here: were it
    # decoded, it would be refused as damaged, not for its size.
    width = height = 30_000
    rows = zlib.compress(b"\x00" * 100_000, 9)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded("bomb.png", bomb))
    assert error.value.reason == "pixels"
    assert "at most 50 megapixels" in error.value.message

    settings.MAX_IMAGE_PIXELS = 100
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded("small.png", make_png(16, 16)))
    assert error.value.reason == "pixels"


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_a_print_restricted_pdf_with_scripts_is_cleaned_too(algorithm):
    writer = pypdf.PdfWriter(
        clone_from=pypdf.PdfReader(io.BytesIO(make_active_pdf("javascript_open_action", 2)))
    )
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    checked = check_upload(uploaded("restricted.pdf", buffer.getvalue()))
    assert (checked.removed, checked.page_count) == (("javascript",), 2)
    reader = pypdf.PdfReader(io.BytesIO(checked.content))
    if reader.is_encrypted:
        reader.decrypt("")
    assert not active_content(reader.trailer)
    assert "Flow cytometry report" in reader.pages[0].extract_text()
