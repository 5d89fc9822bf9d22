"""The Celery app.

Configuration lives in settings.py under the CELERY_ prefix, next to the REDIS_URL it depends on:
JSON serialisation only, soft/hard time limits, acks_late with task_reject_on_worker_lost,
prefetch 1, and a Redis visibility timeout longer than any task. test_celery_roundtrip checks
them on this app.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")

app = Celery("navigator")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
