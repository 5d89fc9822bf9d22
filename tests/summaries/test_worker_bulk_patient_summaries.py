"""The leads' bulk summaries through the queue: the action publishes one job per case to a real
Redis, a real prefork worker renders and sends them, a real SMTP server (aiosmtpd) receives one
summary per patient with its PDF, and the same jobs published again send nothing more."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from screening.jobs import enqueue
from screening.models import CaseSummary, Notification, NotificationState
from screening.summaries.bulk import TASK
from tests.auth import staff_login
from tests.factories import LeadFactory
from tests.summaries.conftest import case_with_contacts, pdf_text, wait_for
from tests.summaries.helpers import parts

pytestmark = [pytest.mark.queue, pytest.mark.django_db(transaction=True)]


def summaries_sent(count: int):
    def done():
        rows = Notification.objects.filter(
            template="case_summary", state=NotificationState.SENT, finished=True
        )
        return rows.count() >= count

    return done


def test_bulk_summaries_reach_each_patient_once_through_a_real_worker(
    client, coordinator, start_worker, mail_server
):
    lead = LeadFactory(email="rhea.lead@navigator.example.org")
    cases = [case_with_contacts(coordinator) for _ in range(2)]
    worker = start_worker(concurrency=2, EMAIL_URL=mail_server.email_url, PIPELINE_TEST_MAIL_DIR="")
    staff_login(client, lead)

    response = client.post(
        reverse("admin:screening_case_changelist") + "?status=all",
        {
            "action": "email_patient_summaries",
            "_selected_action": [c.pk for c in cases],
            "apply": "1",
            "confirm": "on",
        },
    )
    assert response.status_code == 302, [str(m) for m in get_messages(response.wsgi_request)]
    log = worker.read_log
    wait_for(summaries_sent(2), 90, 0.2, f"summaries not delivered:\n{log()[-3000:]}")

    asked_at = int(CaseSummary.objects.order_by("created_at").first().created_at.timestamp())
    for case in cases:  # the same jobs again: a duplicated or redelivered message
        enqueue(TASK, case.pk, lead.pk, asked_at)
    # Each job's result is in the worker's log (task names are redacted there, results not).
    wait_for(lambda: log().count("s: 'already sent'") >= 2, 60, 0.2,
             f"the repeated jobs did not run:\n{log()[-3000:]}")  # fmt: skip
    assert log().count("s: 'sent'") == 2

    to_patients = [m for m in mail_server.messages() if m["To"] in {c.email for c in cases}]
    assert sorted(m["To"] for m in to_patients) == sorted(c.email for c in cases)
    assert CaseSummary.objects.count() == 2
    for message in to_patients:
        case = next(c for c in cases if c.email == message["To"])
        _text, _html, [(_name, pdf)] = parts(message)
        assert case.reference in pdf_text(pdf)
