"""Who can see what around the intake: anonymous visitors, the patient with their token,
another patient with theirs, and a signed-in coordinator."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from screening.models import Case
from tests.auth import staff_login
from tests.factories import CoordinatorFactory
from tests.intake.helpers import ABOUT, post_step, step_url, submit, walk_to_review

pytestmark = pytest.mark.django_db


def send_case(client, django_capture_on_commit_callbacks, **about):
    review = walk_to_review(client, about={**ABOUT, **about})
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, review)
    confirmation = client.get(reverse("intake_submitted"))
    return Case.objects.get(email=about.get("email", ABOUT["email"])), confirmation.context[
        "status_url"
    ]


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_an_anonymous_visitor_can_fill_in_and_send_the_form(
    client, django_capture_on_commit_callbacks
):
    case, status_url = send_case(client, django_capture_on_commit_callbacks)
    assert case.submitter_role == "patient"
    assert status_url


def test_an_anonymous_visitor_without_a_confirmation_is_sent_to_the_start(client):
    assert client.get(reverse("intake_submitted"))["Location"] == reverse("intake")


def test_the_patient_opens_their_own_status_page_with_the_token(
    client, django_capture_on_commit_callbacks
):
    case, status_url = send_case(client, django_capture_on_commit_callbacks)
    stranger_browser = Client()  # the link works from anywhere, e.g. the email on a phone
    page = stranger_browser.get(path_of(status_url))
    assert page.status_code == 200
    assert case.reference in page.content.decode()


def test_another_patients_token_shows_only_their_own_case(
    client, django_capture_on_commit_callbacks
):
    mine, my_url = send_case(client, django_capture_on_commit_callbacks)
    other_browser = Client()
    theirs, their_url = send_case(
        other_browser, django_capture_on_commit_callbacks, email="other.person@example.org"
    )
    assert mine.pk != theirs.pk
    their_page = other_browser.get(path_of(their_url)).content.decode()
    assert theirs.reference in their_page and mine.reference not in their_page
    my_page = client.get(path_of(my_url)).content.decode()
    assert mine.reference in my_page and theirs.reference not in my_page


def test_a_wrong_token_gets_a_plain_404(client, django_capture_on_commit_callbacks):
    _, status_url = send_case(client, django_capture_on_commit_callbacks)
    wrong = path_of(status_url)[:-5] + "xxxx/"
    assert client.get(wrong).status_code == 404


def test_a_patients_confirmation_is_not_visible_from_another_browser(
    client, django_capture_on_commit_callbacks
):
    send_case(client, django_capture_on_commit_callbacks)
    other = Client()
    assert other.get(reverse("intake_submitted"))["Location"] == reverse("intake")


def test_another_browser_never_sees_a_draft_in_progress(client):
    post_step(client, "about")
    other = Client()
    assert ABOUT["email"] not in other.get(step_url("about")).content.decode()


def test_a_signed_in_coordinator_uses_the_form_like_anyone(
    client, django_capture_on_commit_callbacks
):
    staff_login(client, CoordinatorFactory())
    case, status_url = send_case(client, django_capture_on_commit_callbacks)
    assert case.reference and status_url
