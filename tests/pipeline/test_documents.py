"""Document processing: virus scan (clamd INSTREAM) and PDF text, hostile files included."""

from __future__ import annotations

import socket
import struct
import threading
import time

import pytest
from django.test import override_settings

from screening.documents.processing import process_document
from screening.models import CaseEvent, Document, EventKind, ScanStatus, TextStatus
from tests.factories import DocumentFactory
from tests.pipeline import pdfs

pytestmark = pytest.mark.django_db

TIME_LIMIT = 2.0
# The EICAR test string: every virus scanner reports it, and it harms nothing.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _document(content: bytes, content_type: str = "application/pdf", **kwargs) -> Document:
    return DocumentFactory(content=content, content_type=content_type, **kwargs)


@pytest.mark.parametrize("kind", sorted(pdfs.HOSTILE))
def test_a_hostile_pdf_is_marked_unreadable_within_the_time_limit(kind):
    document = _document(pdfs.HOSTILE[kind]())

    started = time.monotonic()
    with override_settings(PDF_TEXT_TIME_LIMIT=TIME_LIMIT):
        process_document(document.pk)
    elapsed = time.monotonic() - started

    document.refresh_from_db()
    assert document.text_status == TextStatus.UNREADABLE
    assert document.text_detail  # a reason a coordinator can read
    assert document.extracted_text == ""
    assert document.processed_at is not None
    assert elapsed < TIME_LIMIT + 2


def test_a_readable_report_has_its_text_stored_for_search():
    document = _document(pdfs.text_pdf("Flow cytometry report", "CD19 positive (98%)"))

    process_document(document.pk)

    document.refresh_from_db()
    assert document.text_status == TextStatus.EXTRACTED
    assert document.page_count == 1
    assert "CD19 positive" in document.extracted_text
    assert Document.objects.filter(extracted_text__icontains="cd19 positive").get() == document
    assert document.scan_status == ScanStatus.NOT_SCANNED


def test_a_self_referencing_xref_chain_is_cut_short_and_the_text_still_read():
    document = _document(pdfs.looping_xref_pdf())

    process_document(document.pk)

    document.refresh_from_db()
    assert document.text_status == TextStatus.EXTRACTED
    assert "Pathology report" in document.extracted_text


def test_a_pdf_without_a_text_layer_says_so():
    document = _document(pdfs.image_only_pdf())
    process_document(document.pk)
    document.refresh_from_db()
    assert document.text_status == TextStatus.NO_TEXT
    assert document.page_count == 1


def test_an_image_has_no_text_to_extract():
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    document = _document(png, content_type="image/png", original_name="scan.png")
    process_document(document.pk)
    document.refresh_from_db()
    assert document.text_status == TextStatus.NO_TEXT


def test_a_pdf_that_overruns_the_time_limit_is_stopped_and_marked_unreadable():
    document = _document(pdfs.slow_pdf())

    started = time.monotonic()
    with override_settings(PDF_TEXT_TIME_LIMIT=1):
        process_document(document.pk)

    assert time.monotonic() - started < 3
    document.refresh_from_db()
    assert document.text_status == TextStatus.UNREADABLE
    assert document.text_detail == "Reading the PDF took longer than 1 s; it was stopped."
    # The next document is read as usual.
    good = _document(pdfs.text_pdf("Lab results"))
    process_document(good.pk)
    good.refresh_from_db()
    assert good.text_status == TextStatus.EXTRACTED


def test_processing_twice_stores_once_and_adds_one_timeline_event():
    document = _document(pdfs.text_pdf("Treatment summary"))

    first = process_document(document.pk)
    second = process_document(document.pk)

    assert first is not None and second is None
    events = CaseEvent.objects.filter(case=document.case, kind=EventKind.DOCUMENT_PROCESSED)
    assert events.count() == 1
    assert "Text extracted" in events.get().message


def test_a_document_whose_file_is_gone_is_quarantined_with_a_reason():
    document = _document(pdfs.text_pdf("Gone"))
    document.file.storage.delete(document.file.name)

    process_document(document.pk)

    document.refresh_from_db()
    assert document.scan_status == ScanStatus.QUARANTINED
    assert document.text_status == TextStatus.UNREADABLE


class FakeClamd:
    """A stand-in for the outside world's clamd on a Unix socket, speaking INSTREAM."""

    def __init__(self, path):
        self.path = str(path)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen()
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _read_exact(self, conn, size):
        data = b""
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return data

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                assert self._read_exact(conn, len(b"zINSTREAM\0")) == b"zINSTREAM\0"
                payload = b""
                while True:
                    (size,) = struct.unpack("!L", self._read_exact(conn, 4))
                    if size == 0:
                        break
                    payload += self._read_exact(conn, size)
                self.received.append(payload)
                found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in payload
                conn.sendall(b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0")

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(tmp_path):
    server = FakeClamd(tmp_path / "clamd.sock")
    with override_settings(CLAMD_SOCKET=server.path):
        yield server
    server.close()


def test_a_clean_file_is_scanned_then_read(clamd):
    # Over 64 KiB, so it travels in several INSTREAM chunks.
    content = pdfs.text_pdf("Imaging report", *(f"Finding {n}: unremarkable" for n in range(3000)))
    assert len(content) > 70_000
    document = _document(content)

    process_document(document.pk)

    document.refresh_from_db()
    assert clamd.received == [content]
    assert document.scan_status == ScanStatus.CLEAN
    assert document.text_status == TextStatus.EXTRACTED


def test_an_infected_file_is_quarantined_and_never_opened(clamd):
    document = _document(EICAR, content_type="application/pdf")

    process_document(document.pk)

    document.refresh_from_db()
    assert document.scan_status == ScanStatus.QUARANTINED
    assert "Eicar-Test-Signature" in document.scan_detail
    assert document.text_status == TextStatus.UNREADABLE
    assert "quarantined" in document.text_detail


def test_an_unreachable_scanner_quarantines_the_file(tmp_path):
    document = _document(pdfs.text_pdf("Labs"))

    with override_settings(CLAMD_SOCKET=str(tmp_path / "nobody-listens.sock")):
        process_document(document.pk)

    document.refresh_from_db()
    assert document.scan_status == ScanStatus.QUARANTINED
    assert "unreachable" in document.scan_detail


def test_an_unreachable_tcp_scanner_quarantines_the_file():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    document = _document(pdfs.text_pdf("Labs"))

    with override_settings(CLAMD_SOCKET=f"tcp://127.0.0.1:{port}"):
        process_document(document.pk)

    document.refresh_from_db()
    assert document.scan_status == ScanStatus.QUARANTINED
