"""Issue #16 in Chromium at 1280 and 360 px: questions that follow the answers with and without
JavaScript, the wording for whoever fills the form in, Back after sending, a treatment
removed at once, and the compact notice on a phone. Screenshots go to var/screenshots/."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from screening.models import Case, IntakeDraft
from tests.browser import DESKTOP, PHONE, save_screenshot
from tests.intake.helpers import TREATMENT, post_step, walk_to_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


def name_of(viewport) -> str:
    return "desktop" if viewport is DESKTOP else "phone"


def csp_reports(page) -> list[str]:
    """Collects the console's Content-Security-Policy complaints for the page's life."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def page_with_session(new_page, live_server, client: Client, **options):
    """A browser carrying the test client's session: answers given through the client, the
    rest done in the browser."""
    page = new_page(**options)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def visible(page, selector) -> bool:
    return page.locator(selector).is_visible()


def fill_about(page, role="#id_about-submitter_role_1"):
    page.check(role)
    page.fill("#id_about-first_name", "Ana")
    page.fill("#id_about-last_name", "Lopez")
    if role.endswith("_1"):
        page.fill("#id_about-patient_first_name", "Luis")
        page.fill("#id_about-patient_last_name", "Lopez")
    page.fill("#id_about-email", "ana.lopez@example.org")
    page.select_option("#id_about-country", "MX")
    page.fill("#id_about-date_of_birth_0", "2")
    page.fill("#id_about-date_of_birth_1", "4")
    page.fill("#id_about-date_of_birth_2", "1963")
    page.check("#id_about-consent_processing")
    page.check("#id_about-consent_not_medical_advice")


@VIEWPORTS
def test_the_questions_follow_the_answers_on_the_same_page_with_javascript(
    live_server, new_page, viewport
):
    name = name_of(viewport)
    page = new_page(viewport=viewport)
    complaints = csp_reports(page)
    page.goto(f"{live_server.url}/intake/")

    # Step 1 speaks to whoever fills it in, as soon as they say who they are.
    assert not visible(page, "#id_about-patient_first_name")
    page.check("#id_about-submitter_role_0")  # the patient
    legend = page.locator("#div_id_about-date_of_birth legend")
    assert legend.inner_text().startswith("Your date of birth")
    assert page.locator("#step-title").inner_text() == "About you"
    page.check("#id_about-submitter_role_1")  # a relative
    assert legend.inner_text().startswith("The patient's date of birth")
    assert visible(page, "#id_about-patient_first_name")
    save_screenshot(page, f"follow-ups-{name}-1-relative")
    fill_about(page)
    page.click("#next")

    # Step 2: each disease's test questions, at once, and only those.
    assert not visible(page, "#test-results")
    page.select_option("#id_diagnosis-disease", "mm")
    assert visible(page, "#id_diagnosis-marker_bcma_positive_0")
    assert not visible(page, "#id_diagnosis-marker_cd22_positive_0")
    page.select_option("#id_diagnosis-disease", "b_all")
    assert visible(page, "#id_diagnosis-marker_cd22_positive_0")
    assert not visible(page, "#id_diagnosis-marker_bcma_positive_0")
    page.check("#id_diagnosis-marker_cd19_positive_0")
    save_screenshot(page, f"follow-ups-{name}-2-diagnosis")
    page.click("#next")
    assert "Step 3 of 7" in page.locator("#progress").inner_text()  # one Next, no second part

    # Step 3: MRD and consolidation for a remission only; the level once MRD is detectable.
    assert not visible(page, "#id_status-mrd_0")
    page.check("input[name='status-status'][value='first_remission']")
    assert visible(page, "#id_status-mrd_0")
    assert visible(page, "#id_status-in_consolidation_phase_0")
    assert not visible(page, "#id_status-mrd_percent")
    page.check("input[name='status-mrd'][value='detectable']")
    page.fill("#id_status-mrd_percent", "4.5")
    page.check("input[name='status-in_consolidation_phase'][value='yes']")
    save_screenshot(page, f"follow-ups-{name}-3-remission")
    # Refractory after all: the remission questions go, and nothing typed there is sent.
    page.check("input[name='status-status'][value='refractory']")
    assert not visible(page, "#id_status-mrd_0")
    assert not visible(page, "#id_status-in_consolidation_phase_0")
    page.click("#next")
    expect(page.locator("#progress")).to_contain_text("Step 4 of 7", use_inner_text=True)
    kept = IntakeDraft.objects.get().data["step_data"]["status"]
    assert kept["status-status"] == ["refractory"]
    assert not any(key.startswith(("status-mrd", "status-in_consolidation")) for key in kept)
    assert complaints == []


@VIEWPORTS
def test_without_javascript_the_step_comes_back_once_for_the_new_questions(
    live_server, new_page, viewport
):
    name = name_of(viewport)
    page = new_page(viewport=viewport, java_script_enabled=False)
    page.goto(f"{live_server.url}/intake/")
    # The patient's name is on the page until the person says they are the patient.
    assert visible(page, "#id_about-patient_first_name")
    fill_about(page)
    page.click("#next")

    page.select_option("#id_diagnosis-disease", "b_all")
    page.click("#next")
    assert visible(page, "#test-results-notice")
    assert visible(page, "#id_diagnosis-marker_cd22_positive_0")
    assert not visible(page, "#id_diagnosis-marker_bcma_positive_0")
    page.click("#next")

    page.check("input[name='status-status'][value='second_remission']")
    page.click("#next")
    assert visible(page, "#follow-up-notice")
    assert not visible(page, "#error-summary")
    assert visible(page, "#id_status-mrd_0") and visible(page, "#id_status-mrd_percent")
    page.check("input[name='status-in_consolidation_phase'][value='no']")
    save_screenshot(page, f"follow-ups-{name}-nojs-status")
    page.click("#next")
    expect(page.locator("#progress")).to_contain_text("Step 4 of 7", use_inner_text=True)
    kept = IntakeDraft.objects.get().data["step_data"]["status"]
    assert kept["status-mrd"] == ["not_tested"]


@VIEWPORTS
def test_back_after_sending_shows_what_was_sent_and_never_an_empty_review(
    live_server, new_page, viewport
):
    name = name_of(viewport)
    client = Client()
    walk_to_review(client)
    page = page_with_session(new_page, live_server, client, viewport=viewport)
    page.goto(f"{live_server.url}/intake/review/")
    page.click("#submit-case")
    assert page.locator("h1").inner_text() == "Thank you: your answers were sent"
    case = Case.objects.get()
    status_link = page.locator("#status-link").get_attribute("href")

    for attempt in ("back", "reload"):
        if attempt == "back":
            page.go_back()
        else:
            page.reload()
        text = page.locator("main").inner_text()
        assert "Your answers were sent on" in text and case.reference in text
        assert "Not finished yet" not in text
        assert page.locator("#status-link").get_attribute("href") == status_link
    save_screenshot(page, f"after-sending-{name}-back")

    # A step opened afterwards says the same, and sending again makes nothing new.
    page.goto(f"{live_server.url}/intake/health/")
    expect(page.locator("main")).to_contain_text("Your answers were sent on", use_inner_text=True)
    assert Case.objects.count() == 1

    page.click("#new-form")
    expect(page.locator("#progress")).to_contain_text("Step 1 of 7", use_inner_text=True)


@VIEWPORTS
def test_remove_this_treatment_removes_it_at_once(live_server, new_page, viewport):
    client = Client()
    walk_to_review(client)
    lines = {
        **TREATMENT,
        "lines-TOTAL_FORMS": "2",
        "lines-0-name": "R-CHOP",
        "lines-1-name": "R-ICE",
    }
    post_step(client, "treatment", lines, wizard_goto_step="health")
    page = page_with_session(new_page, live_server, client, viewport=viewport)
    page.goto(f"{live_server.url}/intake/treatment/")
    assert page.locator("#id_treatment-lines-1-name").input_value() == "R-ICE"
    page.click("#remove-line-0")
    assert page.locator("#id_treatment-lines-0-name").input_value() == "R-ICE"
    expect(page.locator("#id_treatment-lines-1-name")).to_have_count(0)
    expect(page.locator("#notices")).to_contain_text("Removed treatment 1.", use_inner_text=True)


def test_the_not_medical_advice_notice_is_compact_on_a_phone_and_still_says_what_matters(
    live_server, new_page
):
    phone = new_page(viewport=PHONE)
    phone.goto(f"{live_server.url}/intake/")
    notice = phone.get_by_role("note")
    text = notice.inner_text()
    assert "Not medical advice" in text and "coordinator reviews" in text
    assert "doctor" in text and "information only" in text
    assert notice.bounding_box()["height"] <= 110
    assert notice.bounding_box()["height"] < PHONE["height"] / 6
    save_screenshot(phone, "notice-phone")

    desktop = new_page(viewport=DESKTOP)
    desktop.goto(f"{live_server.url}/intake/")
    expect(desktop.get_by_role("note")).to_contain_text(
        "It does not diagnose, recommend treatment", use_inner_text=True
    )
