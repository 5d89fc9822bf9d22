"""The whole records loop in Chromium, with a real Celery worker reading the report:

a case that needs review for CD22 → the coordinator requests records → the patient uploads a
flow cytometry PDF on their status page → the worker extracts its text and proposes
"CD22 positive" → the coordinator accepts it → Besponsa becomes likely eligible → the timeline
shows the diff → the person is emailed that their case was updated (no medical details) →
the patient's status page, through the emailed link, shows the update.
"""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from screening.core.roles import sync_roles
from screening.models import Case, CaseStatus, Document, FactProposal
from tests.admin.conftest import screened_case
from tests.axe import axe_violations, signed_in_context
from tests.browser import save_screenshot
from tests.factories import CoordinatorFactory
from tests.pipeline.conftest import wait_for
from tests.rules.profiles import relapsed_b_all_adult

pytestmark = [pytest.mark.browser, pytest.mark.queue, pytest.mark.django_db(transaction=True)]

FLOW_REPORT = (
    Path(__file__).resolve().parents[1] / "facts" / "examples" / "pdf" / "R01-flow-ball.pdf"
)


def status_link(mailbox, address: str) -> str:
    """The status-page path from the newest email to `address`, wherever it was delivered: the
    web process's outbox in tests, or the worker's mailbox files."""
    texts = [m.body for m in mail.outbox if address in m.to]
    texts += [text for text in mailbox.messages() if address in text]
    links = [
        match for text in texts for match in re.findall(r"https?://\S+?(/status/[\w-]+/)", text)
    ]
    assert links, f"no email with a status link to {address}"
    return links[-1]


def test_a_report_the_patient_uploads_settles_cd22_and_besponsa_becomes_likely(
    live_server, new_page, start_worker, mailbox
):
    if not FLOW_REPORT.is_file():
        pytest.fail(f"{FLOW_REPORT} is missing (the report fixtures are part of the tests).")
    sync_roles()
    coordinator = CoordinatorFactory(first_name="Ines", last_name="Holloway")
    case = screened_case(
        assigned_to=coordinator,
        status=CaseStatus.IN_REVIEW,
        profile=relapsed_b_all_adult(cd22_positive=None),
    )
    assert case.latest_run.verdicts["besponsa"] == "needs_review"
    start_worker(concurrency=1)

    # The coordinator asks for the flow cytometry report that settles CD22.
    page = signed_in_context(new_page, live_server, coordinator)
    page.goto(f"{live_server.url}/admin/screening/case/{case.pk}/change/")
    besponsa = page.locator("table.nav-verdicts tr", has_text="Besponsa")
    expect(besponsa).to_contain_text("Needs review", use_inner_text=True)
    expect(besponsa).to_contain_text(
        "Missing: CD22 expression (flow cytometry report)", use_inner_text=True
    )
    records = page.locator("#records-form")
    records.get_by_label(re.compile("CD22 expression")).check()
    records.get_by_role("button", name="Email the patient").click()
    page.wait_for_load_state()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RECORDS_REQUESTED

    # The patient uploads it on their status page (no sign-in; the link from the email).
    link = wait_for(
        lambda: _try(status_link, mailbox, case.email), 60, 0.5, "no records-request email"
    )
    patient = new_page()
    patient.goto(live_server.url + link)
    patient.get_by_label("What kind of document is it?").select_option("flow_cytometry")
    patient.get_by_label("Files").set_input_files(str(FLOW_REPORT))
    patient.get_by_role("button", name="Send the records").click()
    patient.wait_for_url("**#documents")

    # The worker extracts the text and proposes the facts it reads, with the quote and page.
    document = Document.objects.get(case=case, source="status_page")
    proposal = wait_for(
        lambda: FactProposal.objects.filter(
            document=document, field="biomarkers.cd22_positive"
        ).first(),
        90,
        0.5,
        "the worker proposed no CD22 fact",
    )
    assert proposal.value is True and proposal.page == 1 and "CD22" in proposal.quote

    # The coordinator sees the proposal beside the document, with what it settles, and accepts.
    page.reload()  # the page is still the case file the records request returned to
    proposed = page.locator("li.nav-proposal", has_text="CD22 positive")
    expect(proposed).to_contain_text("Settles: CD22 expression — Besponsa", use_inner_text=True)
    save_screenshot(page, "records-loop-proposal")
    assert axe_violations(page) == []
    proposed.get_by_role("button", name="Accept CD22 positive").click()
    page.wait_for_load_state()
    expect(page.locator("ul.messagelist")).to_contain_text(
        "Besponsa: needs review → likely eligible", use_inner_text=True
    )

    besponsa = page.locator("table.nav-verdicts tr", has_text="Besponsa")
    expect(besponsa).to_contain_text("Likely eligible", use_inner_text=True)
    day = timezone.localtime(document.uploaded_at).date().isoformat()
    timeline = page.locator("#timeline").inner_text()
    assert (
        "Besponsa: needs review → likely eligible, because CD22 positive "
        f"(flow cytometry report of {day}, p. 1)" in timeline
    )
    save_screenshot(page, "records-loop-accepted")

    # The worker emails the person that their case was updated: the link, no medical details.
    update = wait_for(lambda: case_updated_email(mailbox, case), 60, 0.5, "no 'case updated' email")
    assert not re.search(r"besponsa|cd22|eligible|flow cytometry", update, re.I), update
    [updated_link] = re.findall(r"https?://\S+?(/status/[\w-]+/)", update)

    # The patient's status page (through the emailed link) shows the update in plain words.
    patient.goto(live_server.url + updated_link)
    expect(patient.locator("#screening-likely")).to_contain_text("Besponsa", use_inner_text=True)
    expect(patient.locator("#screening-basis")).to_contain_text(
        "records your coordinator added", use_inner_text=True
    )
    expect(patient.locator("#timeline")).to_contain_text(
        "Your case was updated", use_inner_text=True
    )
    save_screenshot(patient, "records-loop-status-page")


def case_updated_email(mailbox, case) -> str | None:
    """The text of the worker's "your case was updated" email to the case's person, if sent."""
    for raw in mailbox.messages():
        message = email.message_from_string(raw.strip(), policy=email.policy.default)
        if case.email in str(message["To"]) and "was updated" in str(message["Subject"]):
            return message.get_body(("plain",)).get_content()
    return None


def _try(function, *args):
    try:
        return function(*args)
    except AssertionError:
        return None
