"""A coordinator sent where their role may not go gets a page that says so, not a bare 403."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_coordinator_kept_from_the_dashboard_gets_a_page_with_a_way_back(login, coordinator):
    response = login(coordinator).get("/admin/screening/case/dashboard/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "You cannot open this page" in text
    assert 'href="/admin/screening/case/"' in text
    assert "<h1>403 Forbidden</h1>" not in text
