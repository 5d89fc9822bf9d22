"""Intake test fixtures: a fresh rate-limit counter per test, and real upload bytes."""

import uuid

import pytest
from django.conf import settings as django_settings


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    """Each test counts submissions in its own cache, so earlier tests never throttle it.

    Clearing the shared cache instead would flush the Redis database the Celery broker uses.
    """
    settings.CACHES = {
        **django_settings.CACHES,
        "intake-tests": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        },
    }
    settings.RATELIMIT_USE_CACHE = "intake-tests"
