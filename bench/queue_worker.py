"""The Celery app as bench/queue.py's worker runs it: navigator's app, its tasks, plus two
bench-only tasks. `celery -A bench.queue_worker worker ...`; never used by the real app.

- bench.noop_task(key): does nothing but note when it ran (the no-op baseline);
- bench.stamp_task(key, sent_at): notes how long after it was sent it started running.
Both append to a Redis list, so the bench reads the times after the fact.
"""

import os
import time

import redis
from celery import signals

from navigator.celery import app

__all__ = ["app"]

if os.environ.get("BENCH_QUEUE"):
    app.conf.task_default_queue = os.environ["BENCH_QUEUE"]

_client = None


def _redis():
    global _client
    if _client is None:
        _client = redis.Redis.from_url(os.environ["REDIS_URL"])
    return _client


@signals.worker_process_init.connect
def _fresh_client(**kwargs):
    global _client
    _client = None  # a forked pool process opens its own connection


@app.task(name="bench.noop_task", ignore_result=True, acks_late=True)
def noop_task(key: str) -> None:
    _redis().rpush(key, time.time())


@app.task(name="bench.stamp_task", ignore_result=True, acks_late=True)
def stamp_task(key: str, sent_at: float) -> None:
    _redis().rpush(key, time.time() - sent_at)
