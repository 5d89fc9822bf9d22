"""The person writes to their coordinator from the status page: stored once, on the timeline,
the coordinator told by email without the text; bad input gets a clear message and stores
nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from screening.core.tokens import revoke_status_tokens
from screening.models import (
    CaseEvent,
    CaseStatus,
    Document,
    EventKind,
    MessageDirection,
    PatientMessage,
)
from screening.triage.messages import answer_patient_message
from tests.messages.conftest import new_key, person_with_case
from tests.outbox import deliver_outbox
from tests.uploads.samples import make_pdf

pytestmark = pytest.mark.django_db

TEXT = "My father's hospital in Lima says the CD22 test was done in October. Can we send it?"


def send(client, person, body=TEXT, *, key=None, **extra):
    data = {"body": body, "key": key or new_key(), **extra}
    return client.post(person.message_url, data)


def test_a_person_writes_and_the_coordinator_is_told_without_the_text(client, person, coordinator):
    response = send(client, person)
    assert response.status_code == 302
    assert response["Location"] == person.url + "#messages"

    message = PatientMessage.objects.get(case=person.case)
    assert message.direction == MessageDirection.FROM_PATIENT
    assert message.body == TEXT
    assert message.author is None
    event = CaseEvent.objects.get(case=person.case, kind=EventKind.MESSAGE_RECEIVED)
    assert event.patient_visible
    assert TEXT not in event.message

    assert deliver_outbox() == 1
    (email,) = mail.outbox
    assert email.to == [coordinator.email]
    assert person.case.reference in email.subject
    assert f"/admin/screening/case/{person.case.pk}/change/#messages" in email.body
    for part in (email.subject, email.body, email.alternatives[0][0]):
        assert "CD22" not in part and "Lima" not in part

    page = client.get(person.url)
    text = page.content.decode()
    assert "Your message was sent." in text
    assert "You sent a message to your coordinator." in text  # the timeline
    assert "Lima says the CD22 test" in text  # the thread


def test_a_message_with_a_document_adds_it_to_the_case_through_the_upload_checks(client, person):
    report = SimpleUploadedFile("cd22-flow.pdf", make_pdf(text="CD22 positive"), "application/pdf")
    assert send(client, person, attachment=report).status_code == 302
    message = PatientMessage.objects.get(case=person.case)
    document = Document.objects.get(case=person.case)
    assert message.document == document
    assert (document.source, document.category) == ("message", "other")
    assert document.original_name == "cd22-flow.pdf"
    person.case.refresh_from_db()
    assert person.case.document_count == 1
    page = client.get(person.url).content.decode()
    assert "Attached: cd22-flow.pdf" in page
    assert "You sent a message with a document to your coordinator." in page


def test_a_file_that_is_not_a_document_stores_neither_the_file_nor_the_message(client, person):
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    response = send(client, person, attachment=fake)
    assert response.status_code == 400
    assert "report.pdf" in response.content.decode()
    assert not PatientMessage.objects.exists()
    assert not Document.objects.exists()
    # The text is kept in the form, to send again without the file.
    assert "Lima says the CD22 test" in response.content.decode()


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_message_is_refused_and_nothing_is_stored(client, person, body):
    response = send(client, person, body)
    assert response.status_code == 400
    assert "Write your message before sending it." in response.content.decode()
    assert not PatientMessage.objects.exists()
    assert not CaseEvent.objects.filter(kind=EventKind.MESSAGE_RECEIVED).exists()


def test_a_message_over_the_length_setting_is_refused_saying_how_long(client, person, settings):
    settings.PATIENT_MESSAGE_MAX_LENGTH = 40
    response = send(client, person, "x" * 41)
    assert response.status_code == 400
    assert "Your message is 41 characters long; it can be at most 40." in (
        response.content.decode()
    )
    assert not PatientMessage.objects.exists()
    assert send(client, person, "x" * 40).status_code == 302


def test_a_message_sent_with_a_revoked_link_says_it_was_not_sent(client, person):
    page = client.get(person.url)
    assert page.status_code == 200
    revoke_status_tokens(person.case)
    response = send(client, person)
    assert response.status_code == 404
    text = response.content.decode()
    assert "Your message was not sent" in text
    assert response["Cache-Control"].startswith("max-age=0")
    assert not PatientMessage.objects.exists()


def test_a_message_sent_with_a_link_that_never_existed_gets_the_same_page(client, person):
    response = client.post("/status/not-a-real-token/messages/", {"body": TEXT, "key": new_key()})
    assert response.status_code == 404
    assert "Your message was not sent" in response.content.decode()
    assert not PatientMessage.objects.exists()


def test_a_closed_case_takes_no_messages(client, coordinator):
    closed = person_with_case(coordinator, status=CaseStatus.CLOSED)
    page = client.get(closed.url).content.decode()
    assert "This case is closed, so it takes no more messages." in page
    assert 'id="message-form"' not in page
    response = send(client, closed)
    assert response.status_code == 409
    assert "This case is closed, so it takes no more messages." in response.content.decode()
    assert not PatientMessage.objects.exists()


def test_a_double_click_stores_the_message_once_and_emails_once(client, person):
    key = new_key()
    assert send(client, person, key=key).status_code == 302
    assert send(client, person, key=key).status_code == 302
    assert PatientMessage.objects.filter(case=person.case).count() == 1
    assert CaseEvent.objects.filter(kind=EventKind.MESSAGE_RECEIVED).count() == 1
    assert deliver_outbox() == 1


def test_a_form_without_its_key_is_refused(client, person):
    response = client.post(person.message_url, {"body": TEXT, "key": "../../etc"})
    assert response.status_code == 400
    assert "This form is out of date." in response.content.decode()
    assert not PatientMessage.objects.exists()


def test_a_get_on_the_message_address_is_not_allowed(client, person):
    assert client.get(person.message_url).status_code == 405


def test_the_status_page_names_the_coordinator_and_offers_to_write(client, person, coordinator):
    page = client.get(person.url).content.decode()
    assert f"Your coordinator is {coordinator.first_name}." in page
    assert f"Write to {coordinator.first_name}" in page
    assert f'action="{person.message_url}"' in page
    assert "No messages yet." in page


def test_a_case_without_a_coordinator_still_takes_messages_for_the_leads(client, lead):
    unassigned = person_with_case(None)
    page = client.get(unassigned.url).content.decode()
    assert "A coordinator will be assigned to your case soon." in page
    assert "Write to the coordinators" in page
    assert send(client, unassigned).status_code == 302
    deliver_outbox()
    assert [email.to for email in mail.outbox] == [[lead.email]]


def test_the_page_speaks_spanish_for_a_spanish_case(client, spanish_person, coordinator):
    page = client.get(spanish_person.url).content.decode()
    assert "Mensajes con su coordinador" in page
    response = send(client, spanish_person, "")
    assert response.status_code == 400
    assert "Write your message before sending it." not in response.content.decode()


def test_the_status_page_costs_the_same_queries_with_more_messages(client, person, coordinator):
    client.get(person.url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(person.url).status_code == 200
        return len(queries)

    send(client, person)
    few = count()
    for number in range(4):
        send(client, person, f"Question {number}")
        answer_patient_message(person.case, f"Answer {number}", by=coordinator, key=new_key())
    assert count() == few


def test_more_messages_before_the_coordinator_reads_queue_no_second_email(
    client, person, coordinator
):
    from tests.auth import staff_login

    send(client, person, "First part")
    send(client, person, "Second part")
    assert deliver_outbox() == 1
    assert PatientMessage.objects.filter(case=person.case).count() == 2

    staff = staff_login(type(client)(), coordinator)
    assert staff.get(f"/admin/screening/case/{person.case.pk}/change/").status_code == 200
    send(client, person, "After the coordinator read the first two")
    assert deliver_outbox() == 1


def test_a_flood_of_messages_is_paused_with_the_friendly_page(client, person, settings):
    settings.PATIENT_MESSAGE_RATE = "3/h"
    for number in range(3):
        assert send(client, person, f"Message {number}").status_code == 302
    response = send(client, person, "One too many")
    assert response.status_code == 429
    assert "we paused messages for a while" in response.content.decode()
    assert PatientMessage.objects.count() == 3


def test_the_database_refuses_a_second_message_with_the_same_key_on_a_case(person, coordinator):
    from django.db import IntegrityError, transaction

    key = new_key()
    PatientMessage.objects.create(
        case=person.case, direction=MessageDirection.FROM_PATIENT, body="One", idempotency_key=key
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientMessage.objects.create(
            case=person.case, direction=MessageDirection.TO_PATIENT, body="Two", idempotency_key=key
        )
    other = person_with_case(coordinator)
    PatientMessage.objects.create(
        case=other.case, direction=MessageDirection.FROM_PATIENT, body="Three", idempotency_key=key
    )


def test_the_retention_purge_takes_a_messages_document_and_keeps_its_text(client, person):
    import datetime as dt

    from django.utils import timezone

    from screening.documents.retention import purge_expired_documents
    from screening.models import Case

    report = SimpleUploadedFile("old-report.pdf", make_pdf(text="Old report"), "application/pdf")
    send(client, person, attachment=report)
    closed_at = timezone.now() - dt.timedelta(days=400)
    Case.objects.filter(pk=person.case.pk).update(
        status=CaseStatus.CLOSED, outcome="withdrawn", closed_at=closed_at
    )
    assert purge_expired_documents().documents == 1
    message = PatientMessage.objects.get(case=person.case)
    assert message.document is None and message.body == TEXT
    page = client.get(person.url).content.decode()
    assert "Lima says the CD22 test" in page and "old-report.pdf" not in page
