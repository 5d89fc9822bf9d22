"""Query counts: the case list costs the same for 2 cases as for 12, and one case is constant."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from screening.core.api_keys import create_organisation_key
from screening.models import Case
from screening.pipeline.screen import screen_case
from tests.auth import staff_login
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def queries(api, path, **params) -> int:
    api.get("/api/v1/consent")  # the key's last-used stamp is written at most once a minute
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, **params)
    assert response.status_code == 200
    return len(captured)


def add_cases(api, document, count):
    for _ in range(count):
        assert api.post("/api/v1/cases", document).status_code == 201
    for case in Case.objects.filter(latest_run__isnull=True):
        screen_case(case.pk)


def test_the_case_list_costs_the_same_for_few_and_many_cases(api, case_document):
    add_cases(api, case_document, 2)
    few = queries(api, "/api/v1/cases", updated_since="2000-01-01T00:00Z")
    add_cases(api, case_document, 10)
    many = queries(api, "/api/v1/cases", updated_since="2000-01-01T00:00Z")
    assert few == many <= 6


def test_reading_one_case_costs_a_fixed_number_of_queries(api, case_document):
    add_cases(api, case_document, 1)
    reference = Case.objects.get().reference
    assert queries(api, f"/api/v1/cases/{reference}") <= 6


def test_the_organisations_page_costs_the_same_for_few_and_many(client):
    staff_login(client, LeadFactory())

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/screening/organisation/").status_code == 200
        return len(captured)

    for number in range(2):
        create_organisation_key(f"Clinic {number}", "screen")
    count()  # the session's first page also records its sign-in
    few = count()
    for number in range(2, 10):
        create_organisation_key(f"Clinic {number}", "screen")
    assert count() == few
