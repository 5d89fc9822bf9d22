"""check_upload: the type comes from the bytes, PDFs must open, sizes and names are bounded."""

import hashlib
import io
import zipfile

import pytest
from django.test import override_settings

from screening.documents.uploads import (
    MAX_FILES_PER_CASE,
    UploadRejected,
    check_upload,
    clean_filename,
    too_many_files,
)
from tests.uploads.conftest import uploaded, uploaded_on_disk
from tests.uploads.samples import GIF_BYTES, HTML_BYTES, JPEG_BYTES, make_pdf, make_png


def test_it_accepts_a_valid_pdf_and_counts_its_pages():
    content = make_pdf(pages=3)
    checked = check_upload(uploaded("report.pdf", content))
    assert checked.content_type == "application/pdf"
    assert checked.extension == "pdf"
    assert checked.page_count == 3
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_it_accepts_a_png_and_a_jpeg_by_their_bytes_whatever_their_names():
    png = check_upload(uploaded("scan.pdf", make_png()))
    jpeg = check_upload(uploaded("photo", JPEG_BYTES))
    assert (png.content_type, png.extension) == ("image/png", "png")
    assert (jpeg.content_type, jpeg.extension) == ("image/jpeg", "jpg")
    assert jpeg.sha256 == hashlib.sha256(jpeg.content).hexdigest()
    assert png.page_count is None


def test_it_rejects_a_pdf_renamed_from_html_and_says_what_it_is():
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded("report.pdf", HTML_BYTES, "application/pdf"))
    assert error.value.reason == "type"
    assert "“report.pdf”" in str(error.value)
    assert "web page (HTML)" in str(error.value)
    assert "PDF, JPEG and PNG" in str(error.value)


def test_it_rejects_another_image_type_naming_the_detected_type():
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded("picture.png", GIF_BYTES))
    assert error.value.reason == "type"
    assert "GIF (image/gif)" in str(error.value)


def test_it_rejects_an_svg_with_a_script_naming_it_a_drawing():
    svg = (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
    )
    for content in (svg, b"\xef\xbb\xbf  <svg><script>x()</script></svg>"):
        with pytest.raises(UploadRejected) as error:
            check_upload(uploaded("scan.png", content))
        assert error.value.reason == "type"
        assert "an SVG drawing" in str(error.value)


def test_it_rejects_a_zip_renamed_to_pdf_without_opening_it():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("report.pdf", b"\0" * (5 * 1024 * 1024))
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded("report.pdf", archive.getvalue()))
    assert error.value.reason == "type"
    assert "a compressed archive (ZIP)" in str(error.value)


def test_it_rejects_plain_text_as_a_text_file():
    with pytest.raises(UploadRejected, match="a text file"):
        check_upload(uploaded("notes.pdf", b"my notes about the treatment\n"))


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_it_rejects_a_truncated_pdf_as_damaged(cut):
    content = make_pdf(pages=2)
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded("cut.pdf", content[: int(len(content) * cut)]))
    assert error.value.reason == "damaged"
    assert "damaged or incomplete" in str(error.value)


def test_it_rejects_a_pdf_whose_insides_are_garbage_though_the_ends_look_right():
    content = b"%PDF-1.7\n" + b"\x00garbage" * 200 + b"\nstartxref\n9\n%%EOF\n"
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded("broken.pdf", content))
    assert error.value.reason == "damaged"


def test_it_rejects_an_empty_file():
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded("empty.pdf", b""))
    assert error.value.reason == "empty"
    assert "“empty.pdf” is empty" in str(error.value)


@override_settings(MAX_UPLOAD_BYTES=1000)
def test_it_rejects_an_oversized_file_with_its_size_and_the_limit():
    content = make_pdf(text="x" * 2000)
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded("big.pdf", content))
    assert error.value.reason == "size"
    message = str(error.value)
    assert "“big.pdf” is too large" in message
    assert "1000\xa0bytes" in message


@override_settings(MAX_UPLOAD_BYTES=1000)
def test_it_counts_the_bytes_even_when_the_declared_size_lies():
    upload = uploaded("liar.png", make_png(200, 200) + b"\x00" * 2000)
    upload.size = 10
    with pytest.raises(UploadRejected) as error:
        check_upload(upload)
    assert error.value.reason == "size"
    assert "more than" in str(error.value)


def test_the_real_limit_is_20_mb_to_the_byte():
    limit = 20 * 1024 * 1024
    png = make_png()
    at_limit = png + b"\x00" * (limit - len(png))
    checked = check_upload(uploaded_on_disk("at-limit.png", at_limit))
    # Accepted at the limit; what is stored is the image alone, without the padding after it.
    assert checked.size < len(png) * 2
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded_on_disk("over.png", at_limit + b"\x00"))
    assert error.value.reason == "size"
    assert "20.0\xa0MB" in str(error.value)


def test_it_keeps_only_the_last_part_of_a_path_in_the_name():
    checked = check_upload(uploaded("../../etc/passwd.pdf", make_pdf()))
    assert checked.name == "passwd.pdf"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../secret.pdf", "secret.pdf"),
        ("..\\..\\windows\\report.pdf", "report.pdf"),
        ("..", "document"),
        ("", "document"),
        (None, "document"),
        ("scan\x00\x1b[31m.pdf", "scan[31m.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("  lots   of\tspace .pdf ", "lots of space .pdf"),
        (".hidden.pdf", "hidden.pdf"),
    ],
)
def test_it_cleans_file_names(raw, clean):
    assert clean_filename(raw) == clean


def test_it_shortens_long_names_keeping_the_extension():
    name = clean_filename("a" * 500 + ".pdf")
    assert len(name) == 120
    assert name.endswith("aaa.pdf")


def test_the_too_many_files_error_names_the_file_and_the_limit():
    error = too_many_files("thirty-first.pdf")
    assert error.reason == "too_many"
    assert f"at most {MAX_FILES_PER_CASE} files" in str(error)
    assert "“thirty-first.pdf”" in str(error)


def _encrypted_pdf(user_password: str, algorithm: str = "AES-128") -> bytes:
    import io

    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(pages=2))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_it_rejects_a_password_protected_pdf_saying_so():
    with pytest.raises(UploadRejected) as error:
        check_upload(uploaded("locked.pdf", _encrypted_pdf("patient-secret")))
    assert error.value.reason == "encrypted"
    assert "password-protected" in str(error.value)


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256", "RC4-128"])
def test_it_accepts_a_pdf_protected_only_against_printing_or_editing(algorithm):
    checked = check_upload(uploaded("restricted.pdf", _encrypted_pdf("", algorithm)))
    assert checked.page_count == 2
