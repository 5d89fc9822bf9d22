import uuid

import pytest
from celery.result import EagerResult

from screening.tasks import ping_task

pytestmark = pytest.mark.queue


def test_it_runs_a_task_through_a_real_worker_on_a_real_redis(navigator_worker):
    nonce = uuid.uuid4().hex

    result = ping_task.delay(nonce)

    assert not isinstance(result, EagerResult), "the task ran eagerly instead of via Redis"
    reply = result.get(timeout=10)
    assert reply["nonce"] == nonce
    # request.hostname is the host part of the worker's node name.
    assert reply["worker"] and reply["worker"] in navigator_worker.hostname


def test_it_serialises_task_messages_as_json_only(navigator_worker):
    from navigator.celery import app

    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_always_eager is False
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit
