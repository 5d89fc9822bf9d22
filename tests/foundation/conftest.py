"""Fixtures for the real queue layer: a real Redis and a real Celery worker.

`make test` provides the Redis (embedded, or REDIS_URL). Without one these fixtures FAIL the
queue tests with instructions; they never fall back to eager mode or skip.
"""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings

from navigator.celery import app as celery_app
from navigator.embedded_redis import EmbeddedRedis, EmbeddedRedisError


@pytest.fixture(scope="session")
def redis_broker_url():
    if django_settings.CELERY_TASK_ALWAYS_EAGER or not django_settings.REDIS_URL:
        pytest.fail(
            "The queue tests need a real Redis, but REDIS_URL is not set. Run `make test` "
            "(it starts an embedded Redis) or set REDIS_URL=redis://127.0.0.1:6379/15.",
            pytrace=False,
        )
    return django_settings.REDIS_URL


@pytest.fixture(scope="session")
def navigator_worker(redis_broker_url):
    """A real Celery worker (solo pool, in a thread) consuming from the real Redis."""
    # Registers celery.ping, which start_worker uses to prove the worker consumes messages.
    import celery.contrib.testing.tasks  # noqa: F401

    # Another test session on the same external Redis must not steal our messages.
    celery_app.conf.task_default_queue = "navigator-tests"
    with start_worker(
        celery_app,
        # Named explicitly: if an earlier test already published, the app's queue table was
        # built with the old default queue, and the worker would consume that one instead.
        queues=["navigator-tests"],
        pool="solo",
        concurrency=1,
        perform_ping_check=True,
        shutdown_timeout=10,
        loglevel="WARNING",
    ) as worker:
        yield worker


@pytest.fixture
def throwaway_redis():
    """A separate redis-server process the test may stop, to see what 'down' looks like."""
    server = EmbeddedRedis()
    try:
        server.start()
    except EmbeddedRedisError as exc:
        pytest.fail(f"Could not start a redis-server for this test: {exc}", pytrace=False)
    yield server
    server.stop()
