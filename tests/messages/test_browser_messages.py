"""A message round trip in Chromium, on a desktop and on a 360 px phone: the person writes to
their coordinator from the status page with a document attached, the coordinator signs in
(password and authenticator code), reads it in the case file and answers, and the person reads
the answer; the emails between carry no text. axe finds nothing serious on the status page with
the conversation on it."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from screening.core.roles import sync_roles
from screening.core.tokens import issue_status_token
from screening.models import Document, MessageDirection, PatientMessage
from tests.admin.conftest import screened_case
from tests.auth import authenticator_for, current_code
from tests.axe import axe_violations
from tests.browser import DESKTOP, PHONE, save_screenshot
from tests.factories import CoordinatorFactory
from tests.outbox import deliver_outbox
from tests.uploads.samples import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
QUESTION = "The hospital in Lima sent the flow cytometry report. Is this the one you need?"
ANSWER = "Yes, thank you: the report is what the treatment center asked for. I will call Friday."


@pytest.fixture
def person(tmp_path):
    sync_roles()  # a flushed database (after a transactional test) has no groups
    coordinator = CoordinatorFactory(username="maren", first_name="Maren", last_name="Olsen")
    case = screened_case(assigned_to=coordinator, status="in_review", first_name="Odile")
    mail.outbox.clear()
    report = tmp_path / "flow-report.pdf"
    report.write_bytes(make_pdf(text="Flow cytometry report"))
    return {
        "coordinator": coordinator,
        "case": case,
        "url": f"/status/{issue_status_token(case)}/",
        "report": report,
    }


def sign_in(page, base_url: str, coordinator, next_path: str):
    authenticator = authenticator_for(coordinator)  # set up on their phone before today
    page.goto(base_url + next_path)  # the admin asks for a sign-in first
    page.get_by_label("Username").fill(coordinator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(current_code(authenticator))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    if next_path.split("#")[0] not in page.url:
        page.goto(base_url + next_path)


def delivered_to(address: str) -> list:
    """The emails sent to `address`: the outbox is delivered as a worker would (with no broker,
    the live server already delivered them after its commit)."""
    deliver_outbox()
    return [email for email in mail.outbox if address in email.to]


def fits(page, viewport) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_person_and_their_coordinator_write_to_each_other(
    live_server, new_page, person, viewport
):
    name = "desktop" if viewport is DESKTOP else "phone"
    case, coordinator = person["case"], person["coordinator"]

    # The person writes, with the report attached.
    patient = new_page(viewport=viewport)
    patient.goto(live_server.url + person["url"])
    expect(patient.locator("#coordinator")).to_contain_text("Your coordinator is Maren.")
    patient.get_by_role("link", name="Write to Maren").click()
    patient.get_by_label("Your message").fill(QUESTION)
    patient.get_by_label("Attach a document (optional)").set_input_files(str(person["report"]))
    patient.get_by_role("button", name="Send the message").click()
    patient.wait_for_url("**#messages")
    expect(patient.get_by_role("status").first).to_contain_text("Your message was sent.")
    thread = patient.locator("#message-thread")
    expect(thread).to_contain_text(QUESTION)
    expect(thread).to_contain_text("Attached: flow-report.pdf")
    expect(patient.locator("#timeline")).to_contain_text(
        "You sent a message with a document to your coordinator."
    )
    assert fits(patient, viewport)
    save_screenshot(patient, f"messages-status-sent-{name}")
    assert Document.objects.get(case=case).source == "message"

    # The coordinator is told, without the text, with a link to the case file.
    (notice,) = delivered_to(coordinator.email)
    assert "Lima" not in notice.body and "flow cytometry" not in notice.body.lower()
    case_link = re.search(r"http://\S+/admin/screening/case/\d+/change/#messages", notice.body)
    assert case_link is not None

    # The coordinator signs in with the second factor, reads and answers in the case file.
    staff = new_page(viewport=viewport)
    case_path = case_link.group(0)[case_link.group(0).index("/admin/") :]
    sign_in(staff, live_server.url, coordinator, case_path)
    messages = staff.locator("section#messages")
    expect(messages).to_contain_text(QUESTION)
    expect(messages).to_contain_text("From the patient")
    expect(messages.get_by_role("link", name="flow-report.pdf")).to_be_visible()
    messages.get_by_label("Message to the patient").fill(ANSWER)
    messages.get_by_role("button", name="Send to the patient").click()
    staff.wait_for_load_state()
    expect(staff.locator("ul.messagelist")).to_contain_text("Message sent.")
    expect(staff.locator("section#messages")).to_contain_text(ANSWER)
    expect(staff.locator("#timeline")).to_contain_text("Message to the patient")
    save_screenshot(staff, f"messages-case-file-answered-{name}")

    # The person is told, without the text, and reads the answer on their page.
    (told,) = delivered_to(case.email)
    for part in (told.subject, told.body, told.alternatives[0][0]):
        assert "treatment center" not in part and "Friday" not in part
    link = re.search(r"http://\S+/status/[\w-]+/#messages", told.body).group(0)
    patient.goto(live_server.url + link[link.index("/status/") :])
    thread = patient.locator("#message-thread")
    expect(thread).to_contain_text(ANSWER)
    expect(thread).to_contain_text("Maren (your coordinator) wrote")
    expect(patient.locator("#timeline")).to_contain_text("Your coordinator wrote to you.")
    assert fits(patient, viewport)
    save_screenshot(patient, f"messages-status-answered-{name}")
    assert axe_violations(patient) == []

    assert list(PatientMessage.objects.values_list("direction", flat=True)) == [
        MessageDirection.FROM_PATIENT,
        MessageDirection.TO_PATIENT,
    ]


def test_a_double_click_on_send_stores_one_message(live_server, new_page, person):
    page = new_page()
    page.goto(live_server.url + person["url"] + "#messages")
    page.get_by_label("Your message").fill(QUESTION)
    page.get_by_role("button", name="Send the message").dblclick()
    page.wait_for_url("**#messages")
    expect(page.locator("#message-thread")).to_contain_text(QUESTION)
    assert PatientMessage.objects.count() == 1
    assert len(delivered_to(person["coordinator"].email)) == 1


def test_an_empty_message_is_explained_at_the_top_and_beside_the_field(
    live_server, new_page, person
):
    page = new_page(viewport=PHONE)
    page.goto(live_server.url + person["url"])
    page.get_by_role("button", name="Send the message").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Write your message before sending it.")
    summary.get_by_role("link", name="Write your message before sending it.").click()
    expect(page.get_by_label("Your message")).to_be_focused()
    assert PatientMessage.objects.count() == 0
    assert axe_violations(page) == []
