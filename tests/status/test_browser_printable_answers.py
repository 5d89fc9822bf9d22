"""In Chromium: from the status page to the printable copy of the answers as sent, its print
layout, and its PDF downloaded and opened."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect
from pypdf import PdfReader

from screening.core.tokens import issue_status_token
from screening.models import Case
from tests.browser import save_screenshot
from tests.intake.helpers import submit, walk_to_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sent_case():
    """A form sent through the wizard (the in-process test client), and a status link."""
    client = Client()
    submit(client, walk_to_review(client))
    case = Case.objects.get()
    return case, issue_status_token(case)


def test_a_person_opens_prints_and_downloads_the_answers_they_sent(
    live_server, new_page, sent_case
):
    case, token = sent_case
    page = new_page(accept_downloads=True)
    page.goto(f"{live_server.url}/status/{token}/")

    page.get_by_role("link", name="Printable copy of your answers").click()
    page.wait_for_url(f"**/status/{token}/answers/")

    expect(page.get_by_role("heading", name="Your answers as sent", level=1)).to_be_visible()
    expect(page.locator("#answers-sent")).to_contain_text(case.reference)
    expect(page.locator("#medical-notice")).to_be_visible()
    expect(page.locator("#section-treatment")).to_contain_text("R-CHOP")
    expect(page.locator("#section-about")).to_contain_text("ana.lopez@example.org")
    print_button = page.get_by_role("button", name="Print this page")
    expect(print_button).to_be_visible()  # shown by the page's script (no inline script: CSP)
    save_screenshot(page, "printable-answers")

    page.emulate_media(media="print")  # what the printer gets: no buttons, no links bar
    expect(print_button).to_be_hidden()
    expect(page.locator("#back-to-status")).to_be_hidden()
    expect(page.locator("#section-health")).to_be_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"navigator-{case.reference}-answers.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "R-CHOP" in text and case.reference in text and "Not medical advice" in text
