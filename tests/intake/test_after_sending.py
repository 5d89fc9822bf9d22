"""After sending: Back, a refresh or an old tab lead to "Your answers were sent on … as NAV-…"
with the status link, never an empty review, and nothing from an old page is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.intake.views.sent import CONFIRMATION_SESSION_KEY
from screening.models import Case, IntakeDraft
from tests.intake.helpers import STEPS, post_step, step_url, submission_key, submit, walk_to_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(client, django_capture_on_commit_callbacks):
    review = walk_to_review(client)
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, review)
    return Case.objects.get(), submission_key(review)


@pytest.mark.parametrize("step", STEPS)
def test_every_wizard_page_leads_to_the_confirmation_after_sending(client, sent, step):
    case, _key = sent
    response = client.get(step_url(step))
    assert response["Location"] == reverse("intake_submitted")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Your answers were sent on" in html
    assert f'<strong id="case-reference">{case.reference}</strong>' in html
    assert 'id="status-link"' in html and "/status/" in html
    assert "Not finished yet" not in html


def test_the_start_of_the_form_leads_there_too(client, sent):
    assert client.get(reverse("intake"))["Location"] == reverse("intake_submitted")


def test_sending_the_old_review_page_again_without_its_key_makes_no_case_and_names_no_field(
    client, sent
):
    response = post_step(client, "review", {"submission_key": "", "leave_blank": ""})
    assert response["Location"] == reverse("intake_submitted")
    html = client.get(response["Location"]).content.decode()
    assert "Submission key" not in html and "required" not in html
    assert Case.objects.count() == 1


def test_sending_the_old_review_page_with_its_key_finds_the_same_case(client, sent):
    case, key = sent
    response = post_step(client, "review", {"submission_key": key, "leave_blank": ""})
    assert response["Location"] == reverse("intake_submitted")
    assert Case.objects.get().pk == case.pk


def test_an_old_tab_posting_a_step_after_sending_stores_nothing(client, sent):
    drafts = IntakeDraft.objects.count()
    response = post_step(client, "health")
    assert response["Location"] == reverse("intake_submitted")
    assert IntakeDraft.objects.count() == drafts
    assert "intake_draft" not in client.session


def test_filling_in_a_new_form_forgets_the_sent_one_and_starts_at_step_1(client, sent):
    response = client.get(reverse("intake") + "?reset=1", follow=True)
    assert response.redirect_chain[-1][0].startswith(step_url("about"))
    html = response.content.decode()
    assert "Step 1 of 7" in html
    assert client.get(reverse("intake_submitted"))["Location"] == reverse("intake")


def test_after_a_day_the_page_keeps_the_reference_but_points_to_the_email_for_the_link(
    client, sent
):
    case, _key = sent
    session = client.session
    info = session[CONFIRMATION_SESSION_KEY]
    info["sent_at"] = (timezone.now() - timedelta(days=1, minutes=1)).isoformat()
    session[CONFIRMATION_SESSION_KEY] = info
    session.save()
    html = client.get(reverse("intake_submitted")).content.decode()
    assert case.reference in html
    assert "/status/" not in html and 'id="status-link-emailed"' in html
    assert client.session[CONFIRMATION_SESSION_KEY]["status_path"] is None


def test_a_resume_link_opened_after_sending_continues_that_draft_not_the_sent_one(
    client, sent, django_capture_on_commit_callbacks
):
    from screening.intake.submit import create_draft
    from screening.intake.views.storage import DRAFT_SESSION_KEY

    draft = create_draft({"step": "about", "step_data": {}, "extra_data": {}, "step_files": {}})
    session = client.session
    session[DRAFT_SESSION_KEY] = draft.key
    session.save()
    assert client.get(step_url("about")).status_code == 200
