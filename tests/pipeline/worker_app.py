"""The Celery app as the pipeline tests' subprocess workers run it:

    celery -A tests.pipeline.worker_app worker -P prefork ...

It is navigator's app unchanged, plus three test-only knobs read from the environment of
the test worker only (never by the real app):

- PIPELINE_TEST_QUEUE: the queue this test publishes to and the worker consumes, so a test
  never shares messages with another test or another session on the same Redis;
- PIPELINE_TEST_MAIL_DIR: emails go to files there (Django's file-based backend), so the test
  can count what the worker sent;
- PIPELINE_TEST_DELAY + PIPELINE_TEST_MARKERS: right after a worker claims a case for screening
  (the "Screening started" event), it writes a marker file `<case id>-<pid>` and sleeps that
  many seconds. That makes "mid-task" a real, observable state for the kill tests: the claim is
  committed and the rest of the task has not run.
"""

import os
import time
from pathlib import Path

from django.conf import settings
from django.db.models.signals import post_save

from navigator.celery import app

__all__ = ["app"]

if os.environ.get("PIPELINE_TEST_QUEUE"):
    app.conf.task_default_queue = os.environ["PIPELINE_TEST_QUEUE"]

if os.environ.get("PIPELINE_TEST_MAIL_DIR"):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = os.environ["PIPELINE_TEST_MAIL_DIR"]

DELAY = float(os.environ.get("PIPELINE_TEST_DELAY") or 0)


def _pause_after_claim(sender, instance, created, **kwargs):
    if created and instance.kind == "screening_started":
        markers = os.environ.get("PIPELINE_TEST_MARKERS")
        if markers:
            Path(markers, f"{instance.case_id}-{os.getpid()}").touch()
        time.sleep(DELAY)


if DELAY:
    post_save.connect(_pause_after_claim, sender="screening.CaseEvent", weak=False)
