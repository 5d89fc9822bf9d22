"""Shared test setup. Generic and session-wide on purpose: tests that don't touch Django (the
rules tests) pay nothing per test; fixtures for one layer live beside that layer's tests."""

import time
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


@pytest.fixture(autouse=True)
def _quiet_database_before_flush(request):
    """After a transactional test on PostgreSQL, wait (up to 10 s) until no other session of
    this database is mid-query or mid-transaction before pytest-django empties the tables: a
    late request to the live server or a worker's last query holding a read lock while the
    flush's TRUNCATE takes its locks one table at a time was a deadlock in teardown."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if not marker or not marker.kwargs.get("transaction"):
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
