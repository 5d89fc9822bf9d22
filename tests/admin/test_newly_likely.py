"""The queue flags a case a re-screen made likely eligible for a product: a marker in the
Screening column, a filter, and an action that acknowledges it."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from screening.models import Case, CaseEvent, CaseStatus, EventKind
from tests.admin.test_queue import references
from tests.auth import staff_login
from tests.pipeline.old_rules import myeloma_after_two_lines, run_job, screened_cases
from tests.rules.profiles import third_line_dlbcl

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:screening_case_changelist")


@pytest.fixture
def rescreened(monkeypatch, personas):
    """Two myeloma cases newly likely after a rules change, one DLBCL case unchanged."""
    cases = screened_cases(
        monkeypatch, [myeloma_after_two_lines(), third_line_dlbcl(), myeloma_after_two_lines()]
    )
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        assigned_to=personas.coordinator, status=CaseStatus.IN_REVIEW
    )
    run_job()
    return [Case.objects.get(pk=case.pk) for case in cases]


def row_of(html: str, reference: str) -> str:
    row = html[html.index(reference) :]
    return row[: row.index("</tr>")]


def test_the_queue_marks_the_products_a_rescreen_made_likely(client, coordinator, rescreened):
    staff_login(client, coordinator)
    html = client.get(QUEUE).text

    first, unchanged = rescreened[0], rescreened[1]
    assert 'class="nav-newly-likely">Newly likely: Abecma, Blenrep, Tecvayli<' in (
        row_of(html, first.reference)
    )
    assert "nav-newly-likely" not in row_of(html, unchanged.reference)


def test_the_newly_likely_filter_lists_only_the_flagged_cases(client, coordinator, rescreened):
    staff_login(client, coordinator)
    html = client.get(QUEUE + "?newly_likely=yes").text

    assert sorted(references(html)) == sorted([rescreened[0].reference, rescreened[2].reference])


def test_a_coordinator_acknowledges_the_newly_likely_products(client, coordinator, rescreened):
    staff_login(client, coordinator)
    response = client.post(
        QUEUE,
        {
            "action": "acknowledge_newly_likely",
            "_selected_action": [rescreened[0].pk],
            "index": 0,
        },
    )

    case = Case.objects.get(pk=rescreened[0].pk)
    assert (case.newly_likely, case.newly_likely_at) == ([], None)
    note = CaseEvent.objects.get(case=case, kind=EventKind.NOTE)
    assert note.message == "Newly likely eligible acknowledged: Abecma, Blenrep, Tecvayli"
    assert note.actor == coordinator
    assert any(
        "Newly likely products acknowledged" in str(m) for m in get_messages(response.wsgi_request)
    )
    assert Case.objects.get(pk=rescreened[2].pk).newly_likely  # the other one stays flagged


def test_the_filtered_queue_costs_the_same_queries_for_more_flagged_rows(
    client, coordinator, rescreened
):
    staff_login(client, coordinator)
    client.get(QUEUE + "?newly_likely=yes")  # warm: session, content types
    with CaptureQueriesContext(connection) as two:
        client.get(QUEUE + "?newly_likely=yes")
    flagged = Case.objects.filter(newly_likely_at__isnull=False)
    for case in Case.objects.exclude(pk__in=flagged.values("pk")):
        Case.objects.filter(pk=case.pk).update(
            newly_likely=["tecvayli"], newly_likely_at=flagged.first().newly_likely_at
        )
    with CaptureQueriesContext(connection) as three:
        html = client.get(QUEUE + "?newly_likely=yes").text

    assert len(re.findall("nav-newly-likely", html)) == 3
    assert len(two) == len(three)
