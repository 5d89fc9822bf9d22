"""Sign-in lockout (django-axes), idle staff sessions, and password rules."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from screening.middleware import StaffIdleTimeoutMiddleware
from tests.auth import authenticator_for, current_code, staff_login
from tests.factories import CoordinatorFactory
from tests.security.conftest import sign_in_with_password

pytestmark = pytest.mark.django_db

QUEUE = "/admin/screening/case/"
LOCKED = "Sign-in paused"


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(coordinator):
    for attempt in range(5):
        response = sign_in_with_password(Client(), "ines", "wrong password")
        if attempt < 4:
            assert response.status_code == 200, attempt
            assert "Please enter the correct username and password" in response.content.decode()
    assert response.status_code == 429

    # From another address too: the username is locked, not only the address.
    right = sign_in_with_password(Client(REMOTE_ADDR="192.0.2.77"), "ines")
    assert right.status_code == 429
    page = right.content.decode()
    assert LOCKED in page and "15 minutes" in page and "tell your lead" in page
    assert right["Retry-After"] == "900"


def test_five_failures_from_one_address_lock_that_address_for_every_account(coordinator):
    for n in range(5):
        sign_in_with_password(Client(REMOTE_ADDR="198.51.100.5"), f"nobody{n}", "guess")

    blocked = sign_in_with_password(Client(REMOTE_ADDR="198.51.100.5"), "ines")
    elsewhere = sign_in_with_password(Client(REMOTE_ADDR="198.51.100.6"), "ines")

    assert blocked.status_code == 429
    assert elsewhere.status_code == 302


def test_the_lock_lifts_after_fifteen_minutes(coordinator):
    for _ in range(5):
        sign_in_with_password(Client(), "ines", "wrong password")
    assert sign_in_with_password(Client(), "ines").status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in_with_password(Client(), "ines").status_code == 302


def test_behind_the_proxy_each_forwarded_address_is_counted_on_its_own(settings, coordinator):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxy = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_PROTO": "https"}
    for n in range(5):
        sign_in_with_password(
            Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.9"), f"nobody{n}", "guess"
        )

    # The proxy's own address is everyone's REMOTE_ADDR: it is not what gets locked.
    other_client = Client(**proxy, HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.10")
    assert sign_in_with_password(other_client, "ines").status_code == 302
    attacker = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.10, 203.0.113.9")
    assert sign_in_with_password(attacker, "ines").status_code == 429


def test_wrong_second_factor_codes_count_towards_the_lockout(client, coordinator):
    device = authenticator_for(coordinator)
    step = sign_in_with_password(client, "ines")["Location"]
    wrong = f"{(int(current_code(device)) + 7) % 1_000_000:06d}"
    for attempt in range(5):
        response = client.post(step, {"code": wrong, "next": QUEUE})
        device.refresh_from_db()
        device.throttling_failure_count = 0  # skip django-otp's own growing wait
        device.save()
        if attempt < 4:
            assert response.status_code == 400, attempt

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    # Signed out, and the right password does not help for now.
    assert client.get(QUEUE).status_code == 302
    assert sign_in_with_password(Client(), "ines").status_code == 429


def test_an_idle_staff_session_expires_after_fifteen_minutes(client, coordinator):
    staff_login(client, coordinator)
    assert client.get(QUEUE).status_code == 200

    session = client.session
    session[StaffIdleTimeoutMiddleware.SESSION_KEY] -= 15 * 60 + 1
    session.save()
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    signed_out = client.get(response["Location"])
    assert "signed out after 15 minutes without activity" in signed_out.content.decode()
    assert client.get(QUEUE).status_code == 302  # the session is gone, not just paused


def test_a_staff_session_within_the_idle_limit_goes_on(client, coordinator):
    staff_login(client, coordinator)
    client.get(QUEUE)
    session = client.session
    session[StaffIdleTimeoutMiddleware.SESSION_KEY] -= 14 * 60
    session.save()
    assert client.get(QUEUE).status_code == 200


def test_a_staff_session_cookie_ends_with_the_browser(client, coordinator):
    staff_login(client, coordinator)
    response = client.get(QUEUE)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


@pytest.mark.parametrize(
    "password",
    [
        "Navigator2026",
        "navigator2026!",
        "Password12345",
        "short1!A",
        "Kymriah2026",
        "ines-holloway1",
    ],
)
def test_weak_staff_passwords_are_refused(password):
    user = CoordinatorFactory.build(username="ines", first_name="Ines", last_name="Holloway")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_navigator2026_is_refused_as_too_easy_to_guess_although_long_enough():
    with pytest.raises(ValidationError) as refused:
        validate_password("Navigator2026")
    assert [e.code for e in refused.value.error_list] == ["password_too_guessable"]


def test_a_long_unrelated_passphrase_is_accepted():
    validate_password("copper lantern orbit meadow")
