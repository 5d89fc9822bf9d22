"""The case file in Chromium at 1280 × 800: the verdicts on the first screen, sections to jump
between, the queue showing the patient's name without a sideways scroll."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from screening.core.roles import sync_roles
from screening.models import CaseStatus
from tests.admin.conftest import screened_case
from tests.axe import axe_violations, signed_in_context
from tests.browser import save_screenshot
from tests.casefile.answers import case_from_answers, myeloma_answers
from tests.factories import CoordinatorFactory, DocumentFactory, FactProposalFactory
from tests.rules.profiles import relapsed_b_all_adult

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_SCREEN = {"width": 1280, "height": 800}


@pytest.fixture
def coordinator_and_cases():
    sync_roles()
    coordinator = CoordinatorFactory(first_name="Ines", last_name="Holloway")
    b_all = screened_case(
        assigned_to=coordinator,
        status=CaseStatus.IN_REVIEW,
        profile=relapsed_b_all_adult(cd22_positive=None),
    )
    report = DocumentFactory(
        case=b_all, category="flow_cytometry", original_name="flow.pdf", page_count=1
    )
    FactProposalFactory(document=report)
    myeloma = case_from_answers(
        myeloma_answers(), assigned_to=coordinator, patient_name="Bartholomew Vantongeren"
    )
    return coordinator, b_all, myeloma


def test_the_first_screen_shows_who_the_case_is_about_and_every_verdict(
    live_server, new_page, coordinator_and_cases
):
    coordinator, b_all, _myeloma = coordinator_and_cases
    page = signed_in_context(new_page, live_server, coordinator, viewport=FIRST_SCREEN)
    page.goto(f"{live_server.url}/admin/screening/case/{b_all.pk}/change/")
    save_screenshot(page, "case-file-1280")
    page.screenshot(path=str(save_screenshot(page, "case-file-1280")).replace(".png", "-first.png"))

    heading = page.get_by_role("heading", level=1)
    assert b_all.patient_name in heading.inner_text()
    assert b_all.reference in heading.inner_text()
    rows = page.locator("table.nav-verdicts tbody tr")
    assert rows.count() == len(b_all.latest_run.verdicts)
    last = rows.last.bounding_box()
    assert last["y"] + last["height"] <= FIRST_SCREEN["height"], last
    assert page.evaluate("document.documentElement.scrollWidth") <= FIRST_SCREEN["width"]

    for title in ("Screening", "Intake answers", "Facts", "Documents", "Requests and messages"):
        page.locator("nav.nav-jump").get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", name=title, exact=True, level=2)).to_be_visible()
    assert axe_violations(page) == []


def test_the_intake_answers_and_the_treatment_lines_table_are_shown(
    live_server, new_page, coordinator_and_cases
):
    coordinator, _b_all, myeloma = coordinator_and_cases
    page = signed_in_context(new_page, live_server, coordinator)
    page.goto(f"{live_server.url}/admin/screening/case/{myeloma.pk}/change/#answers")
    lines = page.locator("table.nav-lines tbody tr")
    expect(lines).to_have_count(3)
    assert "Pomalyst and dexamethasone" in lines.nth(2).inner_text()
    assert "not recognised" in lines.nth(2).inner_text()
    assert (
        "Oriana Vantongeren (a relative or friend)"
        in page.locator("header.nav-case-header").inner_text()
    )
    assert axe_violations(page) == []


def test_the_queue_shows_the_patients_name_and_fits_1280_pixels(
    live_server, new_page, coordinator_and_cases
):
    coordinator, b_all, myeloma = coordinator_and_cases
    page = signed_in_context(new_page, live_server, coordinator, viewport=FIRST_SCREEN)
    page.goto(f"{live_server.url}/admin/screening/case/")
    save_screenshot(page, "queue-1280")
    table = page.locator("#result_list").inner_text()
    assert "Bartholomew Vantongeren" in table and b_all.patient_name in table
    assert page.evaluate("document.documentElement.scrollWidth") <= FIRST_SCREEN["width"]
    # Nor does the result table scroll sideways inside its own box.
    results = page.locator("#changelist .results")
    assert results.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert axe_violations(page) == []
