"""Staff second factor: TOTP (django-otp) with ten single-use recovery codes.

A staff member signs in with a password, then with a six-digit code from an authenticator app
or one recovery code. A member without a confirmed TOTP device enrols on that first sign-in:
they scan a QR code (drawn here as SVG), confirm one code, and are shown ten recovery codes
once. A lead can reset someone's second factor (a lost phone); that person enrols again at
their next sign-in. Recovery codes are django-otp static tokens: each is deleted when used.
"""

from __future__ import annotations

import logging

import segno
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def signed_in_staff(user) -> bool:
    """Past the password, whatever the second factor."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def is_verified(user) -> bool:
    """Whether this request's user passed the second factor in this session.

    OTPMiddleware installs `is_verified` on the user it loads; a user object that did not come
    through it (just logged in, or a test's) counts as not verified."""
    check = getattr(user, "is_verified", None)
    return bool(user is not None and user.is_authenticated and check and check())


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_enrolment(user) -> TOTPDevice:
    """The unconfirmed TOTP device this user is enrolling (created on first call).

    The same secret is shown until it is confirmed, so reloading the page does not invalidate
    a QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def enrolment_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no external service sees the secret)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR code for your authenticator app"
    )


def enrolment_secret(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four, for typing into an app instead of scanning."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with one code from the app; on success the session is verified and
    the ten new recovery codes are returned (shown once). None if the code is wrong."""
    code = normalise_code(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed or not device.verify_token(code):
            return None
        # Any older device (an earlier enrolment) goes: one authenticator per person.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(device.user)
    _verified(request, device)
    logger.info("second factor enrolled for user id %s", device.user_id)
    return codes


def verify_second_factor(request, code: str):
    """Check a code against the user's app, then their recovery codes; verify the session.

    Returns the device that accepted it (a recovery code is used up), or None."""
    user = request.user
    code = normalise_code(code)
    if not code:
        return None
    # Six digits are an app's code, anything else a recovery code: trying one kind only keeps
    # a recovery code from counting as a failed app code in django-otp's throttling.
    if code.isdigit() and len(code) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices, code = StaticDevice.objects.filter(user=user, confirmed=True), code.lower()
    with transaction.atomic():
        accepted = None
        for device in devices.select_for_update():
            if device.verify_token(code):
                accepted = device
                break
    if accepted is not None:
        _verified(request, accepted)
    return accepted


def new_recovery_codes(user) -> list[str]:
    """Replace this user's recovery codes with ten new ones (the old ones stop working)."""
    with transaction.atomic():
        return _replace_recovery_codes(user)


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def reset_second_factor(user) -> int:
    """Remove every device of this user: their sessions stop being verified at once, and they
    enrol again at their next sign-in. Returns how many devices were removed."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
        removed += (
            StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
        )
    logger.info("second factor reset for user id %s (%s devices)", user.pk, removed)
    return removed


def normalise_code(code) -> str:
    """Codes as people type them: spaces and dashes ignored."""
    return "".join(str(code or "").split()).replace("-", "")[:32]


def _replace_recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _verified(request, device) -> None:
    # A new session key once the second factor is passed: a session id seen before it (e.g.
    # fixed by an attacker) is worth nothing afterwards.
    request.session.cycle_key()
    otp_login(request, device)
