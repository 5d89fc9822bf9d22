"""Submitting a case as JSON, reading it back, polling, documents, idempotency."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from screening.models import (
    AccessRecord,
    ApiSubmission,
    Case,
    CaseStatus,
    Document,
    RecordsRequest,
)
from screening.pipeline.screen import screen_case
from screening.triage.actions import request_records
from tests.api.conftest import error_fields, errors
from tests.factories import CoordinatorFactory, LeadFactory
from tests.outbox import deliver_outbox
from tests.uploads.samples import make_pdf, make_png

pytestmark = pytest.mark.django_db


def submit(api, document, **headers):
    return api.post("/api/v1/cases", document, headers=headers or None)


def test_it_creates_one_case_through_submit_case_with_its_owner(
    api, case_document, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(api, case_document)
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get()
    assert body["reference"] == case.reference
    assert body["status_page_url"].startswith("http") and "/status/" in body["status_page_url"]
    assert body["case_url"].endswith(f"/api/v1/cases/{case.reference}")
    assert case.profile["diagnosis"] == "dlbcl"
    assert case.profile["disease_status"] == "refractory"
    assert case.profile["prior_lines"] == 1
    assert "anti_cd20" in case.profile["prior_therapies"]
    assert case.intake["consent"]["attested_by"]["name"] == "Dr Rowan Ashby"
    assert case.consent_processing and case.consent_not_medical_advice
    assert case.referring_hospital == "St Elsewhere Hospital"
    submission = ApiSubmission.objects.get(case=case)
    assert submission.organisation == api.organisation and submission.api_key == api.key
    # The contact gets the same confirmation as a person who used the form.
    deliver_outbox()  # what the worker does after the commit
    assert [m.to for m in mail.outbox] == [["marta.quill@example.org"]]


def test_a_repeat_with_the_same_idempotency_key_returns_the_first_answer_and_makes_nothing(
    api, case_document
):
    key = str(uuid.uuid4())
    first = submit(api, case_document, **{"Idempotency-Key": key})
    again = submit(api, case_document, **{"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_refused(api, case_document):
    key = str(uuid.uuid4())
    assert submit(api, case_document, **{"Idempotency-Key": key}).status_code == 201
    case_document["health"]["ecog"] = 2
    response = submit(api, case_document, **{"Idempotency-Key": key})
    assert response.status_code == 422
    assert errors(response)[0] == {
        "field": "Idempotency-Key",
        "code": "reused",
        "message": errors(response)[0]["message"],
    }
    assert Case.objects.count() == 1


def test_without_an_idempotency_key_each_call_is_a_new_case(api, case_document):
    assert submit(api, case_document).status_code == 201
    assert submit(api, case_document).status_code == 201
    assert Case.objects.count() == 2


def test_the_forms_rules_apply_and_every_problem_is_named_by_its_field(api, case_document):
    case_document["patient"]["date_of_birth"] = "2999-01-01"
    case_document["treatment"]["lines"][0]["end"] = "2023-01"  # before its start
    case_document["consent"]["processing"] = False
    response = submit(api, case_document)
    assert response.status_code == 422
    fields = error_fields(response)
    assert {"patient.date_of_birth", "treatment.lines[0].end", "consent.processing"} <= fields
    assert Case.objects.count() == 0


def test_an_outdated_consent_version_is_refused(api, case_document):
    case_document["consent"]["version"] = "2020-01-01+deadbeef"
    response = submit(api, case_document)
    assert response.status_code == 422
    assert errors(response)[0]["field"] == "consent.version"
    assert errors(response)[0]["code"] == "outdated"


def test_unknown_fields_and_values_outside_the_vocabulary_are_refused(api, case_document):
    case_document["diagnosis"]["disease"] = "flu"
    case_document["patient"]["shoe_size"] = 42
    case_document["health"]["ecog"] = "1"
    response = submit(api, case_document)
    assert response.status_code == 422
    assert {"diagnosis.disease", "patient.shoe_size", "health.ecog"} <= error_fields(response)
    codes = {item["field"]: item["code"] for item in errors(response)}
    assert codes["patient.shoe_size"] == "unknown_field"
    assert codes["diagnosis.disease"] == "invalid_choice"


def test_facts_the_intake_does_not_use_for_the_disease_are_reported(api, case_document):
    case_document["biomarkers"]["npm1_mutated"] = True
    response = submit(api, case_document)
    assert response.status_code == 201
    assert response.json()["not_used"][0]["field"] == "biomarkers.npm1_mutated"
    assert Case.objects.get().profile["biomarkers"]["npm1_mutated"] is None


def test_reading_back_shows_status_screening_and_logs_the_read(api, case_document):
    reference = submit(api, case_document).json()["reference"]
    case = Case.objects.get()
    coordinator = CoordinatorFactory(first_name="Ines", last_name="Roe")
    screen_case(case.pk)
    case.refresh_from_db()
    response = api.get(f"/api/v1/cases/{reference}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == CaseStatus.AWAITING_REVIEW
    assert body["status_text"] == "Under review"
    assert body["coordinator"] == {"name": "Ines Roe"}
    yescarta = next(p for p in body["screening"]["products"] if p["key"] == "yescarta")
    assert yescarta["verdict"] == "eligible" and yescarta["verdict_text"] == "Likely eligible"
    assert "not medical advice" in body["screening"]["notice"]
    assert (
        AccessRecord.objects.filter(
            case=case, api_key=api.key, action=AccessRecord.Action.API_READ
        ).count()
        == 1
    )
    assert coordinator.pk == case.assigned_to_id


def test_polling_lists_cases_changed_since_a_time(api, case_document):
    first = submit(api, case_document).json()["reference"]
    listed = api.get("/api/v1/cases", updated_since="2000-01-01T00:00:00Z").json()
    assert [c["reference"] for c in listed["cases"]] == [first]
    later = api.get("/api/v1/cases", updated_since=listed["next_updated_since"]).json()
    assert [c["reference"] for c in later["cases"]] == [first]  # at the boundary: repeated
    future = api.get("/api/v1/cases", updated_since="2999-01-01T00:00:00Z").json()
    assert future["cases"] == []
    bad = api.get("/api/v1/cases", updated_since="yesterday")
    assert bad.status_code == 422 and error_fields(bad) == {"updated_since"}


def test_documents_go_through_the_upload_checks_and_close_a_records_request(
    api, case_document, django_capture_on_commit_callbacks
):
    reference = submit(api, case_document).json()["reference"]
    case = Case.objects.get()
    lead = LeadFactory()
    screen_case(case.pk)
    with django_capture_on_commit_callbacks(execute=True):
        request_records(
            Case.objects.get(), ["cd19_positive"], ["pathology"], "Please send it.", by=lead
        )
    body = api.get(f"/api/v1/cases/{reference}").json()
    assert body["status"] == "records_requested"
    assert body["records_requested"][0]["documents"][0]["category"] == "pathology"

    pdf = SimpleUploadedFile("report.pdf", make_pdf("Flow cytometry"), "application/pdf")
    response = api.post_files(
        f"/api/v1/cases/{reference}/documents", {"category": "pathology", "files": [pdf]}
    )
    assert response.status_code == 201, response.content
    assert response.json()["documents"][0]["name"] == "report.pdf"
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert RecordsRequest.objects.get().fulfilled_at is not None
    assert Document.objects.get(case=case).source == "api"


def test_a_refused_file_stores_none_of_the_files(api, case_document):
    reference = submit(api, case_document).json()["reference"]
    good = SimpleUploadedFile("scan.png", make_png(), "image/png")
    bad = SimpleUploadedFile("notes.pdf", b"<html>not a pdf</html>", "application/pdf")
    response = api.post_files(
        f"/api/v1/cases/{reference}/documents", {"category": "labs", "files": [good, bad]}
    )
    assert response.status_code == 422
    assert errors(response)[0]["field"] == "files[1]" and errors(response)[0]["code"] == "type"
    assert Document.objects.count() == 0


def test_consent_statements_and_version_are_published(api):
    body = api.get("/api/v1/consent").json()
    assert body["version"] and [s["key"] for s in body["statements"]] == [
        "processing",
        "sharing",
        "not_medical_advice",
    ]


def test_stored_first_responses_are_forgotten_after_seven_days(api, case_document):
    import datetime as dt

    from django.utils import timezone

    from screening.core.idempotency import purge_idempotency_records
    from screening.models import IdempotencyRecord

    submit(api, case_document, **{"Idempotency-Key": "old"})
    submit(api, case_document, **{"Idempotency-Key": "new"})
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    assert purge_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_a_consent_agreed_in_the_future_is_refused(api, case_document):
    case_document["consent"]["agreed_at"] = "2999-01-01T00:00:00Z"
    response = submit(api, case_document)
    assert response.status_code == 422
    assert error_fields(response) == {"consent.agreed_at"}


def test_the_time_the_patient_agreed_is_kept(api, case_document):
    case_document["consent"]["agreed_at"] = "2026-01-02T03:04:05Z"
    assert submit(api, case_document).status_code == 201
    assert Case.objects.get().consented_at.isoformat().startswith("2026-01-02T03:04:05")
