"""The status page in Chromium, on a desktop and on a 360 px phone: read it, send a record."""

import pytest
from playwright.sync_api import expect

from screening.core.timeline import record_event
from screening.models import CaseStatus, Document, EventKind, RecordsRequest
from screening.pipeline.runs import store_screening_run
from screening.rules.results import MEDICAL_ADVICE_NOTICE
from tests.browser import DESKTOP, PHONE, save_screenshot
from tests.factories import CoordinatorFactory
from tests.status.conftest import make_patient
from tests.uploads.samples import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def requested_person(tmp_path):
    coordinator = CoordinatorFactory(first_name="Maren")
    person = make_patient(assigned_to=coordinator)
    case = person.case
    record_event(case, EventKind.SUBMITTED, "Case submitted", patient_visible=True)
    store_screening_run(case)
    case.status = CaseStatus.RECORDS_REQUESTED
    case.save()
    record_event(case, EventKind.RECORDS_REQUESTED, "asked", patient_visible=True)
    RecordsRequest.objects.create(
        case=case, requested_by=coordinator, facts=["mrd_percent"], categories=["labs"]
    )
    report = tmp_path / "bone-marrow-mrd.pdf"
    report.write_bytes(make_pdf(text="Bone marrow MRD 0.4%"))
    person.file = report
    return person


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_person_reads_their_status_page_and_sends_the_requested_record(
    live_server, new_page, requested_person, viewport
):
    page = new_page(viewport=viewport)
    name = "desktop" if viewport is DESKTOP else "phone"
    response = page.goto(live_server.url + requested_person.url)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "same-origin"

    expect(page.get_by_role("heading", name="What we need from you")).to_be_visible()
    items = page.locator("#requested-items li")
    expect(items).to_have_count(2)
    assert "Bone marrow MRD report" in items.nth(0).inner_text()
    notice = page.locator("#screening-notice")
    expect(notice).to_contain_text(MEDICAL_ADVICE_NOTICE, use_inner_text=True)
    expect(notice).to_be_visible()
    expect(page.locator("#screening")).to_contain_text("Besponsa", use_inner_text=True)
    expect(page.locator("#timeline")).to_contain_text(
        "A coordinator asked for more records.", use_inner_text=True
    )
    # Nothing sticks out sideways on a phone.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    save_screenshot(page, f"status-page-records-requested-{name}")

    page.get_by_label("What kind of document is it?").select_option("labs")
    page.get_by_label("Files").set_input_files(str(requested_person.file))
    page.get_by_role("button", name="Send the records").click()
    page.wait_for_url(f"**{requested_person.url}#documents")

    expect(page.get_by_role("status").first).to_contain_text(
        "Thank you: we received 1 document.", use_inner_text=True
    )
    assert page.locator("#current-status").inner_text().startswith("Under review")
    expect(page.locator("#documents")).to_contain_text("bone-marrow-mrd.pdf", use_inner_text=True)
    expect(page.get_by_role("heading", name="What we need from you")).to_have_count(0)
    save_screenshot(page, f"status-page-after-upload-{name}")

    document = Document.objects.get(case=requested_person.case)
    assert document.source == "status_page"
    requested_person.case.refresh_from_db()
    assert requested_person.case.status == CaseStatus.IN_REVIEW


def test_a_refused_file_is_explained_at_the_top_with_a_link_to_the_field(
    live_server, browser_page, requested_person, tmp_path
):
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"<!DOCTYPE html><html><body>not a pdf</body></html>")
    page = browser_page
    page.goto(live_server.url + requested_person.url)
    page.get_by_label("What kind of document is it?").select_option("labs")
    page.get_by_label("Files").set_input_files(str(fake))
    page.get_by_role("button", name="Send the records").click()

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(
        "“report.pdf” was not accepted: it is a web page (HTML).", use_inner_text=True
    )
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_files"
    files = page.get_by_label("Files")
    assert files.get_attribute("aria-invalid") == "true"
    assert "id_files-error" in files.get_attribute("aria-describedby")
    save_screenshot(page, "status-page-refused-file")
