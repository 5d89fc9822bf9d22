"""The Celery app as the pipeline tests' subprocess workers run it:

    celery -A tests.pipeline.worker_app worker -P prefork ...

It is navigator's app unchanged, plus test-only knobs read from the environment of
the test worker only (never by the real app):

- PIPELINE_TEST_QUEUE: the queue this test publishes to and the worker consumes, so a test
  never shares messages with another test or another session on the same Redis;
- PIPELINE_TEST_MAIL_DIR: emails go to files there (Django's file-based backend), so the test
  can count what the worker sent;
- PIPELINE_TEST_DELAY + PIPELINE_TEST_MARKERS: each screening task, once started in a pool
  process (the message delivered and not acknowledged), writes a marker file
  `<case id>-<pid>.running`, sleeps that many seconds, then renames it `.done` and goes on.
  That makes "mid-task" a real, observable state for the kill tests: a test kills a process
  only while its marker says it is in that pause, so the kill never lands inside a commit or
  an email send by chance, and the test is deterministic;
- PIPELINE_TEST_MAIL_PAUSE (with a real SMTP server in EMAIL_URL): every email send pauses
  that many seconds twice, with a marker file each time: `mail-<pid>-<n>.sending` once the
  delivery has claimed the email and connected, before the message is handed over, and
  `mail-<pid>-<n>.sent` after the server accepted it and the outbox row was marked sent,
  before the timeline is written (the connection's close, which the delivery calls between
  the two). A kill test kills the worker in either pause;
- PIPELINE_TEST_RESCREEN_PAUSE (+ PIPELINE_TEST_MARKERS): each batch of a bulk re-screen,
  once screened and written but before its transaction commits, writes a marker file
  `batch-<first case id>-<pid>.running`, sleeps that many seconds, then renames it `.done` and
  commits. A kill test kills the worker while batches are in that pause: what they wrote must
  vanish with them.
"""

import itertools
import os
import time
from pathlib import Path

from celery import signals
from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend

from navigator.celery import app

__all__ = ["app"]

if os.environ.get("PIPELINE_TEST_QUEUE"):
    app.conf.task_default_queue = os.environ["PIPELINE_TEST_QUEUE"]

if os.environ.get("PIPELINE_TEST_MAIL_DIR"):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = os.environ["PIPELINE_TEST_MAIL_DIR"]

DELAY = float(os.environ.get("PIPELINE_TEST_DELAY") or 0)


def _pause_at_start(sender=None, args=None, **kwargs):
    if sender is None or sender.name != "screening.screen_case_task":
        return
    marker = Path(os.environ["PIPELINE_TEST_MARKERS"], f"{args[0]}-{os.getpid()}.running")
    marker.touch()
    time.sleep(DELAY)
    marker.rename(marker.with_suffix(".done"))


if DELAY:
    signals.task_prerun.connect(_pause_at_start, weak=False)


MAIL_PAUSE = float(os.environ.get("PIPELINE_TEST_MAIL_PAUSE") or 0)
_sends = itertools.count()


class PausingSMTPBackend(EmailBackend):
    """Django's SMTP backend with the two observable pauses described above."""

    def _pause(self, state: str) -> None:
        marker = Path(os.environ["PIPELINE_TEST_MARKERS"], f"mail-{os.getpid()}-{self.n}.{state}")
        marker.touch()
        time.sleep(MAIL_PAUSE)

    def send_messages(self, email_messages):
        self.n, self.sent = next(_sends), False
        self._pause("sending")
        sent = super().send_messages(email_messages)
        self.sent = True
        return sent

    def close(self):
        super().close()
        if getattr(self, "sent", False):
            self._pause("sent")


if MAIL_PAUSE:
    settings.EMAIL_BACKEND = "tests.pipeline.worker_app.PausingSMTPBackend"


RESCREEN_PAUSE = float(os.environ.get("PIPELINE_TEST_RESCREEN_PAUSE") or 0)


def _pause_each_batch_before_commit(sender=None, **kwargs):
    if sender is None or sender.name != "screening.rescreen_job_task":
        return
    from screening.pipeline import bulk_rescreen

    store = bulk_rescreen._screen_and_store
    if getattr(store, "pauses", False):
        return

    def paused(cases, *args, **kwargs):
        report = store(cases, *args, **kwargs)
        first = cases[0].pk if cases else 0
        marker = Path(os.environ["PIPELINE_TEST_MARKERS"], f"batch-{first}-{os.getpid()}.running")
        marker.touch()
        time.sleep(RESCREEN_PAUSE)
        marker.rename(marker.with_suffix(".done"))
        return report

    paused.pauses = True
    bulk_rescreen._screen_and_store = paused


if RESCREEN_PAUSE:
    signals.task_prerun.connect(_pause_each_batch_before_commit, weak=False)
