"""The Celery app.

Configuration lives in settings.py under the CELERY_ prefix, next to the REDIS_URL it depends on:
JSON serialisation only, soft/hard time limits, acks_late with task_reject_on_worker_lost,
prefetch 1, and a Redis visibility timeout longer than any task. test_celery_roundtrip checks
them on this app.
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")

app = Celery("navigator")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def log_through_django_settings(**kwargs) -> None:
    """Workers and beat log through settings.LOGGING, every handler behind the redacting filter
    (README "Data minimisation"): with a receiver here Celery adds no handler of its own (it
    would give `celery.task` loggers one without the filter). The level is LOG_LEVEL's. Django
    has usually configured logging already (the worker sets Django up first); then, and in a
    test process, this changes nothing."""
    import logging
    from logging.config import dictConfig

    from django.conf import settings

    from navigator.log_redaction import RedactingFilter

    handlers = logging.getLogger().handlers
    if not any(isinstance(f, RedactingFilter) for h in handlers for f in h.filters):
        dictConfig(settings.LOGGING)
