"""A coordinator's round in Chromium: sign in, filter to overdue, open a case, read the screening
table, download a document, request records, and (after the patient uploads from their status
page) move the case to referred. Screenshots are saved as artifacts."""

import re
from base64 import b32encode
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from screening.core.roles import sync_roles
from screening.models import Case, CaseStatus, EventKind, RecordsRequest
from tests.admin.conftest import screened_case
from tests.auth import authenticator_for, current_code
from tests.browser import save_screenshot
from tests.factories import MINIMAL_PDF, CoordinatorFactory, DocumentFactory
from tests.outbox import deliver_outbox
from tests.rules.profiles import relapsed_b_all_adult
from tests.uploads.samples import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def round_of_cases(tmp_path):
    sync_roles()  # this test's database may have been flushed by an earlier one
    coordinator = CoordinatorFactory(username="ines", first_name="Ines", last_name="Holloway")
    profile = relapsed_b_all_adult()
    profile["biomarkers"]["cd22_positive"] = None  # Besponsa needs review: CD22 unknown
    overdue = screened_case(
        profile=profile, assigned_to=coordinator, status=CaseStatus.IN_REVIEW, first_name="Odile"
    )
    on_time = screened_case(assigned_to=coordinator, status=CaseStatus.IN_REVIEW)
    now = timezone.now()
    Case.objects.filter(pk=overdue.pk).update(due_at=now - timedelta(hours=6))
    Case.objects.filter(pk=on_time.pk).update(due_at=now + timedelta(days=2))
    document = DocumentFactory(
        case=overdue, original_name="bone-marrow-report.pdf", content=MINIMAL_PDF
    )
    report = tmp_path / "flow-cytometry.pdf"
    report.write_bytes(make_pdf(text="Flow cytometry: CD22 positive 90%"))
    mail.outbox.clear()
    return {
        "coordinator": coordinator,
        "overdue": overdue,
        "on_time": on_time,
        "document": document,
        "report": report,
    }


def test_a_coordinator_works_an_overdue_case_from_queue_to_referral(
    live_server, new_page, round_of_cases, tmp_path
):
    cases = round_of_cases
    overdue, on_time = cases["overdue"], cases["on_time"]
    page = new_page()

    # Sign in: password, then the code the coordinator's authenticator app shows.
    authenticator = authenticator_for(cases["coordinator"])
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("ines")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(current_code(authenticator))
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("link", name="Case queue").click()
    expect(page.locator("#medical-notice")).to_contain_text(
        "Not medical advice", use_inner_text=True
    )

    # Filter to overdue: only the overdue case stays, marked as such.
    page.locator("#changelist-filter").get_by_role("link", name="Overdue", exact=True).click()
    page.wait_for_url("**overdue=yes**")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    assert overdue.reference in rows.first.inner_text()
    assert "Overdue by 6 h" in rows.first.inner_text()
    assert on_time.reference not in page.locator("#result_list").inner_text()
    save_screenshot(page, "admin-queue-overdue")

    # Open the case and read the screening table.
    page.get_by_role("link", name=overdue.reference).click()
    page.wait_for_url(f"**/admin/screening/case/{overdue.pk}/change/**")
    expect(page.locator("header.nav-case-header")).to_contain_text(
        "Overdue by", use_inner_text=True
    )
    besponsa = page.locator("details.nav-product", has_text="Besponsa")
    expect(besponsa.locator("summary")).to_contain_text("Needs review", use_inner_text=True)
    besponsa.locator("summary").click()  # criterion by criterion, folded under the verdicts
    table = besponsa.locator("table.screening-table", has_text="BES-ALL")
    cd22 = table.locator("tr", has_text="CD22 expression")
    expect(cd22).to_contain_text("Unknown", use_inner_text=True)
    assert "CD22-positive" in cd22.inner_text()  # the label's own wording
    expect(table).to_contain_text(
        "BESPONSA (inotuzumab ozogamicin) US Prescribing Information", use_inner_text=True
    )
    expect(page.locator("#missing-title + table")).to_contain_text(
        "flow cytometry report", use_inner_text=True
    )
    expect(page.locator("#medical-notice")).to_be_visible()
    save_screenshot(page, "admin-case-screening")

    # Download the document: an attachment with the stored bytes.
    with page.expect_download() as download_info:
        page.locator(f"#document-{cases['document'].pk}").get_by_role(
            "link", name="Download"
        ).click()
    download = download_info.value
    assert download.suggested_filename == "bone-marrow-report.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == MINIMAL_PDF

    # Request records: the missing CD22 fact and a treatment summary.
    form = page.locator("#records-form")
    form.get_by_label(re.compile("CD22 expression")).check()
    form.get_by_label("Treatment summary").check()
    form.get_by_label("Message to the patient (optional)").fill("Photos of the pages are fine.")
    form.get_by_role("button", name="Email the patient").click()
    page.wait_for_load_state()
    expect(page.locator("ul.messagelist")).to_contain_text(
        "Records requested from", use_inner_text=True
    )
    expect(page.locator("header.nav-case-header")).to_contain_text(
        "Records requested", use_inner_text=True
    )
    save_screenshot(page, "admin-case-records-requested")
    deliver_outbox()  # what the worker does after the commit
    email = next(m for m in mail.outbox if overdue.email in m.to)
    link = re.search(r"http://\S+/status/[\w-]+/", email.body).group(0)
    assert "- Flow cytometry report\n" in email.body and "CD22" not in email.body

    # The patient uploads the report from their status page (no login).
    patient = new_page()
    patient.goto(live_server.url + link[link.index("/status/") :])
    patient.get_by_label("What kind of document is it?").select_option("flow_cytometry")
    patient.get_by_label("Files").set_input_files(str(cases["report"]))
    patient.get_by_role("button", name="Send the records").click()
    patient.wait_for_url("**#documents")
    overdue.refresh_from_db()
    assert overdue.status == CaseStatus.IN_REVIEW
    assert RecordsRequest.objects.get(case=overdue).fulfilled_at is not None
    deliver_outbox()
    assert any(cases["coordinator"].email in m.to for m in mail.outbox)

    # Back on the case: the report is there; move the case to referred.
    page.reload()
    expect(page.locator("#documents")).to_contain_text("flow-cytometry.pdf", use_inner_text=True)
    move = page.locator("#move-form")
    move.get_by_label("New status").select_option("referred")
    move.get_by_label("Reason").fill("CD22 confirmed; referral to the cell therapy unit agreed")
    move.get_by_role("button", name="Change status").click()
    page.wait_for_load_state()
    expect(page.locator("ul.messagelist")).to_contain_text(
        "moved to “Referred”", use_inner_text=True
    )
    expect(page.locator("header.nav-case-header")).to_contain_text("Referred", use_inner_text=True)
    timeline = page.locator("#timeline").inner_text()
    assert "Records received" in timeline and "Status changed" in timeline
    save_screenshot(page, "admin-case-referred")

    overdue.refresh_from_db()
    assert overdue.status == CaseStatus.REFERRED
    last_move = overdue.events.filter(kind=EventKind.STATUS_CHANGED).last()
    assert last_move.actor == cases["coordinator"]
    assert Path(save_screenshot(page, "admin-case-referred")).stat().st_size > 20_000


def test_a_lead_reads_the_dashboard_on_the_demo_data(live_server, new_page):
    from django.contrib.auth import get_user_model

    from screening.management.demo import DEMO_LEAD_USERNAME, seed_demo_data

    seed_demo_data()
    lead = get_user_model().objects.get(username=DEMO_LEAD_USERNAME)
    lead.set_password(PASSWORD)
    lead.save()
    page = new_page()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill(DEMO_LEAD_USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # The demo lead's first sign-in enrols an authenticator app from the QR code.
    page.wait_for_url("**/admin/second-factor/enrol/**")
    expect(page.locator(".nav-qr svg")).to_be_visible()
    save_screenshot(page, "admin-second-factor-enrol")
    pending = TOTPDevice.objects.get(user=lead, confirmed=False)
    assert page.locator("#totp-secret").inner_text().replace(" ", "") == b32encode(
        pending.bin_key
    ).decode().rstrip("=")
    page.get_by_label("Code").fill(current_code(pending))
    page.get_by_role("button", name="Confirm").click()
    # count() does not wait for the confirmation's response; the expectation does.
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have saved them: continue").click()
    page.get_by_role("link", name="Dashboard").first.click()

    expect(page.get_by_role("heading", name="Coordination dashboard")).to_be_visible()
    charts = page.locator("svg.nav-chart")
    expect(charts).to_have_count(4)
    for i in range(4):
        box = charts.nth(i).bounding_box()
        assert box["width"] > 300 and box["height"] > 50
    assert (
        int(page.locator("#open-total").inner_text())
        == Case.objects.exclude(status=CaseStatus.CLOSED).count()
    )
    expect(page.locator("#medical-notice")).to_be_visible()
    save_screenshot(page, "admin-dashboard")
