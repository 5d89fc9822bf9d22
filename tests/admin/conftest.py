"""Admin personas and screened cases.

Personas: anonymous, a patient holding a status token (never logged in), a coordinator with
their own case, another coordinator, a lead, an inactive coordinator, and an active user who is
not staff. Cases are screened by the real pipeline (rules, priority, assignment), then given to
the persona the test needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from screening.core.roles import sync_roles
from screening.core.tokens import issue_status_token
from screening.models import Case, CaseStatus
from screening.pipeline.screen import screen_case
from tests.auth import staff_login
from tests.factories import CaseFactory, CoordinatorFactory, LeadFactory, UserFactory


def screened_case(*, assigned_to=None, status=None, **fields) -> Case:
    """A case screened by the real pipeline, then assigned and moved as the test needs.

    Assignment and status are set directly (test setup, not a workflow move) so each test
    starts from exactly the state it names.
    """
    case = CaseFactory(**fields)
    screen_case(case.pk)
    updates = {"assigned_to": assigned_to}
    if status is not None:
        updates["status"] = status
        if status == CaseStatus.CLOSED:
            updates["outcome"] = "withdrawn"
            updates["closed_at"] = timezone.now()
    Case.objects.filter(pk=case.pk).update(**updates)
    case.refresh_from_db()
    return case


@dataclass
class Personas:
    coordinator: object
    other_coordinator: object
    lead: object
    inactive: object
    not_staff: object


@pytest.fixture
def personas(db) -> Personas:
    sync_roles()  # a flushed database (after a transactional test) has no groups
    return Personas(
        coordinator=CoordinatorFactory(first_name="Ines", last_name="Holloway"),
        other_coordinator=CoordinatorFactory(first_name="Tomas", last_name="Brennick"),
        lead=LeadFactory(first_name="Leda", last_name="Marchetti"),
        inactive=CoordinatorFactory(is_active=False),
        not_staff=UserFactory(is_staff=False),
    )


@pytest.fixture
def coordinator(personas):
    return personas.coordinator


@pytest.fixture
def other_coordinator(personas):
    return personas.other_coordinator


@pytest.fixture
def lead(personas):
    return personas.lead


@pytest.fixture
def own_case(personas):
    """An in-review case of `coordinator`, due yesterday (overdue)."""
    case = screened_case(assigned_to=personas.coordinator, status=CaseStatus.IN_REVIEW)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(days=1))
    case.refresh_from_db()
    mail.outbox.clear()
    return case


@pytest.fixture
def others_case(personas):
    case = screened_case(assigned_to=personas.other_coordinator, status=CaseStatus.IN_REVIEW)
    mail.outbox.clear()
    return case


@pytest.fixture
def patient_token(own_case):
    """The raw status token a patient holds for `own_case`."""
    return issue_status_token(own_case)


@pytest.fixture
def login(client):
    def log_in(user):
        staff_login(client, user)
        return client

    return log_in
