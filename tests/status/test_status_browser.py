"""The status page in Chromium, on a desktop and on a 360 px phone: read it, send a record."""

import pytest

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

    assert page.get_by_role("heading", name="What we need from you").is_visible()
    items = page.locator("#requested-items li")
    assert items.count() == 2
    assert "Bone marrow MRD report" in items.nth(0).inner_text()
    notice = page.locator("#screening-notice")
    assert MEDICAL_ADVICE_NOTICE in notice.inner_text()
    assert notice.is_visible()
    assert "Besponsa" in page.locator("#screening").inner_text()
    assert "A coordinator asked for more records." in page.locator("#timeline").inner_text()
    # Nothing sticks out sideways on a phone.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    save_screenshot(page, f"status-page-records-requested-{name}")

    page.get_by_label("What kind of document is it?").select_option("labs")
    page.get_by_label("Files").set_input_files(str(requested_person.file))
    page.get_by_role("button", name="Send the records").click()
    page.wait_for_url(f"**{requested_person.url}#documents")

    assert "Thank you: we received 1 document." in page.get_by_role("status").first.inner_text()
    assert page.locator("#current-status").inner_text().startswith("Under review")
    assert "bone-marrow-mrd.pdf" in page.locator("#documents").inner_text()
    assert page.get_by_role("heading", name="What we need from you").count() == 0
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
    assert "“report.pdf” was not accepted: it is a web page (HTML)." in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_files"
    files = page.get_by_label("Files")
    assert files.get_attribute("aria-invalid") == "true"
    assert "id_files-error" in files.get_attribute("aria-describedby")
    save_screenshot(page, "status-page-refused-file")
