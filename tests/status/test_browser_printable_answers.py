"""In Chromium: from the status page to the printable copy of the answers as sent, its print
layout, and its PDF downloaded and opened."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client
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

    assert page.get_by_role("heading", name="Your answers as sent", level=1).is_visible()
    assert case.reference in page.locator("#answers-sent").inner_text()
    assert page.locator("#medical-notice").is_visible()
    treatment = page.locator("#section-treatment")
    assert "R-CHOP" in treatment.inner_text()
    assert "ana.lopez@example.org" in page.locator("#section-about").inner_text()
    print_button = page.get_by_role("button", name="Print this page")
    assert print_button.is_visible()  # shown by the page's script (no inline script: CSP)
    save_screenshot(page, "printable-answers")

    page.emulate_media(media="print")  # what the printer gets: no buttons, no links bar
    assert not print_button.is_visible()
    assert not page.locator("#back-to-status").is_visible()
    assert page.locator("#section-health").is_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"navigator-{case.reference}-answers.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "R-CHOP" in text and case.reference in text and "Not medical advice" in text
