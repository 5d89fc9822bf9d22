"""In Chromium, the Content-Security-Policy blocks nothing our own pages need: no page logs
a violation (an inline script or style we forgot), public or admin."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from screening.core.roles import sync_roles
from screening.core.tokens import issue_status_token
from tests.admin.conftest import screened_case
from tests.auth import authenticator_for, current_code
from tests.factories import LeadFactory
from tests.security.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_page_breaks_the_content_security_policy(live_server, new_page):
    sync_roles()
    lead = LeadFactory(username="leda")
    case = screened_case(assigned_to=lead)
    token = issue_status_token(case)
    device = authenticator_for(lead)
    page = new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append((page.url, message.text))
            if "Content Security Policy" in message.text
            else None
        ),
    )

    for path in ("/", "/intake/about/", f"/status/{token}/", "/admin/login/"):
        page.goto(live_server.url + path)
        expect(page.locator("body")).to_be_visible()
    page.get_by_label("Username").fill("leda")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/admin/")
    for path in (
        reverse("admin:screening_case_changelist"),
        reverse("admin:screening_case_change", args=[case.pk]),
        reverse("admin:screening_case_dashboard"),
        reverse("admin:screening_case_history", args=[case.pk]),
        reverse("admin:screening_coordinatorprofile_changelist"),
        reverse("admin:second_factor_recovery_codes"),
    ):
        page.goto(live_server.url + path)
        assert page.locator("#content").is_visible(), path

    assert violations == []
