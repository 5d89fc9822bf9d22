"""Records request end to end: the coordinator asks, the patient gets an email listing exactly
what to upload with a working status link, uploads from that page, and the case comes back to
in review with the coordinator told."""

import re
import socket

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from screening.core.tokens import find_case_by_status_token
from screening.core.workflow import InvalidMove
from screening.models import (
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Notification,
    NotificationState,
    RecordsRequest,
    StatusToken,
)
from screening.triage.actions import TriageError, request_records
from tests.admin.conftest import screened_case
from tests.auth import staff_login
from tests.outbox import deliver_outbox
from tests.uploads.samples import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_missing_cd22(coordinator):
    from tests.rules.profiles import relapsed_b_all_adult

    profile = relapsed_b_all_adult()
    profile["biomarkers"]["cd22_positive"] = None
    case = screened_case(profile=profile, assigned_to=coordinator, status=CaseStatus.IN_REVIEW)
    mail.outbox.clear()
    return case


def status_link(body: str) -> str:
    return re.search(r"http://\S+/status/([\w-]+)/", body).group(0)


def test_the_request_form_offers_the_missing_facts_of_the_latest_run(
    client, coordinator, case_missing_cd22
):
    staff_login(client, coordinator)
    page = client.get(reverse("admin:screening_case_change", args=[case_missing_cd22.pk])).text
    form = page[page.index('id="records-form"') :]
    form = form[: form.index("</form>")]
    assert 'value="cd22_positive"' in form
    assert "CD22 expression — flow cytometry report (Besponsa)" in form
    assert 'value="treatment_summary"' in form


def test_records_request_round_trip(
    client, coordinator, case_missing_cd22, django_capture_on_commit_callbacks
):
    case = case_missing_cd22
    staff_login(client, coordinator)
    old_tokens = StatusToken.objects.filter(case=case).count()

    response = client.post(
        reverse("admin:screening_case_records", args=[case.pk]),
        {
            "facts": ["cd22_positive"],
            "categories": ["treatment_summary"],
            "message": "Your haematologist's last letter is enough for the treatment history.",
        },
    )

    assert response.status_code == 302
    assert any("Records requested" in str(m) for m in get_messages(response.wsgi_request))
    case.refresh_from_db()
    assert case.status == CaseStatus.RECORDS_REQUESTED
    request = RecordsRequest.objects.get(case=case)
    assert (request.requested_by, request.facts, request.categories) == (
        coordinator,
        ["cd22_positive"],
        ["treatment_summary"],
    )

    # The email: to the patient, the two kinds of document (not what they would show), a
    # word that there is a message (not the message), a working status link.
    deliver_outbox()  # what the worker does after the commit
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [case.email]
    assert case.reference in email.subject
    items = re.findall(r"^- (.+)$", email.body, re.MULTILINE)
    assert items == ["Flow cytometry report", "Treatment summary"]
    assert "left you a message" in email.body
    assert "last letter is enough" not in email.body
    html = email.alternatives[0][0]
    assert "<li>Flow cytometry report</li>" in html
    assert "CD22" not in email.body + html
    link = status_link(email.body)
    assert link in html
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert find_case_by_status_token(token) == case
    assert StatusToken.objects.filter(case=case).count() == old_tokens + 1
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert EventKind.RECORDS_REQUESTED in kinds and EventKind.EMAIL_SENT in kinds

    # The patient opens the link (no login) and uploads the report from their page.
    patient = client.__class__()
    page = patient.get(link.replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200
    assert "flow cytometry report" in page.text.lower()
    assert "CD22 expression" in page.text
    assert "last letter is enough" in page.text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        upload = patient.post(
            link.replace("http://127.0.0.1:8000", ""),
            {
                "category": "flow_cytometry",
                "files": [SimpleUploadedFile("flow.pdf", make_pdf(text="CD22 positive 92%"))],
            },
        )
    assert upload.status_code == 302

    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    request.refresh_from_db()
    assert request.fulfilled_at is not None
    # The coordinator is told, by email, with a link to the case (no medical details).
    deliver_outbox()
    told = [m for m in mail.outbox if coordinator.email in m.to]
    assert len(told) == 1
    assert case.reference in told[0].body
    assert reverse("admin:screening_case_change", args=[case.pk]) in told[0].body

    # And the case page shows the new document and the fulfilled request.
    page = client.get(reverse("admin:screening_case_change", args=[case.pk])).text
    assert "flow.pdf" in page
    assert "fulfilled" in page


def test_older_status_links_keep_working_after_a_request(coordinator, case_missing_cd22):
    from screening.core.tokens import issue_status_token

    first = issue_status_token(case_missing_cd22)
    request_records(case_missing_cd22, ["cd22_positive"], [], "", by=coordinator)
    assert find_case_by_status_token(first) == case_missing_cd22


@pytest.mark.parametrize(
    ("facts", "categories", "message"),
    [
        (["not_a_fact"], [], "Unknown facts: not_a_fact"),
        ([], ["x-rays"], "Unknown document types: x-rays"),
    ],
)
def test_the_service_refuses_unknown_facts_and_document_types(
    coordinator, case_missing_cd22, facts, categories, message
):
    with pytest.raises(TriageError, match=message):
        request_records(case_missing_cd22, facts, categories, "", by=coordinator)
    assert not RecordsRequest.objects.exists()


def test_a_request_for_nothing_is_refused_and_nothing_is_sent(
    client, coordinator, case_missing_cd22
):
    staff_login(client, coordinator)
    response = client.post(reverse("admin:screening_case_records", args=[case_missing_cd22.pk]), {})
    assert any(
        "at least one missing fact or document" in str(m)
        for m in get_messages(response.wsgi_request)
    )
    assert Case.objects.get(pk=case_missing_cd22.pk).status == CaseStatus.IN_REVIEW
    assert not RecordsRequest.objects.exists()
    assert mail.outbox == []


def test_a_request_on_a_case_that_cannot_wait_for_records_is_refused(coordinator):
    case = screened_case(assigned_to=coordinator, status=CaseStatus.REFERRED)
    mail.outbox.clear()
    with pytest.raises(InvalidMove, match="cannot move"):
        request_records(case, [], ["pathology"], "", by=coordinator)
    assert not RecordsRequest.objects.exists()
    assert mail.outbox == []


def test_a_mail_server_that_is_down_does_not_undo_the_request(
    coordinator, case_missing_cd22, settings
):
    """The email waits on the outbox (tests/notify/ has the retries against a real server)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()

    request_records(case_missing_cd22, ["cd22_positive"], [], "", by=coordinator)
    deliver_outbox()

    case_missing_cd22.refresh_from_db()
    assert case_missing_cd22.status == CaseStatus.RECORDS_REQUESTED
    assert RecordsRequest.objects.filter(case=case_missing_cd22).exists()
    email = Notification.objects.get(case=case_missing_cd22, template="records_request")
    assert email.state == NotificationState.QUEUED
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at is not None


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
