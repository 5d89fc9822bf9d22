"""Save and continue later: the emailed link, single use, expiry, and purging old drafts."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from screening.intake.submit import (
    RESUME_LINK_LIFETIME,
    purge_expired_drafts,
    redeem_resume_link,
)
from screening.models import Document, IntakeDraft, ResumeLink
from screening.tasks import purge_expired_drafts_task
from tests.intake.helpers import ABOUT, post_step, step_url
from tests.outbox import deliver_outbox
from tests.uploads.samples import make_pdf

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"<>]+/intake/resume/[^\s\"<>]+/")


def save_for_later(client, email="ana.lopez@example.org", **extra):
    post_step(client, "about")
    response = post_step(
        client, "diagnosis", {"disease": "mm", "subtype_details": "IgA"}, wizard_save="1"
    )
    assert response["Location"] == reverse("intake_save")
    response = client.post(reverse("intake_save"), {"email": email, "leave_blank": "", **extra})
    deliver_outbox()  # what the worker does after the commit
    return response


def emailed_link() -> str:
    [message] = [m for m in mail.outbox if "continue" in m.subject.lower()]
    return LINK.search(message.body).group(0)


def test_save_for_later_asks_for_an_email_prefilled_from_step_1(client):
    post_step(client, "about")
    post_step(client, "diagnosis", {"disease": "mm"}, wizard_save="1")
    page = client.get(reverse("intake_save"))
    assert page.status_code == 200
    assert ABOUT["email"] in page.content.decode()


def test_save_for_later_emails_a_signed_single_use_link_and_keeps_only_its_hash(client):
    response = save_for_later(client, email="carer@example.org")
    assert response["Location"] == reverse("intake_saved")
    assert "carer@example.org" in client.get(response["Location"]).content.decode()

    url = emailed_link()
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert url.startswith(settings.SITE_URL)
    link = ResumeLink.objects.get()
    assert link.token_hash not in url and len(link.token_hash) == 64
    raw = signing.TimestampSigner(salt="navigator.intake.resume-link").unsign(token)
    assert link.token_hash != raw
    assert link.expires_at - timezone.now() > RESUME_LINK_LIFETIME - timedelta(minutes=1)
    draft = IntakeDraft.objects.get()
    assert draft.email == "carer@example.org"
    assert draft.expires_at >= link.expires_at
    # No medical details in the email.
    [message] = mail.outbox
    assert "myeloma" not in message.body.lower() and "IgA" not in message.body


def test_the_link_restores_the_answers_in_another_browser_once(client):
    save_for_later(client)
    url = emailed_link()
    path = url.removeprefix(settings.SITE_URL)

    other = Client()
    landing = other.get(path)
    assert landing.status_code == 200  # a button, so mail scanners do not use up the link
    assert ResumeLink.objects.get().used_at is None
    response = other.post(path)
    assert response["Location"] == reverse("intake")
    current = other.get(response["Location"])
    assert current["Location"] == step_url("diagnosis")
    page = other.get(current["Location"]).content.decode()
    assert "IgA" in page and "Welcome back" in page
    assert ResumeLink.objects.get().used_at is not None

    third = Client()
    assert third.get(path).status_code == 404
    assert third.post(path).status_code == 404
    assert "intake_draft" not in third.session


def test_a_tampered_or_unknown_resume_link_is_refused(client):
    save_for_later(client)
    path = emailed_link().removeprefix(settings.SITE_URL)
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert client.get(tampered).status_code == 404
    assert client.get(reverse("intake_resume", args=["nonsense"])).status_code == 404
    assert "does not work any more" in client.get(tampered).content.decode()


def test_an_expired_resume_link_is_refused(client):
    save_for_later(client)
    token = emailed_link().rstrip("/").rsplit("/", 1)[-1]
    ResumeLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert redeem_resume_link(token) is None


def test_a_resume_link_older_than_its_signature_allows_is_refused(client, monkeypatch):
    save_for_later(client)
    token = emailed_link().rstrip("/").rsplit("/", 1)[-1]
    later = timezone.now() + RESUME_LINK_LIFETIME + timedelta(minutes=5)
    monkeypatch.setattr(signing.time, "time", lambda: later.timestamp())
    assert redeem_resume_link(token) is None


def test_a_link_to_a_draft_already_sent_is_refused(client):
    save_for_later(client)
    token = emailed_link().rstrip("/").rsplit("/", 1)[-1]
    IntakeDraft.objects.update(submitted_at=timezone.now())
    assert redeem_resume_link(token) is None


def test_there_is_nothing_to_save_before_any_answer(client):
    response = client.get(reverse("intake_save"))
    assert response["Location"] == reverse("intake")


def test_save_for_later_refuses_a_bad_email_and_a_filled_honeypot(client):
    response = save_for_later(client, email="not-an-email", leave_blank="x")
    html = response.content.decode()
    assert response.status_code == 200
    assert "needs an @" in html and "must be left empty" in html
    assert mail.outbox == []


def test_save_for_later_emails_are_rate_limited(client, settings):
    settings.INTAKE_SAVE_RATE = "2/h"
    for _ in range(2):
        assert save_for_later(client).status_code == 302
    assert save_for_later(client).status_code == 429
    assert len(mail.outbox) == 2


# --- purging ----------------------------------------------------------------------------------


def draft_with_a_document(client):
    post_step(client, "about")
    client.post(
        step_url("documents"),
        {
            "intake-current_step": "documents",
            "documents-category": "labs",
            "documents-files": [SimpleUploadedFile("labs.pdf", make_pdf())],
            "upload": "1",
        },
    )
    return IntakeDraft.objects.get(), Document.objects.get()


def test_the_periodic_task_purges_expired_drafts_with_their_files_and_links(
    client, django_capture_on_commit_callbacks
):
    save_for_later(client)
    draft, document = draft_with_a_document(client)
    path = Path(settings.PRIVATE_MEDIA_ROOT) / document.file.name
    assert path.exists()
    IntakeDraft.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        purged = purge_expired_drafts_task()

    assert purged == 1
    assert not IntakeDraft.objects.exists()
    assert not Document.objects.exists()
    assert not ResumeLink.objects.exists()
    assert not path.exists()
    # Running again is harmless.
    assert purge_expired_drafts().drafts == 0


def test_the_purge_keeps_live_drafts_and_documents_already_on_a_case(
    client, django_capture_on_commit_callbacks
):
    from tests.factories import CaseFactory

    draft, document = draft_with_a_document(client)
    case = CaseFactory()
    Document.objects.filter(pk=document.pk).update(case=case)
    assert purge_expired_drafts().drafts == 0
    IntakeDraft.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired_drafts().documents == 0
    assert Document.objects.filter(pk=document.pk, case=case).exists()
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / document.file.name).exists()


def test_each_answer_pushes_the_drafts_expiry_back(client):
    post_step(client, "about")
    IntakeDraft.objects.update(expires_at=timezone.now() + timedelta(days=1))
    post_step(client, "diagnosis", {"disease": "mm"}, wizard_goto_step="about")
    assert IntakeDraft.objects.get().expires_at > timezone.now() + timedelta(days=13)


def test_an_expired_draft_is_not_restored_from_the_session(client):
    post_step(client, "about")
    IntakeDraft.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert ABOUT["email"] not in client.get(step_url("about")).content.decode()
