"""Every admin page needs a second factor: enrolment with a QR code, codes from the app,
single-use recovery codes, and a lead's reset."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from screening.models import CoordinatorProfile
from tests.auth import authenticator_for, current_code, staff_login
from tests.security.conftest import sign_in_with_password

pytestmark = pytest.mark.django_db

QUEUE = "/admin/screening/case/"


def recovery_codes_in(response) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


def test_a_password_alone_never_opens_the_admin(client, coordinator):
    authenticator_for(coordinator)
    response = sign_in_with_password(client, "ines")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:second_factor"))
    for url in ("/admin/", QUEUE, reverse("admin:screening_case_dashboard")):
        refused = client.get(url)
        assert refused.status_code == 302, url
        assert refused["Location"].startswith(reverse("admin:login")), url
    # The sign-in page sends a half-signed-in person on to the second step.
    assert client.get(reverse("admin:login"))["Location"].startswith(reverse("admin:second_factor"))


def test_a_session_signed_in_without_the_second_factor_is_refused(client, coordinator):
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_code_from_the_app_completes_the_sign_in(client, coordinator):
    device = authenticator_for(coordinator)
    step = sign_in_with_password(client, "ines")["Location"]
    assert "Second sign-in step" in client.get(step).content.decode()

    response = client.post(step, {"code": current_code(device), "next": QUEUE})

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_message(client, coordinator):
    device = authenticator_for(coordinator)
    step = sign_in_with_password(client, "ines")["Location"]
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(step, {"code": wrong, "next": QUEUE})

    assert response.status_code == 400
    assert "That code did not work" in response.content.decode()
    assert client.get(QUEUE).status_code == 302


def test_first_sign_in_enrols_an_app_from_a_qr_code_and_shows_ten_recovery_codes(
    client, coordinator
):
    step = sign_in_with_password(client, "ines")["Location"]
    enrol = client.get(step)
    assert enrol.status_code == 302
    assert enrol["Location"].startswith(reverse("admin:second_factor_enrol"))

    page = client.get(enrol["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "otpauth" not in html  # drawn here; the secret is not a link
    assert page["Cache-Control"].count("no-store") == 1
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    # The same secret until it is confirmed: reloading does not invalidate a scanned code.
    assert client.get(enrol["Location"]).content.decode().count("<svg") >= 1
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1

    done = client.post(enrol["Location"], {"code": current_code(device), "next": QUEUE})

    codes = recovery_codes_in(done)
    assert done.status_code == 200
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(QUEUE).status_code == 200


def test_a_wrong_code_during_enrolment_keeps_the_app_unconfirmed(client, coordinator):
    enrol = reverse("admin:second_factor_enrol")
    sign_in_with_password(client, "ines")
    client.get(enrol)
    response = client.post(enrol, {"code": "000000", "next": QUEUE})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    assert client.get(QUEUE).status_code == 302


def test_recovery_codes_work_once(client, coordinator):
    from screening.core.second_factor import new_recovery_codes

    authenticator_for(coordinator)
    first, second = new_recovery_codes(coordinator)[:2]

    step = sign_in_with_password(client, "ines")["Location"]
    assert client.post(step, {"code": first.upper(), "next": QUEUE}).status_code == 302
    assert client.get(QUEUE).status_code == 200
    assert StaticToken.objects.filter(device__user=coordinator).count() == 9

    client.post(reverse("admin:logout"))
    step = sign_in_with_password(client, "ines")["Location"]
    reused = client.post(step, {"code": first, "next": QUEUE})
    assert reused.status_code == 400
    assert client.get(QUEUE).status_code == 302
    # Another, unused code still works. django-otp makes a device wait 1 s after a failure
    # (doubling with each one); the test skips the wait instead of sleeping.
    StaticDevice.objects.filter(user=coordinator).update(throttling_failure_count=0)
    assert client.post(step, {"code": second, "next": QUEUE}).status_code == 302
    assert client.get(QUEUE).status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client, coordinator):
    from screening.core.second_factor import new_recovery_codes

    old = new_recovery_codes(coordinator)
    staff_login(client, coordinator)
    page = client.get(reverse("admin:second_factor_recovery_codes"))
    assert "10 unused recovery codes" in page.content.decode()

    fresh = recovery_codes_in(client.post(reverse("admin:second_factor_recovery_codes")))

    assert len(fresh) == 10
    tokens = set(
        StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)
    )
    assert tokens == set(fresh) and not tokens & set(old)


def test_a_lead_resets_a_coordinators_second_factor_and_their_session_ends(lead, coordinator):
    from django.test import Client

    profile, _ = CoordinatorProfile.objects.get_or_create(user=coordinator)
    coordinator_client = staff_login(Client(), coordinator)
    assert coordinator_client.get(QUEUE).status_code == 200
    lead_client = staff_login(Client(), lead)
    changelist = reverse("admin:screening_coordinatorprofile_changelist")
    assert "Reset second factor" in lead_client.get(changelist).content.decode()

    response = lead_client.post(
        changelist, {"action": "reset_second_factor", "_selected_action": [profile.pk]}
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert coordinator_client.get(QUEUE).status_code == 302
    # They enrol again at their next sign-in.
    again = Client()
    step = sign_in_with_password(again, "ines")["Location"]
    assert again.get(step)["Location"].startswith(reverse("admin:second_factor_enrol"))


def test_a_coordinator_cannot_reset_anyones_second_factor(client, lead, coordinator):
    profile, _ = CoordinatorProfile.objects.get_or_create(user=lead)
    authenticator_for(lead)
    staff_login(client, coordinator)
    changelist = reverse("admin:screening_coordinatorprofile_changelist")
    assert "Reset second factor" not in client.get(changelist).content.decode()

    client.post(changelist, {"action": "reset_second_factor", "_selected_action": [profile.pk]})

    assert TOTPDevice.objects.filter(user=lead, confirmed=True).exists()


def test_the_second_step_is_only_for_someone_past_the_password(client):
    response = client.get(reverse("admin:second_factor"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get(reverse("admin:second_factor_enrol")).status_code == 302


def test_the_second_step_never_redirects_to_another_site(client, coordinator):
    device = authenticator_for(coordinator)
    step = sign_in_with_password(client, "ines")["Location"]
    response = client.post(step, {"code": current_code(device), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_someone_half_way_through_can_sign_out(client, coordinator):
    authenticator_for(coordinator)
    sign_in_with_password(client, "ines")
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
