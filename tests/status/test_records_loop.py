"""Records requested, the patient uploads, the case is back in review, the coordinator told."""

import dataclasses
import hashlib
import socket

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import override_settings

from screening.documents.uploads import MAX_FILES_PER_CASE, UploadRejected, check_upload
from screening.models import CaseEvent, CaseStatus, Document, EventKind, RecordsRequest
from screening.patient.records import receive_records
from tests.factories import DocumentFactory
from tests.outbox import deliver_outbox
from tests.uploads.conftest import sha256_of_stored, stored_files
from tests.uploads.samples import HTML_BYTES, JPEG_BYTES, make_pdf, make_png

pytestmark = pytest.mark.django_db


def files(*pairs):
    return [SimpleUploadedFile(name, content) for name, content in pairs]


def post_upload(client, person, category, uploads, *, follow=False):
    return client.post(person.url, {"category": category, "files": uploads}, follow=follow)


def test_uploading_the_requested_records_closes_the_loop(
    client, records_requested, coordinator, django_capture_on_commit_callbacks
):
    pdf, png = make_pdf(text="Flow cytometry: CD19 positive"), make_png(20, 10)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(
            client,
            records_requested,
            "flow_cytometry",
            files(("flow.pdf", pdf), ("page-2.png", png)),
        )
    assert response.status_code == 302
    assert response["Location"] == records_requested.url + "#documents"
    assert response["Referrer-Policy"] == "same-origin"

    case = records_requested.case
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert case.document_count == 2
    records_requested.request.refresh_from_db()
    assert records_requested.request.fulfilled_at is not None

    documents = list(Document.objects.filter(case=case).order_by("pk"))
    assert [d.original_name for d in documents] == ["flow.pdf", "page-2.png"]
    assert {d.source for d in documents} == {"status_page"}
    assert {d.category for d in documents} == {"flow_cytometry"}
    # The PDF is stored as sent; the image encoded again from its pixels (README "Uploads").
    assert [sha256_of_stored(d) for d in documents] == [d.sha256 for d in documents]
    assert documents[0].sha256 == hashlib.sha256(pdf).hexdigest()
    assert documents[1].sha256 != hashlib.sha256(png).hexdigest()

    received = CaseEvent.objects.get(case=case, kind=EventKind.RECORDS_RECEIVED)
    assert received.patient_visible
    assert received.data["count"] == 2
    moved = CaseEvent.objects.get(case=case, kind=EventKind.STATUS_CHANGED)
    assert moved.data["reason"] == "patient uploaded requested records"

    deliver_outbox()  # what the worker does after the commit
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [coordinator.email]
    assert case.reference in email.subject
    assert f"/admin/screening/case/{case.pk}/change/" in email.body
    assert "Hello Maren," in email.body
    # No medical details and no file names: the coordinator reads those in Navigator.
    for private in ("CD19", "flow.pdf", "cytometry", "b_all", case.last_name, case.email):
        assert private not in email.body
        assert private not in email.alternatives[0][0]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.EMAIL_SENT).exists()

    page = client.get(response["Location"]).text
    assert "Thank you: we received 2 documents." in page
    assert "We received the 2 documents you sent." in page
    assert "Under review" in page


def test_the_stored_documents_are_queued_for_processing_after_commit(
    client, records_requested, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        post_upload(client, records_requested, "labs", files(("labs.pdf", make_pdf())))
    # One callback queues the document's processing, one emails the coordinator.
    assert len(callbacks) == 2


def test_with_nobody_assigned_the_leads_are_emailed(
    client, records_requested, lead, django_capture_on_commit_callbacks
):
    case = records_requested.case
    case.assigned_to = None
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client, records_requested, "labs", files(("labs.pdf", make_pdf())))
    deliver_outbox()
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert "Nobody is assigned to it yet." in mail.outbox[0].body


def test_a_refused_file_is_named_with_its_reason_and_the_good_files_are_kept(
    client, records_requested, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(
            client,
            records_requested,
            "treatment_summary",
            files(("summary.pdf", make_pdf()), ("fake.pdf", HTML_BYTES)),
            follow=True,
        )
    assert response.status_code == 200
    assert "Thank you: we received 1 document." in response.text
    assert "“fake.pdf” was not accepted: it is a web page (HTML)." in response.text
    assert list(Document.objects.values_list("original_name", flat=True)) == ["summary.pdf"]


def test_when_every_file_is_refused_nothing_changes_and_each_reason_is_shown(
    client, records_requested, django_capture_on_commit_callbacks
):
    before = stored_files()
    truncated = make_pdf()[:200]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(
            client,
            records_requested,
            "pathology",
            files(("fake.pdf", HTML_BYTES), ("cut.pdf", truncated), ("empty.png", b"")),
        )
    assert response.status_code == 400
    text = response.text
    assert "There is a problem" in text
    assert "“fake.pdf” was not accepted" in text
    assert "“cut.pdf” looks like a PDF but is damaged or incomplete" in text
    assert "“empty.png” is empty" in text
    assert 'href="#id_files"' in text
    assert 'aria-invalid="true"' in text
    case = records_requested.case
    case.refresh_from_db()
    assert case.status == CaseStatus.RECORDS_REQUESTED
    assert not Document.objects.exists()
    assert stored_files() == before
    assert mail.outbox == []


def test_a_missing_category_is_asked_for_in_plain_words(client, records_requested):
    response = post_upload(client, records_requested, "", files(("a.pdf", make_pdf())))
    assert response.status_code == 400
    assert "Choose the kind of document." in response.text
    assert not Document.objects.exists()


def test_the_31st_file_is_refused_and_nothing_of_that_upload_is_stored(client, records_requested):
    case = records_requested.case
    for _ in range(MAX_FILES_PER_CASE - 1):
        DocumentFactory(case=case)
    before = stored_files()
    response = post_upload(
        client, records_requested, "labs", files(("a.pdf", make_pdf()), ("b.jpg", JPEG_BYTES))
    )
    assert response.status_code == 400
    assert "this case can take only 1 more" in response.text
    assert Document.objects.filter(case=case).count() == MAX_FILES_PER_CASE - 1
    assert stored_files() == before
    case.refresh_from_db()
    assert case.status == CaseStatus.RECORDS_REQUESTED


def test_the_service_refuses_more_than_the_room_left_under_its_lock(records_requested):
    case = records_requested.case
    for _ in range(MAX_FILES_PER_CASE):
        DocumentFactory(case=case)
    before = stored_files()
    with pytest.raises(UploadRejected) as error:
        receive_records(case, [("labs", check_upload(SimpleUploadedFile("x.png", make_png())))])
    assert error.value.reason == "too_many"
    assert stored_files() == before
    assert RecordsRequest.objects.get(case=case).fulfilled_at is None


def test_a_failure_after_storing_leaves_no_file_no_row_and_the_request_open(records_requested):
    good = check_upload(SimpleUploadedFile("a.pdf", make_pdf()))
    # The second row breaks a CHECK constraint after the first file and row were written.
    broken = dataclasses.replace(check_upload(SimpleUploadedFile("b.png", make_png())), size=-1)
    before = stored_files()
    with pytest.raises(IntegrityError):
        receive_records(records_requested.case, [("labs", good), ("labs", broken)])
    assert stored_files() == before
    assert not Document.objects.exists()
    assert RecordsRequest.objects.get(case=records_requested.case).fulfilled_at is None
    records_requested.case.refresh_from_db()
    assert records_requested.case.status == CaseStatus.RECORDS_REQUESTED


def test_uploading_to_an_open_case_without_a_request_adds_documents_quietly(
    client, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, patient, "imaging", files(("scan.jpg", JPEG_BYTES)))
    assert response.status_code == 302
    case = patient.case
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert mail.outbox == []
    event = CaseEvent.objects.get(case=case, kind=EventKind.DOCUMENT_UPLOADED)
    assert event.patient_visible and event.data["count"] == 1
    assert "You added 1 document." in client.get(patient.url).text


def test_a_closed_case_refuses_uploads(client, patient):
    case = patient.case
    case.status = CaseStatus.CLOSED
    case.outcome = "withdrawn"
    case.save()
    response = post_upload(client, patient, "labs", files(("a.pdf", make_pdf())))
    assert response.status_code == 409
    assert "This case is closed, so it takes no more documents." in response.text
    assert not Document.objects.exists()


def test_a_wrong_token_cannot_upload(client, patient):
    response = client.post("/status/not-a-token/", {"category": "labs"})
    assert response.status_code == 404
    assert not Document.objects.exists()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_mail_server_that_is_down_does_not_undo_the_upload(
    client, records_requested, django_capture_on_commit_callbacks
):
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=closed_port(),
        EMAIL_TIMEOUT=2,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_upload(
                client, records_requested, "labs", files(("labs.pdf", make_pdf()))
            )
    assert response.status_code == 302
    case = records_requested.case
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert Document.objects.filter(case=case).count() == 1
