"""screening.jobs.enqueue: the one way into Celery, by task name, after the commit."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.db import transaction
from django.utils import timezone

from navigator.celery import app as celery_app
from screening.jobs import UnknownJob, enqueue
from screening.models import IntakeDraft
from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.queue]


def test_it_publishes_by_name_only_when_the_transaction_commits(
    pipeline_queue, queued, django_capture_on_commit_callbacks
):
    case = CaseFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            enqueue("screening.screen_case_task", case.pk)
            assert queued(pipeline_queue) == []  # not before the commit

    assert len(callbacks) == 1
    assert queued(pipeline_queue) == [("screening.screen_case_task", [case.pk])]


def test_a_rolled_back_transaction_publishes_nothing(pipeline_queue, queued):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            enqueue("screening.screen_case_task", 1)
            raise RuntimeError("the change failed after enqueueing")

    assert queued(pipeline_queue) == []


def test_it_refuses_an_unknown_task_name_inside_the_callers_transaction():
    with pytest.raises(UnknownJob, match="screening.no_such_task"):
        with transaction.atomic():
            enqueue("screening.no_such_task", 1)


def test_it_honours_eager_mode_and_runs_the_task_after_the_commit(
    django_capture_on_commit_callbacks,
):
    expired = IntakeDraft.objects.create(
        key="x" * 43, data={}, expires_at=timezone.now() - dt.timedelta(days=1)
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                enqueue("screening.purge_expired_drafts_task")
                assert IntakeDraft.objects.filter(pk=expired.pk).exists()
    finally:
        celery_app.conf.task_always_eager = eager

    assert not IntakeDraft.objects.filter(pk=expired.pk).exists()


def test_a_broker_that_cannot_be_reached_after_the_commit_is_logged_not_raised(
    restartable_redis, publish_to, caplog, django_capture_on_commit_callbacks
):
    publish_to(restartable_redis.url)
    restartable_redis.stop()
    case = CaseFactory()

    with caplog.at_level(logging.ERROR, logger="screening.jobs"):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                enqueue("screening.screen_case_task", case.pk)

    assert f"Could not publish screening.screen_case_task({case.pk},)" in caplog.text
    assert "the sweeper will enqueue it again" in caplog.text
