"""seed_demo: a coordinator and a lead in their roles, and a useful queue built by the real
services; a second run changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from screening.core.roles import COORDINATOR, LEAD
from screening.management.demo import DEMO_CASES, DEMO_LEAD_USERNAME, DEMO_USERNAME, seed_demo_data
from screening.models import Case, CaseEvent, CaseStatus, Document, Outcome, ScreeningRun

pytestmark = pytest.mark.django_db


def test_the_demo_has_both_roles_and_a_queue_worth_looking_at():
    result = seed_demo_data()

    users = get_user_model().objects
    coordinator = users.get(username=DEMO_USERNAME)
    lead = users.get(username=DEMO_LEAD_USERNAME)
    assert list(coordinator.groups.values_list("name", flat=True)) == [COORDINATOR]
    assert set(lead.groups.values_list("name", flat=True)) == {COORDINATOR, LEAD}
    assert lead.check_password(result.lead_password)
    assert result.cases_created == DEMO_CASES

    cases = Case.objects.all()
    assert cases.count() == DEMO_CASES
    # Every case was screened by the rules (a run with verdicts for every product).
    assert ScreeningRun.objects.filter(case__in=cases).values("case").distinct().count() == 30
    assert not cases.filter(screening_summary="").exists()
    statuses = set(cases.values_list("status", flat=True))
    assert {
        CaseStatus.AWAITING_REVIEW,
        CaseStatus.IN_REVIEW,
        CaseStatus.RECORDS_REQUESTED,
        CaseStatus.REFERRED,
        CaseStatus.CLOSED,
    } <= statuses
    assert cases.filter(outcome=Outcome.DUPLICATE, duplicate_of__isnull=False).count() == 1
    assert cases.filter(assigned_to=coordinator).count() >= 10
    assert cases.filter(assigned_to=lead).count() == 3
    assert cases.filter(assigned_to__isnull=True).count() >= 4
    now = timezone.now()
    assert cases.exclude(status=CaseStatus.CLOSED).filter(due_at__lt=now).count() >= 3
    assert cases.exclude(status=CaseStatus.CLOSED).filter(due_at__gt=now).count() >= 3
    assert Document.objects.filter(case__in=cases).count() >= 5
    assert set(cases.values_list("disease", flat=True)) >= {"b_all", "dlbcl", "mm", "aml"}
    assert all(c.email.endswith("@example.org") for c in cases)
    # Weeks of history for the dashboard chart.
    oldest = cases.order_by("submitted_at").first().submitted_at
    assert now - oldest > timezone.timedelta(days=40)
    assert mail.outbox == []  # seeding emails nobody


def test_a_second_run_creates_and_changes_nothing():
    seed_demo_data()
    events = CaseEvent.objects.count()
    snapshot = list(Case.objects.order_by("pk").values_list("pk", "status", "assigned_to"))

    again = seed_demo_data()

    assert (again.password, again.lead_password, again.cases_created) == (None, None, 0)
    assert CaseEvent.objects.count() == events
    assert list(Case.objects.order_by("pk").values_list("pk", "status", "assigned_to")) == snapshot
