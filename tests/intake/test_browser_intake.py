"""The intake in Chromium: the whole path on a desktop and on a 360 px phone, and save-and-resume
through the emailed link. Screenshots go to var/screenshots/ as test artifacts."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from screening.models import Case
from tests.browser import DESKTOP, PHONE, save_screenshot
from tests.outbox import deliver_outbox
from tests.uploads.samples import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def fill_about(page, email="ana.lopez@example.org"):
    page.check("#id_about-submitter_role_1")  # a relative, for the patient
    page.fill("#id_about-first_name", "Ana")
    page.fill("#id_about-last_name", "Lopez")
    page.fill("#id_about-patient_first_name", "Luis")  # shown once a relative is chosen
    page.fill("#id_about-patient_last_name", "Lopez")
    page.fill("#id_about-email", email)
    page.select_option("#id_about-country", "MX")
    page.select_option("#id_about-language", "es")
    page.fill("#id_about-date_of_birth_0", "2")  # day, month, year (issue #16)
    page.fill("#id_about-date_of_birth_1", "4")
    page.fill("#id_about-date_of_birth_2", "1963")
    page.check("#id_about-consent_processing")
    page.check("#id_about-consent_sharing")
    page.check("#id_about-consent_not_medical_advice")


def heading(page) -> str:
    return page.locator("h1").inner_text()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_whole_intake_in_chromium(live_server, new_page, viewport):
    name = "desktop" if viewport is DESKTOP else "phone"
    page = new_page(viewport=viewport)
    page.goto(f"{live_server.url}/intake/")
    expect(page.locator("#progress")).to_contain_text("Step 1 of 7", use_inner_text=True)
    assert no_sideways_scroll(page)

    # Step 1, with a mistake that the error summary points to, then fixed.
    fill_about(page, email="ana.lopez@example")
    page.click("#next")
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    # Focus is on the summary (no JavaScript needed), so a screen reader starts there.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.title().startswith("Error:")
    save_screenshot(page, f"intake-{name}-1-error")
    summary.get_by_role("link").first.click()
    assert page.evaluate("location.hash") == "#id_about-email"
    email = page.locator("#id_about-email")
    assert email.get_attribute("aria-invalid") == "true"
    assert "id_about-email_error" in email.get_attribute("aria-describedby")
    email.fill("ana.lopez@example.org")
    page.click("#next")

    # Step 2: the disease's test questions appear as soon as it is chosen (one Next).
    expect(page.locator("#progress")).to_contain_text("Step 2 of 7", use_inner_text=True)
    page.select_option("#id_diagnosis-disease", "dlbcl")
    page.fill("#id_diagnosis-diagnosed_on", "2024-01")
    page.check("#id_diagnosis-marker_cd19_positive_0")
    save_screenshot(page, f"intake-{name}-2-diagnosis")
    page.click("#next")

    # Step 3: the large B-cell lymphoma question appears once the status calls for it.
    candidacy = page.locator("#div_id_status-transplant_eligible")
    expect(candidacy).to_be_hidden()
    page.check("input[name='status-status'][value='refractory']")
    assert candidacy.is_visible() and "transplant" in candidacy.inner_text()
    page.check("input[name='status-transplant_eligible'][value='yes']")
    page.click("#next")

    # Step 4: two treatment lines (the second added without JavaScript), Enter goes Next.
    page.check("input[name='treatment-had_treatment'][value='yes']")
    page.fill("#id_treatment-lines-0-name", "R-CHOP")
    page.fill("#id_treatment-lines-0-start", "2024-02")
    page.fill("#id_treatment-lines-0-end", "2024-06")
    page.click("#add-line")
    expect(page.locator("#treatment-lines-1-box")).to_be_visible()
    assert page.locator("#id_treatment-lines-0-name").input_value() == "R-CHOP"
    page.fill("#id_treatment-lines-1-name", "R-ICE")
    page.fill("#id_treatment-lines-1-start", "2024-08")
    save_screenshot(page, f"intake-{name}-4-treatment")
    with page.expect_navigation():
        page.locator("#id_treatment-lines-1-name").press("Enter")
    expect(page.locator("#progress")).to_contain_text("Step 5 of 7", use_inner_text=True)

    # Step 5 by keyboard only: Space picks a choice, Tab moves on, Enter on "Next" sends.
    page.locator("input[name='health-ecog'][value='1']").focus()
    page.keyboard.press("Space")
    page.locator("input[name='health-active_infection'][value='no']").focus()
    page.keyboard.press("Space")
    page.locator("input[name='health-cns_involvement'][value='no']").focus()
    page.keyboard.press("Space")
    page.locator("#next").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Step 6: a real PDF, uploaded and listed.
    expect(page.locator("#progress")).to_contain_text("Step 6 of 7", use_inner_text=True)
    page.check("input[name='documents-category'][value='pathology']")
    page.set_input_files(
        "#id_documents-files",
        files=[{"name": "biopsy.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}],
    )
    page.click("#upload")
    expect(page.locator("#uploaded-files")).to_contain_text("biopsy.pdf", use_inner_text=True)
    save_screenshot(page, f"intake-{name}-6-documents")
    page.click("#next")

    # Step 7: review; Back keeps everything; change a section and come back here.
    expect(page.locator("#progress")).to_contain_text("Step 7 of 7", use_inner_text=True)
    page.click("#back")
    expect(page.locator("#uploaded-files")).to_contain_text("biopsy.pdf", use_inner_text=True)
    page.click("#next")
    review = page.locator("main").inner_text()
    assert "R-CHOP" in review and "R-ICE" in review and "biopsy.pdf" in review
    page.click("#edit-health")
    assert page.locator("input[name='health-ecog'][value='1']").is_checked()
    page.check("input[name='health-ecog'][value='2']")
    page.click("#next")
    expect(page.locator("#progress")).to_contain_text("Step 7 of 7", use_inner_text=True)
    expect(page.locator("main")).to_contain_text("up and about more than half", use_inner_text=True)
    assert no_sideways_scroll(page)
    save_screenshot(page, f"intake-{name}-7-review")

    page.click("#submit-case")
    expect(page.locator("h1")).to_have_text(
        "Thank you: your answers were sent", use_inner_text=True
    )
    reference = page.locator("#case-reference").inner_text()
    case = Case.objects.get(reference=reference)
    assert case.document_count == 1 and case.profile["ecog"] == 2
    assert case.profile["prior_lines"] == 2
    assert (case.first_name, case.patient_name) == ("Ana", "Luis Lopez")
    assert no_sideways_scroll(page)
    save_screenshot(page, f"intake-{name}-8-confirmation")

    # The private status page, opened from the confirmation.
    page.click("#status-link")
    expect(page.locator("main")).to_contain_text(reference, use_inner_text=True)
    assert no_sideways_scroll(page)
    save_screenshot(page, f"intake-{name}-9-status")


def test_save_and_resume_through_the_emailed_link_in_chromium(live_server, new_page):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/intake/")
    fill_about(page)
    page.click("#next")
    page.select_option("#id_diagnosis-disease", "mm")
    page.fill("#id_diagnosis-subtype_details", "IgG kappa")
    page.click("#save-for-later")

    expect(page.locator("h1")).to_have_text("Save and continue later", use_inner_text=True)
    assert page.locator("#id_email").input_value() == "ana.lopez@example.org"
    save_screenshot(page, "intake-phone-save-for-later")
    page.click("#send-link")
    expect(page.locator("h1")).to_have_text("Link sent", use_inner_text=True)

    deliver_outbox()  # what the worker does after the commit
    [message] = mail.outbox
    link = re.search(r"\S+/intake/resume/\S+/", message.body).group(0)
    link = link.replace(settings.SITE_URL, live_server.url)

    elsewhere = new_page(viewport=DESKTOP)  # another browser: nothing shared but the link
    elsewhere.goto(link)
    elsewhere.click("#continue")
    expect(elsewhere.locator("#notices")).to_contain_text("Welcome back", use_inner_text=True)
    expect(elsewhere.locator("#progress")).to_contain_text("Step 2 of 7", use_inner_text=True)
    assert elsewhere.locator("#id_diagnosis-subtype_details").input_value() == "IgG kappa"
    save_screenshot(elsewhere, "intake-desktop-resumed")

    # Single use: the same link now says so.
    third = new_page(viewport=PHONE)
    response = third.goto(link)
    assert response.status == 404
    expect(third.locator("main")).to_contain_text("does not work any more", use_inner_text=True)
