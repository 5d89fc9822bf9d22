"""Shared test setup. Generic and session-wide on purpose: tests that don't touch Django (the
rules tests) pay nothing per test; fixtures for one layer live beside that layer's tests."""

import uuid

import pytest
from django.conf import settings
from django.test import override_settings

# Browser fixtures (chromium, new_page, browser_page) and the real SMTP server (mail_server,
# smtp_settings) for every layer's tests.
pytest_plugins = ["tests.browser", "tests.mailserver"]


@pytest.fixture(scope="session", autouse=True)
def _fast_test_settings(django_test_environment, tmp_path_factory):
    # Real password hashers are slow by design; tests only need passwords to round-trip.
    # Uploads go to a throwaway folder, never to var/.
    private_media = tmp_path_factory.mktemp("private-media")
    storages = {**settings.STORAGES}
    storages["default"] = {**storages["default"], "OPTIONS": {"location": str(private_media)}}
    override = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        PRIVATE_MEDIA_ROOT=private_media,
        STORAGES=storages,
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    """Each test counts rate limits (sign-ins, intake sessions, uploads, token guesses) in its
    own cache, so earlier tests, or an earlier run on the same Redis, never throttle it.

    Clearing the shared cache instead would flush the Redis database the Celery broker uses.
    """
    settings.CACHES = {
        **settings.CACHES,
        "rate-limits": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        },
    }
    settings.RATELIMIT_USE_CACHE = "rate-limits"
