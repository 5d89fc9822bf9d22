"""The coordinators' queue marks cases with a message from the person that nobody has read,
and filters to them; the mark goes once the case file is opened."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from screening.patient.messages import send_patient_message
from tests.admin.test_queue import queue, references
from tests.messages.conftest import new_key, person_with_case

pytestmark = pytest.mark.django_db


def marked(html: str) -> int:
    return html.count('class="nav-message-waiting"')


def test_a_case_with_an_unread_message_is_marked_until_the_case_file_is_opened(
    login, coordinator, person
):
    client = login(coordinator)
    assert marked(queue(client)) == 0
    send_patient_message(person.case, "Is the March report enough?", key=new_key())
    html = queue(client)
    assert marked(html) == 1
    assert "New message" in html
    client.get(f"/admin/screening/case/{person.case.pk}/change/")
    assert marked(queue(client)) == 0


def test_the_messages_filter_lists_only_cases_with_a_message_waiting(login, coordinator):
    waiting = person_with_case(coordinator)
    quiet = person_with_case(coordinator)
    send_patient_message(waiting.case, "A question", key=new_key())
    client = login(coordinator)
    html = queue(client, "?messages=waiting")
    assert references(html) == [waiting.case.reference]
    assert quiet.case.reference in queue(client)


def test_the_marker_costs_one_query_however_many_cases_have_messages(login, coordinator):
    people = [person_with_case(coordinator) for _ in range(3)]
    client = login(coordinator)
    queue(client)  # warm: session, content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            queue(client)
        return len(queries)

    none = count()
    for person in people:
        send_patient_message(person.case, "A question", key=new_key())
    assert count() == none
    assert marked(queue(client)) == 3
