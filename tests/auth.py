"""Signing staff in, in tests, the way the admin requires: password and second factor.

The admin refuses any session that has not passed the second factor (screening/admin_site.py).
`staff_login(client, user)` gives `user` a confirmed authenticator (TOTP) device and a session
that is signed in and verified with it, exactly what the real two-step sign-in leaves behind.
Use it wherever a test needs a signed-in coordinator or lead; never `client.force_login`
alone (that session is refused by every admin page, as it would be in production).

    from tests.auth import staff_login

    def test_it_lists_the_queue(client, coordinator):
        staff_login(client, coordinator)
        assert client.get("/admin/screening/case/").status_code == 200

Tests of the sign-in itself (tests/security/) go through the real pages instead, and use
`current_code(device)` to compute the code an authenticator app would show.
"""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# AUTHENTICATION_BACKENDS starts with django-axes' backend, which cannot load a user.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def authenticator_for(user) -> TOTPDevice:
    """The user's confirmed authenticator device, created if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    return device


def staff_login(client, user):
    """Sign `user` in on `client` with a verified second factor; returns the client."""
    device = authenticator_for(user)
    client.force_login(user, backend=MODEL_BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The six digits the device's authenticator app shows now (or `steps_ahead` periods on:
    django-otp refuses a code at or before the last one used)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
