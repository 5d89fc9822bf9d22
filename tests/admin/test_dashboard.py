"""The leads' dashboard: the right figures, drawn as inline SVG, with the notice."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.models import Case, CaseStatus, Priority
from screening.rules.results import MEDICAL_ADVICE_NOTICE
from screening.triage.dashboard import dashboard_stats
from tests.admin.conftest import screened_case
from tests.auth import staff_login
from tests.rules.profiles import rr_myeloma_triple_exposed, third_line_dlbcl

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:screening_case_dashboard")


@pytest.fixture
def queue_state(personas):
    now = timezone.now()
    b_all = screened_case(status=CaseStatus.IN_REVIEW)  # Besponsa likely
    dlbcl = screened_case(profile=third_line_dlbcl(), status=CaseStatus.AWAITING_REVIEW)
    myeloma = screened_case(profile=rr_myeloma_triple_exposed(), status=CaseStatus.REFERRED)
    closed = screened_case(status=CaseStatus.CLOSED)  # not counted as open
    Case.objects.filter(pk=b_all.pk).update(
        priority=Priority.URGENT,
        due_at=now - timedelta(hours=2),
        submitted_at=now - timedelta(days=2),
        first_reviewed_at=now - timedelta(days=2) + timedelta(hours=4),
    )
    Case.objects.filter(pk=dlbcl.pk).update(
        priority=Priority.HIGH, due_at=now + timedelta(hours=5), first_reviewed_at=None
    )
    Case.objects.filter(pk=myeloma.pk).update(
        priority=Priority.STANDARD,
        due_at=now - timedelta(days=1),
        submitted_at=now - timedelta(days=10),
        first_reviewed_at=now - timedelta(days=10) + timedelta(hours=10),
    )
    # Reviewed long ago: outside the 30-day window.
    Case.objects.filter(pk=closed.pk).update(
        submitted_at=now - timedelta(days=100),
        first_reviewed_at=now - timedelta(days=99),
        due_at=now - timedelta(days=70),
    )
    return {"b_all": b_all, "dlbcl": dlbcl, "myeloma": myeloma, "closed": closed}


def test_the_figures_count_open_work_overdue_cases_review_speed_and_products(queue_state):
    stats = dashboard_stats()

    assert dict(stats.open_by_status) == {
        "Submitted": 0,
        "Being screened": 0,
        "Awaiting review": 1,
        "In review": 1,
        "Records requested": 0,
        "Referred": 1,
    }
    assert dict(stats.open_by_priority) == {"Urgent": 1, "High": 1, "Standard": 1}
    assert stats.open_total == 3
    assert stats.overdue == 2  # the closed case's old due time does not count
    assert stats.reviewed_in_window == 2
    assert stats.median_first_review == timedelta(hours=7)  # median of 4 h and 10 h
    likely = dict(stats.likely_by_product)
    assert likely["Besponsa"] == 1  # the closed B-ALL case is not counted
    assert likely["Carvykti"] == 1 and likely["Abecma"] == 1
    assert likely["Yescarta"] == 1
    assert likely["Kymriah"] == 1  # third-line DLBCL
    assert len(stats.weekly_submissions) == 12
    assert sum(n for _, n in stats.weekly_submissions) == 3  # the 100-day-old case is older


def test_leads_see_the_dashboard_as_pictures_with_the_numbers(client, lead, queue_state):
    staff_login(client, lead)
    response = client.get(DASHBOARD)

    assert response.status_code == 200
    html = response.text
    assert MEDICAL_ADVICE_NOTICE in html
    assert html.count('<svg class="nav-chart"') == 4
    assert 'role="img"' in html
    assert '<span class="nav-big nav-overdue" id="overdue-count">2</span>' in html
    assert '<span class="nav-big" id="median-first-review">7.0 hours</span>' in html
    # Bars are proportional: the largest bar of a chart spans the full plot width.
    start = html.index("<figcaption><strong>Open cases by status")
    status_chart = html[start : html.index("</svg>", start)]
    bar = r'class="nav-bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"'
    widths = [float(w) for w in re.findall(bar, status_chart)]
    assert len(widths) == 6 and max(widths) == 270.0 and widths.count(0.0) == 3
    # Drawn on the server: no script from anywhere else.
    assert not re.search(r'<script[^>]+src="(https?:)?//', html)


def test_an_empty_database_draws_empty_charts_without_dividing_by_zero(client, lead):
    staff_login(client, lead)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert "no case reviewed yet" in response.text


def test_coordinators_are_not_shown_the_dashboard_link(client, coordinator, lead):
    staff_login(client, coordinator)
    assert DASHBOARD not in client.get(reverse("admin:screening_case_changelist")).text
    staff_login(client, lead)
    assert DASHBOARD in client.get(reverse("admin:screening_case_changelist")).text
