"""The queue's bulk action for leads: "Email a summary to the patients of selected cases": one
job per case, each sending what the case page would send the patient, once."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from screening.models import CaseSummary, Notification, SummaryRecipient
from screening.summaries.bulk import TASK, send_patient_summary
from tests.auth import staff_login
from tests.factories import CaseFactory, LeadFactory
from tests.outbox import deliver_outbox
from tests.summaries.conftest import case_with_contacts, pdf_text
from tests.summaries.helpers import parts

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:screening_case_changelist") + "?status=all"
ACTION = "email_patient_summaries"


def post_action(client, cases, **data):
    body = {"action": ACTION, "_selected_action": [c.pk for c in cases], "index": 0, **data}
    return client.post(QUEUE, body)


def jobs(callbacks) -> list[tuple]:
    """The jobs published after the commit: (task name, args)."""
    found = []
    for callback in callbacks:
        job = callback.args[0]
        found.append((job.task, tuple(job.args)))
    return found


@pytest.fixture
def lead(coordinator):
    return LeadFactory(first_name="Rhea", email="rhea.lead@navigator.example.org")


def test_a_lead_confirms_and_each_screened_patient_gets_their_summary_once(
    client, coordinator, lead, smtp_settings, mail_server, django_capture_on_commit_callbacks
):
    first = case_with_contacts(coordinator, first_name="Odile")
    second = case_with_contacts(coordinator, interface_language="es", first_name="Pilar")
    unscreened = CaseFactory(assigned_to=coordinator)
    staff_login(client, lead)

    confirm = post_action(client, [first, second, unscreened])
    assert confirm.status_code == 200
    assert "Email a summary to the patients of these cases" in confirm.text
    assert first.reference in confirm.text and unscreened.reference in confirm.text
    with django_capture_on_commit_callbacks() as published:
        done = post_action(client, [first, second, unscreened], apply="1", confirm="on")

    assert done.status_code == 302
    said = [str(m) for m in get_messages(done.wsgi_request)]
    assert any(first.reference in m and second.reference in m for m in said)
    assert any(
        m.startswith(f"{unscreened.reference}: This case has not been screened") for m in said
    )
    queued = jobs(published)
    assert sorted(args[0] for _task, args in queued) == sorted([first.pk, second.pk])
    assert {task for task, _args in queued} == {TASK}

    deliver_outbox()  # what screening queued (the coordinator's notices)
    before = len(mail_server.messages())
    for _task, args in queued + queued:  # every job delivered twice: a redelivery
        send_patient_summary(*args)
    assert deliver_outbox() == 2

    messages = {m["To"]: m for m in mail_server.messages()[before:]}
    assert sorted(messages) == sorted([first.email, second.email])
    for case in (first, second):
        summary = CaseSummary.objects.get(case=case)
        assert summary.recipient_kind == SummaryRecipient.PATIENT
        assert summary.prepared_by == lead
        assert summary.cover_note == ""
        text, _html, files = parts(messages[case.email])
        [(filename, pdf)] = files
        assert case.reference in pdf_text(pdf)
        assert case.first_name in text
    assert CaseSummary.objects.get(case=second).language == "es"
    assert not CaseSummary.objects.filter(case=unscreened).exists()


def test_a_later_request_sends_again_but_a_repeated_job_does_not(coordinator, lead):
    case = case_with_contacts(coordinator)
    assert send_patient_summary(case.pk, lead.pk, 1_000) == "sent"
    assert send_patient_summary(case.pk, lead.pk, 1_000) == "already sent"
    later = int(CaseSummary.objects.get().created_at.timestamp()) + 1
    assert send_patient_summary(case.pk, lead.pk, later) == "sent"
    assert Notification.objects.filter(template="case_summary").count() == 2
    assert send_patient_summary(case.pk + 999, lead.pk, later) == "gone"


def test_coordinators_do_not_get_the_action(client, coordinator, lead):
    case = case_with_contacts(coordinator)
    staff_login(client, coordinator)
    assert f'value="{ACTION}"' not in client.get(QUEUE).text

    response = post_action(client, [case], apply="1", confirm="on")

    assert not CaseSummary.objects.exists()
    assert response.status_code in (200, 302)
    staff_login(client, lead)
    assert f'value="{ACTION}"' in client.get(QUEUE).text


def test_the_lead_must_confirm(client, coordinator, lead, django_capture_on_commit_callbacks):
    case = case_with_contacts(coordinator)
    staff_login(client, lead)
    with django_capture_on_commit_callbacks() as published:
        response = post_action(client, [case], apply="1")
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert published == []
