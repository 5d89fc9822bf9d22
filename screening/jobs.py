"""The one way into Celery: `enqueue(task_name, *ids)`.

Stages never import `screening.tasks` (that module imports the stages); they name the task
instead:

    from screening.jobs import enqueue

    with transaction.atomic():
        ...change the case...
        enqueue("screening.screen_case_task", case.pk)

The message is published when the current transaction commits (at once outside one), so a
rolled-back change publishes nothing and a worker never reads a row before it exists. It
carries primary keys only. The send is a Celery signature of the registered task, so it
honours eager mode (`REDIS_URL` unset: the task runs inline, after the commit) like `.delay()`
would; `app.send_task` would not. An unknown task name raises `UnknownJob` at once, inside the
caller's transaction, rather than losing the job after the commit.

A broker that cannot be reached after the commit is logged, not raised: the change is already
saved, and the database says what still needs doing (the sweeper re-enqueues cases waiting for
screening, emails never picked up and documents never processed). So a Redis outage does not
turn a saved intake into an error page.
"""

from __future__ import annotations

import logging
from functools import partial

import kombu.exceptions
from django.db import transaction

from navigator.celery import app

logger = logging.getLogger(__name__)

# What publishing raises when the broker is down or unreachable.
BROKER_ERRORS = (kombu.exceptions.OperationalError, ConnectionError, TimeoutError)


class UnknownJob(LookupError):
    """No Celery task is registered under that name."""


def _registered(task_name: str):
    try:
        return app.tasks[task_name]
    except KeyError:
        # Web processes import the task modules only when first asked (workers import them
        # at start-up); discovery goes by module name, so no stage imports screening.tasks.
        app.autodiscover_tasks(force=True)
    try:
        return app.tasks[task_name]
    except KeyError:
        raise UnknownJob(f"No task named {task_name!r}") from None


def enqueue(task_name: str, *ids: int, countdown: float | None = None) -> None:
    """Publish `task_name(*ids)` once the current transaction commits.

    `ids` are primary keys (never data about a person). `countdown` delays the run by that
    many seconds after the commit.
    """
    task = _registered(task_name)
    job = task.signature(args=ids, countdown=countdown, immutable=True)
    transaction.on_commit(partial(_publish, job))


def _publish(job) -> None:
    try:
        job.apply_async()
    except BROKER_ERRORS as exc:
        logger.error(
            "Could not publish %s%r after the commit (%s); the sweeper will enqueue it again",
            job.task,
            tuple(job.args),
            exc,
        )
