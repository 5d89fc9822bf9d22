"""In Chromium, as a coordinator: compose a summary on the case file, preview it (subject,
text, the HTML part, the PDF), send it, and see it leave on the timeline (a real worker and a
real SMTP server); the previewed PDF rendered to PNG with pdftoppm shows the verdict table."""

from __future__ import annotations

import re
import subprocess

import pytest
from PIL import Image

from screening.rules.data.products import PRODUCTS
from tests.axe import signed_in_context
from tests.browser import save_screenshot
from tests.summaries.conftest import pdf_text, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.queue, pytest.mark.django_db(transaction=True)]

VERDICT_WORDS = {"eligible": "Likely eligible", "needs_review": "Needs review",
                 "not_eligible": "Not eligible"}  # fmt: skip
# The verdict cells' backgrounds in static/summaries/summary.css.
GREEN, RED = (0xE3, 0xF4, 0xE8), (0xF8, 0xE3, 0xE3)


def pixels_near(image: Image.Image, colour: tuple[int, int, int]) -> int:
    rgb = image.convert("RGB")
    return sum(
        1
        for pixel in rgb.get_flattened_data()
        if all(abs(channel - want) <= 6 for channel, want in zip(pixel, colour, strict=True))
    )


def test_a_coordinator_composes_previews_and_sends_a_summary_and_sees_it_leave(
    live_server, new_page, start_worker, mail_server, case, tmp_path
):
    start_worker(concurrency=1, PIPELINE_TEST_MAIL_DIR="", EMAIL_URL=mail_server.email_url)
    page = signed_in_context(new_page, live_server, case.assigned_to)
    page.goto(f"{live_server.url}/admin/screening/case/{case.pk}/change/")

    # The contacts, with the consent beside them; then the compose form.
    contacts = page.locator("#contacts").inner_text()
    assert "Dr Aurelia Voss" in contacts and "Sharing with treatment centers" in contacts
    form = page.locator("#summary-form")
    form.get_by_label("The patient (the case's email address)").check()
    form.get_by_label("Cover note (optional)").fill("The summary you asked for on the phone.")
    form.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()

    # The preview: subject, text, the HTML part in its frame, the PDF; nothing sent yet.
    assert page.locator("#summary-subject").inner_text() == (
        f"Navigator case summary {case.reference}"
    )
    text = page.locator("#summary-text").inner_text()
    assert "The summary you asked for on the phone." in text
    assert "PDF attached" in page.locator("#summary-delivery").inner_text()
    frame = page.frame_locator("#summary-html")
    assert "Products screened" in frame.locator("h2").first.inner_text()
    save_screenshot(page, "summary-preview")
    with page.expect_download() as download:
        page.locator("#summary-pdf").click()
    pdf_path = tmp_path / "summary.pdf"
    download.value.save_as(pdf_path)
    assert mail_server.messages() == []

    # The PDF: the verdict table in pdftotext's layout and in the pixels of page 1.
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for key, verdict in case.latest_run.verdicts.items():
        brand = PRODUCTS[key].brand
        assert re.search(rf"^\s*{brand}\b.*{VERDICT_WORDS[verdict]}", layout, re.M), brand
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf_path),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    [png] = list(tmp_path.glob("page*.png"))
    image = Image.open(png)
    assert pixels_near(image, GREEN) > 300  # the likely-eligible cells
    assert pixels_near(image, RED) > 300  # the not-eligible cells

    # Send: back on the case file, the timeline shows it queued, then sent, by whom, to whom.
    page.get_by_role("button", name=f"Send to {case.email}").click()
    page.wait_for_url(re.compile(r"/change/#timeline$"))
    assert "Summary queued for" in page.locator("ul.messagelist").inner_text()

    def sent_on_timeline():
        page.reload()
        timeline = page.locator("#timeline").inner_text()
        return "Email sent" in timeline and f"sent to {case.email}" in timeline

    wait_for(sent_on_timeline, 60, 1.0, "the timeline never showed the summary sent")
    timeline = page.locator("#timeline").inner_text()
    assert "Ines Holloway" in timeline
    save_screenshot(page, "summary-timeline")
    [message] = [m for m in mail_server.messages() if m["To"] == case.email]
    attachment = next(part for part in message.walk() if part.get_filename())
    assert pdf_text(attachment.get_payload(decode=True)) == pdf_text(pdf_path.read_bytes())

    # Reopened from the timeline: what was sent.
    page.locator("#timeline a.nav-summary-open").last.click()
    page.wait_for_load_state()
    assert "Sent" in page.locator("#summary-state").inner_text()
    assert "The summary you asked for on the phone." in page.locator("#summary-text").inner_text()


def test_the_physician_opens_the_link_types_their_address_and_gets_the_pdf(
    live_server, new_page, case, tmp_path
):
    from django.db import transaction

    from screening.models import Notification
    from screening.summaries.compose import prepare_summary, send_summary
    from tests.axe import axe_violations
    from tests.summaries.conftest import PHYSICIAN_EMAIL

    summary = prepare_summary(case, recipient="physician", by=case.assigned_to)
    link = re.search(r"http://\S+/summary/[\w-]+/", summary.body_text).group(0)
    with transaction.atomic():
        send_summary(case, summary.pk, by=case.assigned_to)
    assert Notification.objects.filter(template="case_summary_link").exists()

    page = new_page()
    page.goto(live_server.url + link.removeprefix("http://127.0.0.1:8000"))
    assert f"Download the summary of case {case.reference}" in page.locator("h1").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Your email address").fill("not.them@example.org")
    page.get_by_role("button", name="Download the PDF").click()
    page.wait_for_load_state()
    assert "not the address this link was sent to" in page.locator("#wrong-address").inner_text()
    assert axe_violations(page) == []
    save_screenshot(page, "summary-download-refused")

    page.get_by_label("Your email address").fill(PHYSICIAN_EMAIL)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the PDF").click()
    target = tmp_path / "downloaded.pdf"
    download.value.save_as(target)
    assert "Criterion by criterion" in pdf_text(target.read_bytes())
    outcomes = sorted(summary.accesses.values_list("outcome", flat=True))
    assert outcomes == ["downloaded", "shown", "wrong_address"]
