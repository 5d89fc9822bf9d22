import time

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.queue, pytest.mark.django_db]


def test_it_reports_every_component_up_with_a_real_worker(client, navigator_worker):
    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["database"]["status"] == "up"
    assert body["broker"]["status"] == "up"
    assert body["worker"]["status"] == "up"
    assert navigator_worker.hostname in body["worker"]["detail"]
    assert body["eager"] is False


def test_it_reports_a_stopped_broker_as_down(client, settings, throwaway_redis):
    settings.CELERY_BROKER_URL = throwaway_redis.url

    before = client.get(reverse("healthz")).json()
    assert before["broker"]["status"] == "up"
    # Nobody consumes from this Redis, so the worker check fails truthfully.
    assert before["worker"]["status"] == "down"

    throwaway_redis.stop()
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    elapsed = time.monotonic() - started

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["broker"]["status"] == "down"
    assert body["worker"]["status"] == "down"
    assert body["database"]["status"] == "up"
    assert elapsed < 3, f"/healthz took {elapsed:.1f}s with the broker down"


def test_it_says_loudly_when_tasks_run_eagerly(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 503
    assert body["eager"] is True
    assert body["broker"]["status"] == "eager"
    assert "eagerly" in body["warning"]


def test_it_only_answers_get(client):
    assert client.post(reverse("healthz")).status_code == 405
