"""The coordinator reads the person's messages in the case file and answers there: only who may
change the case answers, the person is told by email in their language without the text, the
reading and the answer are in the access log, and a double click answers once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from screening.models import AccessRecord, CaseEvent, EventKind, MessageDirection, PatientMessage
from screening.patient.messages import send_patient_message
from tests.messages.conftest import new_key
from tests.outbox import deliver_outbox

pytestmark = pytest.mark.django_db

QUESTION = "Is the bone marrow report from March recent enough?"
ANSWER = "Yes: the March report with the CD19 result is what the treatment center needs."


def case_page(client, case):
    response = client.get(reverse("admin:screening_case_change", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def answer(client, case, body=ANSWER, *, key=None):
    url = reverse("admin:screening_case_answer", args=[case.pk])
    return client.post(url, {"body": body, "key": key or new_key()})


@pytest.fixture
def question(person):
    return send_patient_message(person.case, QUESTION, key=new_key())


def test_the_coordinator_reads_the_message_in_the_case_file_and_the_reading_is_logged(
    login, coordinator, person, question
):
    client = login(coordinator)
    page = case_page(client, person.case)
    assert 'id="messages"' in page
    assert QUESTION in page
    assert "From the patient" in page and ">new<" in page
    question.refresh_from_db()
    assert question.read_at is not None
    reading = AccessRecord.objects.get(action=AccessRecord.Action.READ_MESSAGES)
    assert (reading.user, reading.case) == (coordinator, person.case)
    # Read once: a second visit logs the view of the case, not a new reading.
    assert ">new<" not in case_page(client, person.case)
    assert AccessRecord.objects.filter(action=AccessRecord.Action.READ_MESSAGES).count() == 1
    # "Messages" comes right after "Requests and messages" in the jump bar.
    assert page.index('href="#requests"') < page.index('href="#messages"')
    assert page.index('href="#messages"') < page.index('href="#timeline"')


def test_the_coordinator_answers_and_the_person_is_told_in_their_language_without_the_text(
    login, coordinator, spanish_person
):
    send_patient_message(spanish_person.case, QUESTION, key=new_key())
    deliver_outbox()
    mail.outbox.clear()
    client = login(coordinator)
    response = answer(client, spanish_person.case)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{spanish_person.case.pk}/change/#messages")
    follow = client.get(response["Location"]).content.decode()
    assert "Message sent." in follow
    assert ANSWER in follow

    reply = PatientMessage.objects.get(direction=MessageDirection.TO_PATIENT)
    assert (reply.author, reply.body) == (coordinator, ANSWER)
    event = CaseEvent.objects.get(kind=EventKind.MESSAGE_ANSWERED)
    assert event.patient_visible and event.actor == coordinator
    assert ANSWER not in event.message
    logged = AccessRecord.objects.get(action=AccessRecord.Action.ANSWER_MESSAGE)
    assert (logged.user, logged.case) == (coordinator, spanish_person.case)

    assert deliver_outbox() == 1
    (email,) = mail.outbox
    assert email.to == [spanish_person.case.email]
    assert "Hola, Ana:" in email.body
    for part in (email.subject, email.body, email.alternatives[0][0]):
        assert "CD19" not in part and "March" not in part and "marzo" not in part
    # The link opens the person's page, where the answer is.
    link = next(word for word in email.body.split() if "/status/" in word)
    page = client.get(link[link.index("/status/") :]).content.decode()
    assert ANSWER in page
    assert "Su coordinador le escribió." in page


def test_a_coordinator_who_may_not_change_the_case_cannot_answer(
    login, other_coordinator, person, question
):
    client = login(other_coordinator)
    page = case_page(client, person.case)
    assert QUESTION in page  # an open case: they may read it
    question.refresh_from_db()
    assert question.read_at is None  # still new for the coordinator who answers
    assert 'id="answer-form"' not in page
    assert "Only the case’s coordinator or a lead can write to the patient." in page
    assert answer(client, person.case).status_code == 403
    assert not PatientMessage.objects.filter(direction=MessageDirection.TO_PATIENT).exists()
    assert not AccessRecord.objects.filter(action=AccessRecord.Action.ANSWER_MESSAGE).exists()


def test_a_lead_may_answer_any_case(login, lead, person, question):
    assert answer(login(lead), person.case).status_code == 302
    assert PatientMessage.objects.get(direction=MessageDirection.TO_PATIENT).author == lead


@pytest.mark.parametrize(
    "body, error",
    [("", "Write the message before sending it."), ("   ", "Write the message before sending it.")],
)
def test_an_empty_answer_is_refused(login, coordinator, person, body, error):
    client = login(coordinator)
    response = answer(client, person.case, body)
    assert response.status_code == 302
    assert response["Location"].endswith("/change/")  # the top, where the error is
    assert error in client.get(response["Location"]).content.decode()
    assert not PatientMessage.objects.exists()
    assert deliver_outbox() == 0


def test_an_answer_over_the_length_setting_is_refused(login, coordinator, person, settings):
    settings.PATIENT_MESSAGE_MAX_LENGTH = 30
    client = login(coordinator)
    response = answer(client, person.case, "y" * 31)
    assert (
        "The message is too long (31 characters; at most 30)."
        in client.get(response["Location"]).content.decode()
    )
    assert not PatientMessage.objects.exists()


def test_a_double_click_on_send_answers_once(login, coordinator, person):
    client = login(coordinator)
    key = new_key()
    answer(client, person.case, key=key)
    answer(client, person.case, key=key)
    assert PatientMessage.objects.count() == 1
    assert CaseEvent.objects.filter(kind=EventKind.MESSAGE_ANSWERED).count() == 1
    assert deliver_outbox() == 1


def test_the_case_file_costs_the_same_queries_with_more_messages(
    login, coordinator, person, question
):
    client = login(coordinator)
    case_page(client, person.case)  # warm the session; the first message is read

    def count():
        with CaptureQueriesContext(connection) as queries:
            case_page(client, person.case)
        return len(queries)

    few = count()
    for number in range(4):
        answer(client, person.case, f"Answer {number}")
        send_patient_message(person.case, f"Question {number}", key=new_key())
    case_page(client, person.case)  # reads the new ones (and logs it) once
    assert count() == few
