"""axe-core over the coordinators' admin pages in Chromium: no serious or critical violation
on the queue, the case file, the amendment page, the dashboard and the page a coordinator gets
where they may not go."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from screening.core.roles import sync_roles
from screening.models import CaseStatus
from tests.admin.conftest import screened_case
from tests.axe import axe_violations, signed_in_context
from tests.factories import CoordinatorFactory, DocumentFactory, LeadFactory
from tests.rules.profiles import relapsed_b_all_adult

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people_and_case():
    sync_roles()
    coordinator = CoordinatorFactory(first_name="Ines", last_name="Holloway")
    lead = LeadFactory(first_name="Leda", last_name="Marchetti")
    case = screened_case(
        assigned_to=coordinator,
        status=CaseStatus.IN_REVIEW,
        profile=relapsed_b_all_adult(cd22_positive=None),
    )
    DocumentFactory(case=case, category="flow_cytometry", original_name="flow.pdf")
    return coordinator, lead, case


def admin_pages(case):
    return {
        "queue": "/admin/screening/case/",
        "case file": f"/admin/screening/case/{case.pk}/change/",
    }


def test_the_coordinators_pages_have_no_serious_or_critical_violations(
    live_server, new_page, people_and_case
):
    coordinator, _lead, case = people_and_case
    page = signed_in_context(new_page, live_server, coordinator)
    found = {}
    for name, path in admin_pages(case).items():
        page.goto(live_server.url + path)
        found[name] = axe_violations(page)
    assert found == {name: [] for name in found}


def test_the_dashboard_has_no_serious_or_critical_violations(
    live_server, new_page, people_and_case
):
    _coordinator, lead, _case = people_and_case
    page = signed_in_context(new_page, live_server, lead)
    page.goto(live_server.url + "/admin/screening/case/dashboard/")
    assert axe_violations(page) == []


def test_a_coordinator_kept_from_the_dashboard_gets_a_proper_page(
    live_server, new_page, people_and_case
):
    coordinator, _lead, _case = people_and_case
    page = signed_in_context(new_page, live_server, coordinator)
    response = page.goto(live_server.url + "/admin/screening/case/dashboard/")
    assert response.status == 403
    assert "You cannot open this page" in page.content()
    expect(page.get_by_role("link", name="the case queue")).to_have_count(1)
    assert axe_violations(page) == []
