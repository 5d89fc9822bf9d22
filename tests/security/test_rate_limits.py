"""Rate and size limits per address and per draft, each ending on a friendly 429 page that
loses nothing already saved. Limits are settings; the tests lower them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from screening.models import Document, IntakeDraft
from tests.intake.helpers import post_step, step_url
from tests.security.conftest import sign_in_with_password
from tests.status.conftest import make_patient
from tests.uploads.samples import make_pdf

pytestmark = pytest.mark.django_db

WAIT = "Please wait a little"


def upload_at_intake(client, *names):
    return client.post(
        step_url("documents"),
        {
            "intake-current_step": "documents",
            "documents-category": "labs",
            "documents-files": [SimpleUploadedFile(name, make_pdf()) for name in names],
            "upload": "1",
        },
    )


def upload_on_status_page(client, patient, *names):
    return client.post(
        patient.url,
        {
            "category": "labs",
            "files": [SimpleUploadedFile(name, make_pdf()) for name in names],
        },
    )


def test_new_intake_sessions_are_limited_per_address(settings):
    settings.INTAKE_START_RATE = "2/h"
    for _ in range(2):
        assert post_step(Client(REMOTE_ADDR="203.0.113.20"), "about").status_code == 302

    refused = post_step(Client(REMOTE_ADDR="203.0.113.20"), "about")

    assert refused.status_code == 429
    assert WAIT in refused.content.decode()
    assert refused["Retry-After"] == "3600"
    assert IntakeDraft.objects.count() == 2
    assert post_step(Client(REMOTE_ADDR="203.0.113.21"), "about").status_code == 302


def test_a_started_intake_is_never_refused_as_a_new_session(settings, client):
    settings.INTAKE_START_RATE = "1/h"
    post_step(client, "about")
    assert post_step(client, "diagnosis").status_code in (200, 302)
    assert post_step(client, "about").status_code == 302


def test_uploads_are_limited_per_address_in_files_across_intake_and_status_pages(settings):
    settings.UPLOADS_PER_HOUR = 3
    person = make_patient()
    client = Client(REMOTE_ADDR="203.0.113.30")
    post_step(client, "about")
    assert upload_at_intake(client, "a.pdf", "b.pdf").status_code == 302

    refused = upload_at_intake(client, "c.pdf", "d.pdf")

    assert refused.status_code == 429
    assert "many files" in refused.content.decode()
    assert Document.objects.count() == 2  # nothing of the refused upload is stored
    assert client.get(step_url("documents")).status_code == 200  # the draft is intact
    assert upload_on_status_page(Client(REMOTE_ADDR="203.0.113.30"), person, "e.pdf", "f.pdf")
    assert (
        upload_on_status_page(
            Client(REMOTE_ADDR="203.0.113.30"), person, "e.pdf", "f.pdf"
        ).status_code
        == 429
    )
    assert upload_at_intake(client, "c.pdf").status_code == 302  # the last one in the hour
    assert Document.objects.count() == 3


def test_uploads_are_limited_per_address_in_bytes(settings):
    one_file = len(make_pdf())
    settings.UPLOAD_BYTES_PER_HOUR = one_file * 2 + 10
    client = Client(REMOTE_ADDR="203.0.113.40")
    post_step(client, "about")
    assert upload_at_intake(client, "a.pdf", "b.pdf").status_code == 302
    assert upload_at_intake(client, "c.pdf").status_code == 429
    assert Document.objects.count() == 2


def test_a_draft_holds_at_most_max_bytes_per_case_in_total(settings, client):
    settings.MAX_BYTES_PER_CASE = len(make_pdf()) * 2 + 10
    post_step(client, "about")

    response = upload_at_intake(client, "a.pdf", "b.pdf", "c.pdf")

    assert response.status_code == 200
    assert "all the files of a case together can be at most" in response.content.decode()
    assert Document.objects.count() == 2


def test_a_case_holds_at_most_max_bytes_per_case_in_total(settings):
    settings.MAX_BYTES_PER_CASE = len(make_pdf()) + 10
    person = make_patient()
    # The status page stores a batch all or nothing (README "Documents and the status page").
    refused = upload_on_status_page(Client(), person, "a.pdf", "b.pdf")
    assert refused.status_code == 400
    assert "all the files of a case together can be at most" in refused.content.decode()
    assert person.case.documents.count() == 0
    assert upload_on_status_page(Client(), person, "a.pdf").status_code == 302
    assert person.case.documents.count() == 1


def test_status_token_guesses_are_limited_per_address(settings):
    settings.TOKEN_GUESS_RATE = "3/h"
    person = make_patient()
    guesser = Client(REMOTE_ADDR="203.0.113.50")
    for n in range(3):
        assert guesser.get(f"/status/guess-{n}/").status_code == 404

    refused = guesser.get(f"/status/guess-{n + 1}/")
    assert refused.status_code == 429
    assert "no-store" in refused["Cache-Control"]
    assert guesser.get(person.url).status_code == 429  # even a right guess, for now
    assert Client(REMOTE_ADDR="203.0.113.51").get(person.url).status_code == 200


def test_opening_your_own_status_page_often_is_never_limited(settings):
    settings.TOKEN_GUESS_RATE = "3/h"
    person = make_patient()
    client = Client()
    for _ in range(10):
        assert client.get(person.url).status_code == 200


def test_resume_link_guesses_are_limited_per_address(settings):
    settings.TOKEN_GUESS_RATE = "2/h"
    guesser = Client(REMOTE_ADDR="203.0.113.60")
    assert guesser.get("/intake/resume/guess-1/").status_code == 404
    assert guesser.post("/intake/resume/guess-2/").status_code == 404
    assert guesser.get("/intake/resume/guess-3/").status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.61").get("/intake/resume/x/").status_code == 404


def test_sign_in_attempts_are_limited_per_address(settings, coordinator):
    settings.LOGIN_RATE = "3/h"
    for n in range(3):
        response = sign_in_with_password(Client(REMOTE_ADDR="203.0.113.70"), f"user{n}", "x")
        assert response.status_code == 200

    refused = sign_in_with_password(Client(REMOTE_ADDR="203.0.113.70"), "ines")
    assert refused.status_code == 429
    assert "many sign-in attempts" in refused.content.decode()
    assert sign_in_with_password(Client(REMOTE_ADDR="203.0.113.71"), "ines").status_code == 302
