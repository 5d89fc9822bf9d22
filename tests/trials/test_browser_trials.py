"""In Chromium: a coordinator opens a T-ALL case and reads its Trials section (a CD7 trial
needing review, with the criteria and the bullet left for the trial team; a possible match
with its nearest site first); the patient's status page lists the recruiting trials with the
note that a trial team decides. Screenshots are saved as artifacts."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from screening.core.roles import sync_roles
from screening.core.tokens import issue_status_token
from screening.models import CaseStatus
from screening.trials.catalogue import import_export_text
from screening.trials.matching import match_cases
from tests.auth import authenticator_for, current_code
from tests.browser import save_screenshot
from tests.factories import CaseFactory, LeadFactory
from tests.trials.studies import sample_document
from tests.trials.test_pages import BOTH, T_ALL, t_all_trial

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def t_all_case():
    sync_roles()
    document = sample_document()
    document["studies"].append(t_all_trial("NCT90000040", BOTH))
    import_export_text(json.dumps(document))
    case = CaseFactory(
        profile=T_ALL,
        country="US",
        travel_countries=["CN"],
        status=CaseStatus.IN_REVIEW,
        first_name="Tomasz",
    )
    match_cases([case.pk])
    return case


def test_the_case_file_and_the_status_page_show_the_matched_trials(
    live_server, new_page, t_all_case
):
    lead = LeadFactory(username="lena")
    authenticator = authenticator_for(lead)
    page = new_page()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(current_code(authenticator))
    page.get_by_role("button", name="Verify").click()
    page.goto(f"{live_server.url}/admin/screening/case/{t_all_case.pk}/change/")

    section = page.locator("#trials")
    expect(section).to_contain_text("Possible matches (1)", use_inner_text=True)
    expect(section).to_contain_text("Needing review (2)", use_inner_text=True)
    ucd7 = section.locator("details.nav-trial", has_text="NCT07109518")
    ucd7.locator("summary").click()
    antigen = ucd7.locator("tr", has_text="CD7 expression")
    expect(antigen).to_contain_text("Unknown", use_inner_text=True)
    assert "CD7-positive acute myeloid leukaemia" in antigen.inner_text()  # the record's text
    assert "Adequate cardiac and renal function" in ucd7.inner_text()  # for the trial team
    assert ucd7.get_by_role("link", name="Registry record").get_attribute("href") == (
        "https://clinicaltrials.gov/study/NCT07109518"
    )
    match = section.locator("details.nav-trial", has_text="NCT90000040")
    sites = match.locator("h4:has-text('Sites') + ul li")
    assert "Boston" in sites.nth(0).inner_text()  # the person's own country first
    assert "Shanghai" in sites.nth(1).inner_text()
    expect(page.locator("#medical-notice")).to_be_visible()
    save_screenshot(page, "admin-case-trials")

    patient = new_page()
    patient.goto(f"{live_server.url}/status/{issue_status_token(t_all_case)}/")
    trials = patient.locator("#trials")
    expect(trials).to_contain_text("Only a trial's own team can decide", use_inner_text=True)
    for nct_id in ("NCT90000040", "NCT04984356", "NCT07109518"):
        expect(trials).to_contain_text(nct_id, use_inner_text=True)
    expect(trials).to_contain_text("Possible match", use_inner_text=True)
    save_screenshot(patient, "status-page-trials")
