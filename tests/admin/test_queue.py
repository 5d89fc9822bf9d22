"""The case queue: its columns, default order (overdue first, then due time), filters, search,
and a query count that does not grow with the rows shown."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from screening.models import Case, CaseStatus, Priority
from screening.rules.results import MEDICAL_ADVICE_NOTICE
from tests.admin.conftest import screened_case
from tests.auth import staff_login
from tests.factories import CaseFactory
from tests.rules.profiles import rr_myeloma_triple_exposed, third_line_dlbcl

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:screening_case_changelist")


def references(html: str) -> list[str]:
    """Case references in the order the queue lists them."""
    return re.findall(r'<th class="field-reference"><a href="[^"]+">(NAV-[\w-]+)</a>', html)


def queue(client, query=""):
    response = client.get(QUEUE + query)
    assert response.status_code == 200
    return response.text


def set_due(case, **delta):
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() + timedelta(**delta))
    case.refresh_from_db()
    return case


def test_each_row_has_the_columns_a_coordinator_triages_by(client, coordinator):
    case = screened_case(assigned_to=coordinator, profile=third_line_dlbcl(), first_name="Odile")
    set_due(case, hours=-5)
    Case.objects.filter(pk=case.pk).update(
        document_count=3, submitted_at=timezone.now() - timedelta(days=4, hours=1)
    )
    staff_login(client, coordinator)
    html = queue(client)
    row = html[html.index(case.reference) :]
    row = row[: row.index("</tr>")]
    text = " ".join(re.sub(r"<[^>]+>", " ", row).split())

    assert "Odile" in text
    assert "DLBCL" in text
    assert "Awaiting review" in text
    assert "Overdue by 5 h" in text and "nav-overdue" in row
    assert "Ines Holloway" in text
    assert case.screening_summary in text and case.screening_summary.startswith("Likely:")
    assert '<td class="field-documents_display">3</td>' in row
    assert '<td class="field-days_open">4</td>' in row
    assert MEDICAL_ADVICE_NOTICE in html


def test_open_cases_come_overdue_first_then_by_due_time_and_everything_newest_first(client, lead):
    later = set_due(screened_case(), hours=30)
    soon = set_due(screened_case(), hours=2)
    very_late = set_due(screened_case(), days=-3)
    late = set_due(screened_case(), hours=-1)
    no_due = screened_case()
    Case.objects.filter(pk=no_due.pk).update(due_at=None)
    closed = set_due(screened_case(status=CaseStatus.CLOSED), days=-9)
    staff_login(client, lead)

    expected = [very_late, late, soon, later, no_due]
    assert references(queue(client)) == [c.reference for c in expected]
    # Everything, closed included: newest first.
    everything = references(queue(client, "?status=all"))
    newest_first = Case.objects.order_by("-submitted_at", "-pk").values_list("reference", flat=True)
    assert everything == list(newest_first)
    assert closed.reference in everything
    # Closed ones only: most recently closed first.
    assert references(queue(client, "?status=closed")) == [closed.reference]


@pytest.fixture
def variety(personas):
    """Cases that differ in every filtered column."""
    me, other = personas.coordinator, personas.other_coordinator
    cases = {
        "all_mine_urgent": screened_case(assigned_to=me),
        "dlbcl_unassigned": screened_case(profile=third_line_dlbcl(), country="PT"),
        "myeloma_other": screened_case(profile=rr_myeloma_triple_exposed(), assigned_to=other),
        "closed_mine": screened_case(assigned_to=me, status=CaseStatus.CLOSED),
        "referred_other": screened_case(assigned_to=other, status=CaseStatus.REFERRED),
    }
    Case.objects.filter(pk=cases["all_mine_urgent"].pk).update(
        priority=Priority.URGENT, due_at=timezone.now() - timedelta(hours=3)
    )
    Case.objects.filter(pk=cases["dlbcl_unassigned"].pk).update(assigned_to=None)
    Case.objects.filter(pk__in=[c.pk for k, c in cases.items() if k != "all_mine_urgent"]).update(
        due_at=timezone.now() + timedelta(days=1), priority=Priority.STANDARD
    )
    return cases


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"all_mine_urgent", "dlbcl_unassigned", "myeloma_other", "referred_other"}),
        ("?status=closed", {"closed_mine"}),
        ("?status=referred", {"referred_other"}),
        (
            "?status=all",
            {
                "all_mine_urgent",
                "dlbcl_unassigned",
                "myeloma_other",
                "closed_mine",
                "referred_other",
            },
        ),  # fmt: skip
        ("?priority__exact=1", {"all_mine_urgent"}),
        ("?disease=dlbcl", {"dlbcl_unassigned"}),
        ("?disease=mm", {"myeloma_other"}),
        ("?verdict=carvykti:eligible", {"myeloma_other"}),
        ("?verdict=yescarta:eligible", {"dlbcl_unassigned"}),
        ("?verdict=besponsa:eligible", {"all_mine_urgent", "referred_other"}),
        (
            "?verdict=besponsa:eligible&status=all",
            {"all_mine_urgent", "referred_other", "closed_mine"},
        ),  # fmt: skip
        ("?assigned=me", {"all_mine_urgent"}),
        ("?assigned=me&status=all", {"all_mine_urgent", "closed_mine"}),
        ("?assigned=none", {"dlbcl_unassigned"}),
        ("?assigned=others", {"myeloma_other", "referred_other"}),
        ("?overdue=yes", {"all_mine_urgent"}),
        ("?overdue=no", {"dlbcl_unassigned", "myeloma_other", "referred_other"}),
        ("?country=PT", {"dlbcl_unassigned"}),
        (
            "?verdict=nonsense&disease=nonsense",
            {"all_mine_urgent", "dlbcl_unassigned", "myeloma_other", "referred_other"},
        ),  # fmt: skip
    ],
)
def test_each_filter_narrows_the_queue(client, lead, personas, variety, query, expected):
    staff_login(client, personas.coordinator if "assigned" in query else lead)
    shown = set(references(queue(client, query)))
    assert shown == {variety[name].reference for name in expected}


def test_the_filters_offer_products_verdicts_and_countries(client, lead, variety):
    staff_login(client, lead)
    html = queue(client)
    assert "Kymriah: likely eligible" in html
    assert "Blincyto: needs review" in html
    assert "Portugal (PT)" in html and "United States of America (US)" in html


@pytest.mark.parametrize(
    ("term", "finds"),
    [
        ("{reference}", True),
        ("{reference_lower}", True),
        ("{reference_start}", True),
        ("{email_upper}", True),
        ("Wilhelmina", True),
        ("wilhel", True),
        ("Wilhelmina Abernathy-Cole", True),
        ("Abernathy-Cole Wilhelmina", True),
        ("NAV-0000-0000", False),
        ("nobody@example.org", False),
        ("Wilhelmina Smith", False),
    ],
)
def test_search_by_reference_email_or_name(client, lead, term, finds):
    case = screened_case(
        first_name="Wilhelmina", last_name="Abernathy-Cole", email="w.abernathy@example.org"
    )
    decoy = screened_case(first_name="Bartholomew", last_name="Smith")
    staff_login(client, lead)
    term = term.format(
        reference=case.reference,
        reference_lower=case.reference.lower(),
        reference_start=case.reference[:8],
        email_upper=case.email.upper(),
    )
    shown = references(queue(client, "?" + f"q={term}".replace(" ", "+")))
    assert (case.reference in shown) is finds
    assert decoy.reference not in shown


def many_cases(count, lead, other):
    """`count` open cases, screened, two in three assigned, with documents counted."""
    from screening.pipeline.runs import store_screening_run

    for _ in range(count):
        store_screening_run(CaseFactory())
    cases = list(Case.objects.order_by("pk"))
    for i, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.IN_REVIEW,
            assigned_to=(lead, other, None)[i % 3],
            due_at=timezone.now() + timedelta(hours=i - count // 2),
            document_count=i % 4,
        )


@pytest.mark.parametrize(
    "query", ["", "?verdict=besponsa:eligible", "?q=a", "?status=all&overdue=yes&country=US"]
)
def test_the_queue_costs_the_same_number_of_queries_for_10_and_100_rows(
    client, lead, other_coordinator, query
):
    staff_login(client, lead)
    counts = {}
    for size in (10, 100):
        Case.objects.all().delete()
        many_cases(size, lead, other_coordinator)
        queue(client, query)  # warm: session, content types
        with CaptureQueriesContext(connection) as queries:
            html = queue(client, query)
        counts[size] = len(queries)
        assert (
            len(references(html))
            == Case.objects.filter(
                pk__in=[int(x) for x in re.findall(r'name="_selected_action" value="(\d+)"', html)]
            ).count()
        )
    assert len(references(html)) > 30
    assert counts[10] == counts[100], counts
