"""The summary PDF: paginated with the reference and page number on every page, fonts from
Debian, nothing loaded from outside the app; `manage.py case_summary` writes the same PDF."""

from __future__ import annotations

import http.server
import io
import re
import threading

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from screening.rules.data.products import PRODUCTS
from screening.summaries.pdf import html_to_pdf
from screening.summaries.render import render_summary
from tests.factories import CaseFactory
from tests.summaries.conftest import case_with_contacts, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db

VERDICT_WORDS = {"eligible": "Likely eligible", "needs_review": "Needs review",
                 "not_eligible": "Not eligible"}  # fmt: skip


def test_every_page_carries_the_reference_and_its_number(case):
    pdf = render_summary(case, audience="physician", language="en", delivery="attached").pdf
    pages = pdf_pages(pdf)
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert case.reference in text
        assert f"Page {number} / {len(pages)}" in text


def test_the_clinical_pdf_has_each_verdict_and_the_criteria(case):
    pdf = render_summary(case, audience="physician", language="en", delivery="attached").pdf
    text = " ".join(pdf_text(pdf).split())
    for key, verdict in case.latest_run.verdicts.items():
        assert re.search(rf"{PRODUCTS[key].brand} \(.*?\) {VERDICT_WORDS[verdict]}", text), key
    assert "Criterion by criterion" in text and "KYM-ALL" in text
    assert case.latest_run.ruleset_version in text and "not medical advice" in text


def test_the_chinese_summary_uses_the_cjk_font_from_debian(case):
    pdf = render_summary(case, audience="patient", language="zh-hans", delivery="attached").pdf
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVu-Sans" in name for name in fonts), fonts
    assert any("CJK" in name for name in fonts), fonts


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - the standard library's name
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


def test_the_pdf_loads_nothing_from_outside_the_app(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: blue }")
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        pdf = html_to_pdf(
            f'<html><head><link rel="stylesheet" href="{base}/evil.css">'
            f'<link rel="stylesheet" href="{secret.as_uri()}">'
            '<link rel="stylesheet" href="summary.css"></head>'
            f'<body><img src="{base}/pixel.png"><p>Still made</p></body></html>'
        )
    finally:
        server.shutdown()
        server.server_close()
    assert CountingHandler.requests == []
    assert "Still made" in pdf_text(pdf)


def test_the_command_writes_the_same_pdf_a_staff_member_would_send(case, tmp_path):
    target = tmp_path / "summary.pdf"
    call_command("case_summary", case.reference, "--pdf", str(target))
    sent = render_summary(case, audience="physician", language="en", delivery="attached").pdf
    assert pdf_text(target.read_bytes()) == pdf_text(sent)

    plain = tmp_path / "plain.pdf"
    call_command("case_summary", case.reference.lower(), "--pdf", str(plain),
                 "--audience", "patient", "--language", "es")  # fmt: skip
    spanish = render_summary(case, audience="patient", language="es", delivery="attached").pdf
    assert pdf_text(plain.read_bytes()) == pdf_text(spanish)


def test_the_command_refuses_an_unknown_case_an_unscreened_one_and_clinical_spanish(case, tmp_path):
    target = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="No case with the reference NAV-0000-0000"):
        call_command("case_summary", "NAV-0000-0000", "--pdf", str(target))
    unscreened = CaseFactory()
    with pytest.raises(CommandError, match="has not been screened yet"):
        call_command("case_summary", unscreened.reference, "--pdf", str(target))
    with pytest.raises(CommandError, match="English only"):
        call_command("case_summary", case.reference, "--pdf", str(target), "--language", "es")
    with pytest.raises(CommandError, match="Could not write"):
        call_command("case_summary", case.reference, "--pdf", str(tmp_path / "no" / "x.pdf"))
    assert not target.exists()


def test_a_ten_product_case_fits_a_readable_pdf(coordinator):
    case = case_with_contacts(coordinator)
    pdf = render_summary(case, audience="physician", language="en", delivery="attached").pdf
    assert pdf.startswith(b"%PDF-") and len(pdf) < 400_000


def test_every_caution_of_the_rules_has_plain_words():
    from screening.rules.cautions import ALL_CAUTIONS
    from screening.summaries.content import PLAIN_CAUTIONS

    assert set(PLAIN_CAUTIONS) == {caution.code for caution in ALL_CAUTIONS}
