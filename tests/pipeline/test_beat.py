"""The periodic jobs: defined in settings, synced into django-celery-beat's rows by beat."""

import pytest
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from navigator.celery import app
from screening import tasks


@pytest.mark.django_db(transaction=True)  # the scheduler closes and reopens connections
def test_beat_writes_the_pipeline_jobs_into_the_database_schedule():
    DatabaseScheduler(app=app)  # what `celery -A navigator beat` does when it starts

    sweeper = PeriodicTask.objects.get(name="sweep-pipeline")
    assert sweeper.task == tasks.sweep_pipeline_task.name
    assert (sweeper.interval.every, sweeper.interval.period) == (60, "seconds")
    assert sweeper.expire_seconds == 55
    rescreen = PeriodicTask.objects.get(name="rescreen-open-cases")
    assert rescreen.task == tasks.start_rescreen_task.name
    assert rescreen.interval.every == 3600
    assert rescreen.expire_seconds == 3000
    labels = PeriodicTask.objects.get(name="check-labels")
    assert labels.task == tasks.check_labels_task.name
    assert (labels.interval.every, labels.expire_seconds) == (7 * 24 * 3600, 24 * 3600)
    purge = PeriodicTask.objects.get(name="purge-expired-drafts")
    assert purge.task == tasks.purge_expired_drafts_task.name
    assert (purge.interval.every, purge.expire_seconds) == (3600, 3000)


def test_pipeline_tasks_store_no_results_and_survive_a_lost_worker():
    for task in (
        tasks.screen_case_task,
        tasks.deliver_email_task,
        tasks.process_document_task,
        tasks.start_rescreen_task,
        tasks.rescreen_job_task,
        tasks.check_labels_task,
        tasks.sweep_pipeline_task,
    ):
        assert task.ignore_result, task.name
        assert task.acks_late, task.name
    assert tasks.screen_case_task.reject_on_worker_lost
    assert tasks.screen_case_task.max_retries == 8
    assert tasks.screen_case_task.retry_backoff_max == 300
    assert RuntimeError not in tasks.TRANSIENT_ERRORS  # only named transient errors retry
