"""/healthz (liveness: the process and its database, for load balancers) and /readyz
(readiness: database, broker and workers, for monitoring)."""

import time

import pytest
from django.urls import reverse

from tests.foundation.test_settings import run_python

pytestmark = [pytest.mark.queue, pytest.mark.django_db]


def test_readyz_reports_every_component_up_with_a_real_worker(client, navigator_worker):
    response = client.get(reverse("readyz"))

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["database"]["status"] == "up"
    assert body["broker"]["status"] == "up"
    assert body["worker"]["status"] == "up"
    assert navigator_worker.hostname in body["worker"]["detail"]
    assert body["eager"] is False


def test_with_the_worker_down_healthz_stays_200_and_readyz_is_503(
    client, settings, throwaway_redis
):
    settings.CELERY_BROKER_URL = throwaway_redis.url  # a broker nobody consumes from

    live = client.get(reverse("healthz"))
    ready = client.get(reverse("readyz"))

    # The web node stays in rotation: the intake works without a worker.
    assert live.status_code == 200, live.json()
    assert live.json() == {
        "status": "ok",
        "database": live.json()["database"],
        "eager": False,
    }
    assert live.json()["database"]["status"] == "up"
    body = ready.json()
    assert ready.status_code == 503
    assert body["status"] == "unavailable"
    assert body["broker"]["status"] == "up"
    assert body["worker"] == {"status": "down", "detail": "no worker answered ping"}


def test_readyz_reports_a_stopped_broker_as_down_and_healthz_does_not_care(
    client, settings, throwaway_redis
):
    settings.CELERY_BROKER_URL = throwaway_redis.url

    before = client.get(reverse("readyz")).json()
    assert before["broker"]["status"] == "up"
    # Nobody consumes from this Redis, so the worker check fails truthfully.
    assert before["worker"]["status"] == "down"

    throwaway_redis.stop()
    started = time.monotonic()
    response = client.get(reverse("readyz"))
    elapsed = time.monotonic() - started

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["broker"]["status"] == "down"
    assert body["worker"]["status"] == "down"
    assert body["database"]["status"] == "up"
    assert elapsed < 3, f"/readyz took {elapsed:.1f}s with the broker down"
    assert client.get(reverse("healthz")).status_code == 200


def test_it_says_loudly_when_tasks_run_eagerly(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get(reverse("readyz"))

    body = response.json()
    assert response.status_code == 503
    assert body["eager"] is True
    assert body["broker"]["status"] == "eager"
    assert "eagerly" in body["warning"]
    assert "eagerly" in client.get(reverse("healthz")).json()["warning"]


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    """A real refused connection: PostgreSQL at a port where nothing listens."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_python(
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code, json.dumps(r.json()))",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/navigator",
        ALLOWED_HOSTS="testserver",
        DEBUG="1",
    )

    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert '"database": {"status": "down"' in body


@pytest.mark.parametrize("name", ["healthz", "readyz"])
def test_they_only_answer_get(client, name):
    assert client.post(reverse(name)).status_code == 405
