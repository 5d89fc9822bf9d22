"""Fixtures for the case file: the admin personas, and a case waiting on CD22 for Besponsa."""

from __future__ import annotations

import pytest
from django.core import mail

from screening.models import CaseStatus
from tests.admin import conftest as admin_fixtures
from tests.factories import DocumentFactory
from tests.rules.profiles import relapsed_b_all_adult

# The admin personas and logins, shared with the admin tests.
personas = admin_fixtures.personas
coordinator = admin_fixtures.coordinator
other_coordinator = admin_fixtures.other_coordinator
lead = admin_fixtures.lead
others_case = admin_fixtures.others_case
own_case = admin_fixtures.own_case
login = admin_fixtures.login
screened_case = admin_fixtures.screened_case


@pytest.fixture
def cd22_case(personas):
    """An in-review relapsed adult B-ALL whose CD22 is unknown (Besponsa needs review),
    assigned to `coordinator`."""
    case = screened_case(
        assigned_to=personas.coordinator,
        status=CaseStatus.IN_REVIEW,
        profile=relapsed_b_all_adult(cd22_positive=None),
    )
    mail.outbox.clear()
    return case


@pytest.fixture
def flow_report(cd22_case):
    """A two-page flow cytometry report uploaded to `cd22_case`."""
    return DocumentFactory(
        case=cd22_case,
        category="flow_cytometry",
        original_name="flow-cytometry.pdf",
        page_count=2,
        text_status="extracted",
    )
