"""Lists that show patients' names write access records: who listed which page, with which
search and filters, from where, and which cases it showed (HIPAA §164.312(b), audit
controls). One row per page answered; a refused request or a bulk action's redirect lists
nothing and writes nothing."""

import re

import pytest
from django.urls import reverse

from screening.models import AccessRecord, Case, CaseStatus, Document
from tests.admin.conftest import screened_case
from tests.auth import staff_login
from tests.factories import CaseFactory, DocumentFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:screening_case_changelist")
DOCUMENTS = reverse("admin:screening_document_changelist")
FROM = {"REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": "Mozilla/5.0 (X11) ListTest/1.0"}


def listed_ids(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html)}


def test_a_search_of_the_queue_records_who_listed_which_page_and_query_and_whom_it_showed(
    client, coordinator
):
    odile = screened_case(first_name="Odile", last_name="Varga", status=CaseStatus.IN_REVIEW)
    screened_case(first_name="Bruno", last_name="Keel", status=CaseStatus.IN_REVIEW)
    staff_login(client, coordinator)

    response = client.get(QUEUE, {"q": "Odile Varga", "status": "all"}, **FROM)

    assert response.status_code == 200
    assert listed_ids(response.text) == {odile.pk}
    record = AccessRecord.objects.get()
    assert (record.user, record.action, record.page) == (
        coordinator,
        AccessRecord.Action.LIST_CASES,
        QUEUE,
    )
    assert record.query == "q=Odile Varga&status=all"
    assert record.shown == [odile.pk]
    assert (record.ip_address, record.user_agent) == ("203.0.113.9", FROM["HTTP_USER_AGENT"])
    assert record.case is None and record.document is None


def test_each_page_of_the_queue_is_one_record_naming_exactly_the_cases_on_it(
    client, lead, monkeypatch
):
    from screening.admin.cases import CaseAdmin

    monkeypatch.setattr(CaseAdmin, "list_per_page", 3)
    for _ in range(5):
        CaseFactory(status=CaseStatus.IN_REVIEW)
    staff_login(client, lead)

    first = client.get(QUEUE).text
    second = client.get(QUEUE, {"p": "2"}).text

    records = list(AccessRecord.objects.order_by("pk"))
    assert [r.query for r in records] == ["", "p=2"]
    assert set(records[0].shown) == listed_ids(first) and len(records[0].shown) == 3
    assert set(records[1].shown) == listed_ids(second) and len(records[1].shown) == 2
    assert not set(records[0].shown) & set(records[1].shown)


def test_a_bulk_action_writes_no_listing_but_the_queue_it_returns_to_does(client, coordinator):
    case = CaseFactory(status=CaseStatus.AWAITING_REVIEW)
    staff_login(client, coordinator)

    response = client.post(QUEUE, {"action": "assign_to_me", "_selected_action": [case.pk]})

    assert response.status_code == 302
    assert not AccessRecord.objects.filter(action=AccessRecord.Action.LIST_CASES).exists()
    client.get(response["Location"])
    assert AccessRecord.objects.filter(action=AccessRecord.Action.LIST_CASES).count() == 1


def test_the_documents_list_records_the_cases_whose_files_it_showed(client, coordinator):
    case = CaseFactory(status=CaseStatus.IN_REVIEW)
    DocumentFactory(case=case, original_name="Odile Varga pathology.pdf")
    DocumentFactory(case=case, original_name="Odile Varga flow.pdf")
    staff_login(client, coordinator)

    response = client.get(DOCUMENTS, {"q": "Varga"})

    assert "Odile Varga flow.pdf" in response.text
    record = AccessRecord.objects.get()
    assert (record.action, record.page, record.query, record.shown) == (
        AccessRecord.Action.LIST_DOCUMENTS,
        DOCUMENTS,
        "q=Varga",
        [case.pk],
    )


def test_a_refused_or_failed_listing_writes_nothing(client, personas):
    CaseFactory()
    client.force_login(personas.not_staff)
    assert client.get(QUEUE).status_code == 302  # to the sign-in page
    assert not AccessRecord.objects.exists()
    staff_login(client, personas.coordinator)
    assert client.get(QUEUE, {"assigned_to__id__exact": "x"}).status_code == 302  # ?e=1
    assert not AccessRecord.objects.exists()


def test_leads_read_listings_in_the_access_log(client, coordinator, lead):
    CaseFactory(status=CaseStatus.IN_REVIEW, first_name="Odile")
    staff_login(client, coordinator)
    client.get(QUEUE, {"q": "Odile"})
    client.logout()
    staff_login(client, lead)

    log = client.get(reverse("admin:screening_accessrecord_changelist")).text

    assert "Listed cases" in log
    assert f"{QUEUE}?q=Odile" in log and "1 case(s)" in log
    assert Case.objects.count() == 1


def test_recording_a_page_costs_the_same_queries_for_3_and_30_documents(client, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff_login(client, coordinator)
    counts = {}
    for size in (3, 30):
        Document.objects.all().delete()
        case = CaseFactory(status=CaseStatus.IN_REVIEW)
        for i in range(size):
            DocumentFactory(case=case, original_name=f"report {i}.pdf")
        client.get(DOCUMENTS)  # warm: session, content types
        with CaptureQueriesContext(connection) as queries:
            response = client.get(DOCUMENTS)
        assert response.text.count("report ") >= size
        counts[size] = len(queries)
    assert counts[3] == counts[30], counts
    assert AccessRecord.objects.order_by("-pk").first().shown == [case.pk]
