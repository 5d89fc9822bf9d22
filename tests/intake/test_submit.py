"""Sending the form: the case, its documents, the confirmation, replays, failures, rate limits."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import resolve, reverse
from django.utils import timezone

from screening.core.references import hash_token
from screening.intake import submit as intake_service
from screening.intake.consent import CONSENT_VERSION
from screening.intake.submit import create_draft, submit_case
from screening.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Document,
    EventKind,
    IntakeDraft,
    StatusToken,
)
from screening.rules.profile import validate_patient
from tests.intake.helpers import post_step, step_url, submission_key, submit, walk_to_review
from tests.outbox import deliver_outbox
from tests.uploads.samples import make_pdf, make_png

pytestmark = pytest.mark.django_db


def stored_files() -> set[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def new_files():
    """The files stored in private storage since the test began (the folder is session-wide)."""
    before = stored_files()
    return lambda: stored_files() - before


def upload(client, *files, category="pathology", button="upload"):
    body = {
        "intake-current_step": "documents",
        "documents-category": category,
        "documents-files": list(files),
        button: "1",
    }
    return client.post(step_url("documents"), body)


def pdf(name="pathology.pdf", text="Pathology report"):
    return SimpleUploadedFile(name, make_pdf(text), content_type="application/pdf")


# --- the happy path ---------------------------------------------------------------------------


def test_sending_creates_one_case_with_answers_profile_and_consent(
    client, django_capture_on_commit_callbacks
):
    review = walk_to_review(client)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, review)
    assert response["Location"] == reverse("intake_submitted")

    case = Case.objects.get()
    assert case.reference.startswith("NAV-")
    assert case.status in {CaseStatus.SUBMITTED, CaseStatus.SCREENING, CaseStatus.AWAITING_REVIEW}
    assert case.email == "ana.lopez@example.org" and case.country == "US" and case.language == "es"
    assert case.disease == "dlbcl"
    assert case.intake["diagnosis"]["subtype_details"] == "germinal center type"
    assert case.intake["treatment"]["lines"][0]["name"] == "R-CHOP"
    validate_patient(case.profile)
    assert case.profile["prior_lines"] == 1
    assert case.profile["prior_therapies"] == ["anthracycline", "anti_cd20", "chemotherapy"]
    assert case.profile["disease_status"] == "refractory"
    assert case.profile["transplant_eligible"] is True
    # Consent: the version shown, each statement, and when it was given.
    assert case.consent_version == CONSENT_VERSION
    assert case.consent_processing and case.consent_sharing and case.consent_not_medical_advice
    assert before - timedelta(minutes=1) <= case.consented_at <= timezone.now()
    assert case.intake["consent"]["version"] == CONSENT_VERSION
    # The timeline, the token, and screening asked for.
    assert CaseEvent.objects.filter(
        case=case, kind=EventKind.SUBMITTED, patient_visible=True
    ).exists()
    assert StatusToken.objects.filter(case=case).count() == 1
    assert IntakeDraft.objects.get().submitted_at is not None
    assert IntakeDraft.objects.get().data == {}


def test_the_confirmation_page_shows_the_reference_and_the_status_link_in_that_browser(
    client, django_capture_on_commit_callbacks
):
    # Changed by issue #16: the link used to be shown once; now Back, a refresh or the
    # confirmation opened again in the same browser session show it again (for a day).
    review = walk_to_review(client)
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, review)
    case = Case.objects.get()
    page = client.get(reverse("intake_submitted"))
    html = page.content.decode()
    assert case.reference in html
    link = page.context["status_url"]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert StatusToken.objects.filter(case=case, token_hash=hash_token(token)).exists()
    assert resolve(f"/status/{token}/").url_name == "status"
    again = client.get(reverse("intake_submitted")).content.decode()
    assert case.reference in again and token in again


def test_the_confirmation_email_has_reference_link_and_next_steps_but_no_medical_details(
    client, django_capture_on_commit_callbacks
):
    review = walk_to_review(client)
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, review)
    deliver_outbox()  # what the worker does after the commit
    case = Case.objects.get()
    [email] = [m for m in mail.outbox if case.email in m.to]
    text = email.body + email.alternatives[0][0]
    assert case.reference in email.subject and case.reference in text
    assert settings.SITE_URL + "/status/" in text
    assert "What happens next" in text
    for medical in ("lymphoma", "DLBCL", "R-CHOP", "refractory", "CD19", "germinal"):
        assert medical.lower() not in text.lower(), medical
    assert CaseEvent.objects.filter(case=case, kind=EventKind.EMAIL_SENT).exists()


# --- replays, double clicks, failures ---------------------------------------------------------


def test_a_replayed_submit_post_creates_no_second_case_and_no_second_email(
    client, django_capture_on_commit_callbacks
):
    review = walk_to_review(client)
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(client, review)
        second = submit(client, review)  # the browser's "resend form", or a double click
    deliver_outbox()
    assert first["Location"] == second["Location"] == reverse("intake_submitted")
    assert Case.objects.count() == 1
    assert len([m for m in mail.outbox if "ana.lopez@example.org" in m.to]) == 1


def test_a_replay_from_another_browser_learns_nothing_about_the_case(
    client, django_capture_on_commit_callbacks
):
    from django.test import Client

    review = walk_to_review(client)
    key = submission_key(review)
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, review)
    other = Client()
    response = post_step(other, "review", {"submission_key": key, "leave_blank": ""})
    assert response["Location"] == reverse("intake_submitted")
    # That browser has no confirmation of its own: it is sent to the start.
    assert other.get(reverse("intake_submitted"))["Location"] == reverse("intake")
    assert Case.objects.count() == 1


def answers_for_service():
    return {
        "about": {
            "submitter_role": "family",
            "first_name": "Sam",
            "last_name": "Reyes",
            "email": "sam.reyes@example.org",
            "phone": "",
            "country": "MX",
            "language": "es",
            "date_of_birth": "2015-03-10",
        },
        "consent": {
            "version": CONSENT_VERSION,
            "processing": True,
            "sharing": False,
            "not_medical_advice": True,
            "agreed_at": timezone.now().isoformat(),
        },
        "diagnosis": {
            "disease": "b_all",
            "diagnosis": "b_all",
            "biomarkers": {"cd19_positive": "yes", "cd22_positive": "yes"},
        },
        "status": {"status": "second_or_later_relapse", "mrd": "not_tested"},
        "treatment": {
            "had_treatment": "yes",
            "lines": [{"name": "Induction chemotherapy"}, {"name": "Blinatumomab"}],
        },
        "health": {"ecog": "1", "active_infection": "no", "cns_involvement": "no"},
    }


def test_submit_case_twice_with_one_key_returns_the_same_case(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = submit_case(answers_for_service(), submission_key="k" * 64)
        second = submit_case(answers_for_service(), submission_key="k" * 64)
    deliver_outbox()
    assert first.pk == second.pk
    assert first.raw_status_token and second.raw_status_token is None
    assert Case.objects.count() == 1 and StatusToken.objects.count() == 1
    assert len(mail.outbox) == 1
    assert first.profile["prior_lines"] == 2
    assert first.profile["prior_therapies"] == ["blinatumomab", "chemotherapy"]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_of_one_key_make_one_case():
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        # Shared-cache in-memory SQLite locks tables instead of waiting ("database table is
        # locked"); the file database of a real run waits (WAL, IMMEDIATE). PostgreSQL in CI
        # runs this for real.
        pytest.skip("needs a database that makes concurrent writers wait (PostgreSQL in CI)")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            barrier.wait(timeout=5)
            results.append(submit_case(answers_for_service(), submission_key="race" * 16).pk)
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(set(results)) == 1
    assert Case.objects.count() == 1


def test_a_reference_clash_is_retried_with_a_new_reference(monkeypatch):
    taken = submit_case(answers_for_service(), submission_key="a" * 64).reference
    references = iter([taken, taken, "NAV-FRES-H000"])
    monkeypatch.setattr(intake_service, "new_case_reference", lambda: next(references))
    case = submit_case(answers_for_service(), submission_key="b" * 64)
    assert case.reference == "NAV-FRES-H000"


def test_a_failure_during_submit_leaves_no_case_and_keeps_the_files_with_the_draft(
    client, monkeypatch, new_files
):
    walk_to_review(client)
    upload(client, pdf())
    draft = IntakeDraft.objects.get()
    files_before = new_files()
    assert len(files_before) == 1

    def broken(case):
        raise RuntimeError("token store unavailable")

    # A fault in the middle of the transaction (after the documents moved).
    monkeypatch.setattr(intake_service, "issue_status_token", broken)
    answers = answers_for_service()
    with pytest.raises(RuntimeError):
        submit_case(answers, submission_key="c" * 64, draft=draft)

    assert Case.objects.count() == 0
    assert StatusToken.objects.count() == 0
    document = Document.objects.get()
    assert document.case_id is None and document.draft_id == draft.pk
    assert new_files() == files_before  # still owned by the draft: not orphaned
    draft.refresh_from_db()
    assert draft.submitted_at is None

    monkeypatch.undo()
    case = submit_case(answers, submission_key="c" * 64, draft=draft)
    assert case.documents.count() == 1 and case.document_count == 1


def test_a_database_error_inside_submit_rolls_everything_back():
    draft = create_draft({})
    answers = answers_for_service()
    answers["about"]["first_name"] = None  # NOT NULL: the insert itself fails
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError on every database
        submit_case(answers, submission_key="d" * 64, draft=draft)
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0


# --- documents --------------------------------------------------------------------------------


def test_documents_are_checked_and_stored_at_once_keeping_good_files_when_one_is_bad(
    client, new_files
):
    walk_to_review(client)
    html_as_pdf = SimpleUploadedFile("report.pdf", b"<!doctype html><html><body>hi</body></html>")
    png = SimpleUploadedFile("scan.png", make_png(), content_type="image/png")
    response = upload(client, pdf(), png, html_as_pdf)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Only PDF, JPEG and PNG" in html and "web page (HTML)" in html
    assert 'href="#id_documents-files"' in html
    draft = IntakeDraft.objects.get()
    names = sorted(Document.objects.filter(draft=draft).values_list("original_name", flat=True))
    assert names == ["pathology.pdf", "scan.png"]
    assert len(new_files()) == 2
    assert "pathology.pdf" in html and "scan.png" in html  # listed, with remove buttons
    # The other answers are untouched.
    assert "R-CHOP" in client.get(step_url("review")).content.decode()


def test_uploading_without_a_kind_of_document_keeps_the_file_and_asks_for_its_kind(client):
    # Changed by issue #16: the file used to be dropped (and had to be chosen again); now it is
    # kept and the next kind given is applied to it.
    walk_to_review(client)
    response = upload(client, pdf(), category="")
    html = response.content.decode()
    assert "Choose what kind of document “pathology.pdf” is." in html
    assert "you do not need to choose it again" in html
    assert "kind not chosen yet" in html
    document = Document.objects.get()
    response = client.post(
        step_url("documents"),
        {"intake-current_step": "documents", "documents-category": "flow_cytometry"},
    )
    assert response["Location"] == step_url("review")
    document.refresh_from_db()
    assert document.category == "flow_cytometry"


def test_a_damaged_pdf_and_a_dangerous_name_are_handled(client):
    walk_to_review(client)
    truncated = SimpleUploadedFile("cut.pdf", make_pdf()[:60])
    sneaky = SimpleUploadedFile("../../etc/passwd.pdf", make_pdf())
    response = upload(client, truncated, sneaky)
    assert "damaged or incomplete" in response.content.decode()
    document = Document.objects.get()
    assert document.original_name == "passwd.pdf"
    assert ".." not in document.file.name


def test_a_file_can_be_removed_before_sending(
    client, django_capture_on_commit_callbacks, new_files
):
    walk_to_review(client)
    upload(client, pdf("one.pdf"), pdf("two.pdf"))
    one = Document.objects.get(original_name="one.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            step_url("documents"), {"intake-current_step": "documents", "remove": str(one.pk)}
        )
    assert response["Location"] == step_url("documents")
    assert list(Document.objects.values_list("original_name", flat=True)) == ["two.pdf"]
    assert len(new_files()) == 1
    assert "Removed “one.pdf”" in client.get(step_url("documents")).content.decode()


def test_nobody_can_remove_a_document_of_another_draft(client):
    from django.test import Client

    walk_to_review(client)
    upload(client, pdf())
    document = Document.objects.get()
    intruder = Client()
    walk_to_review(intruder)
    intruder.post(
        step_url("documents"), {"intake-current_step": "documents", "remove": str(document.pk)}
    )
    assert Document.objects.filter(pk=document.pk).exists()


def test_sent_documents_move_onto_the_case_and_are_queued_for_processing(
    client, django_capture_on_commit_callbacks, new_files
):
    review = walk_to_review(client)
    upload(client, pdf(), SimpleUploadedFile("scan.png", make_png()), category="flow_cytometry")
    review = client.get(step_url("review"))
    assert "scan.png" in review.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, review)
    case = Case.objects.get()
    assert case.document_count == 2
    assert set(case.documents.values_list("category", flat=True)) == {"flow_cytometry"}
    assert Document.objects.filter(case__isnull=True).count() == 0
    assert all(d.draft_id is None for d in case.documents.all())
    assert len(new_files()) == 2


def test_upload_with_next_continues_to_review_when_every_file_is_good(client):
    walk_to_review(client)
    response = upload(client, pdf(), button="next")
    assert response["Location"] == step_url("review")
    assert Document.objects.count() == 1


# --- bots and floods --------------------------------------------------------------------------


def test_a_filled_honeypot_sends_nothing(client):
    review = walk_to_review(client)
    response = submit(client, review, leave_blank="http://spam.example")
    assert response.status_code == 200
    assert "This field must be left empty." in response.content.decode()
    assert Case.objects.count() == 0


def test_submissions_are_rate_limited_per_address(settings, django_capture_on_commit_callbacks):
    from django.test import Client

    settings.INTAKE_SUBMIT_RATE = "2/h"
    for number in range(2):
        client = Client(REMOTE_ADDR="203.0.113.7")
        review = walk_to_review(client)
        with django_capture_on_commit_callbacks(execute=True):
            assert submit(client, review).status_code == 302, number
    client = Client(REMOTE_ADDR="203.0.113.7")
    review = walk_to_review(client)
    response = submit(client, review)
    assert response.status_code == 429
    assert "Please wait a little" in response.content.decode()
    assert Case.objects.count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR="198.51.100.4")
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(other, walk_to_review(other)).status_code == 302


def test_the_rate_limit_counts_in_the_real_cache(settings, django_capture_on_commit_callbacks):
    """Against settings.CACHES['default'] (Redis when REDIS_URL is set), from a fresh address."""
    import uuid

    from django.test import Client

    settings.RATELIMIT_USE_CACHE = "default"
    settings.INTAKE_SUBMIT_RATE = "1/h"
    address = f"2001:db8:{uuid.uuid4().int % 65536:x}::1"
    first = Client(REMOTE_ADDR=address)
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(first, walk_to_review(first)).status_code == 302
    second = Client(REMOTE_ADDR=address)
    assert submit(second, walk_to_review(second)).status_code == 429


def test_behind_a_proxy_the_last_forwarded_address_counts(settings, rf):
    from screening.core.addresses import client_key as client_ip

    request = rf.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.9")
    assert client_ip(request) == "10.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_ip(request) == "192.0.2.9"


def test_a_stale_review_page_cannot_send(client):
    walk_to_review(client)
    response = post_step(client, "review", {"submission_key": "0" * 64, "leave_blank": ""})
    assert response.status_code == 200
    assert "out of date" in response.content.decode()
    assert Case.objects.count() == 0


def test_the_purge_task_is_scheduled_hourly():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-drafts"]
    assert entry["task"] == "screening.purge_expired_drafts_task"
    assert entry["schedule"] == 3600.0


def test_the_review_step_url_is_the_only_place_that_submits(client):
    walk_to_review(client)
    for step in ("about", "health", "documents"):
        post_step(client, step)
    assert Case.objects.count() == 0
    assert step_url("review").endswith("/intake/review/")


def test_a_sent_case_is_handed_to_screening_and_its_documents_to_processing(
    client, django_capture_on_commit_callbacks
):
    """The tasks submit_case enqueues, run inline here (the pipeline tests run real workers)."""
    from navigator.celery import app as celery_app
    from tests.factories import CoordinatorFactory

    coordinator = CoordinatorFactory(languages=["es"])
    walk_to_review(client)
    upload(client, pdf(text="Flow cytometry: CD19 positive"), category="flow_cytometry")
    review = client.get(step_url("review"))
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            submit(client, review)
    finally:
        celery_app.conf.task_always_eager = eager

    case = Case.objects.get()
    document = Document.objects.get()
    assert case.latest_run_id, "the case was not screened"
    assert case.latest_run.verdicts["yescarta"] == "eligible"  # refractory LBCL after one line
    assert case.status == CaseStatus.AWAITING_REVIEW
    assert document.processed_at and "CD19" in document.extracted_text
    assert case.assigned_to == coordinator  # Spanish-speaking, like the person


def test_a_draft_takes_at_most_30_files(client):
    from tests.factories import DocumentFactory

    walk_to_review(client)
    draft = IntakeDraft.objects.get()
    DocumentFactory.create_batch(30, case=None, draft=draft)
    response = upload(client, pdf("one-too-many.pdf"))
    assert "a case can have at most 30 files" in response.content.decode()
    assert Document.objects.filter(draft=draft).count() == 30
