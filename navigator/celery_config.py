"""The site's local time (TIME_ZONE, DIGEST_HOUR: beat's clock), Redis and Celery's broker
settings, kept out of navigator/settings.py (which star-imports them) so that module stays one
readable page. Read from the same environment: settings.py has already loaded any .env file
into it."""

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

# --- Local time -------------------------------------------------------------------------------
# The site's time zone (an IANA name such as Europe/Madrid): dates shown to staff, business days
# for due times (screening/pipeline/priority.py), the day a digest is for, and beat's clock.
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
# The local hour (0-23, in TIME_ZONE) at which beat sends coordinators their daily digest.
DIGEST_HOUR = env.int("DIGEST_HOUR", default=7)
if not 0 <= DIGEST_HOUR <= 23:
    raise ImproperlyConfigured(f"DIGEST_HOUR must be an hour from 0 to 23, not {DIGEST_HOUR}.")

REDIS_URL = env.str("REDIS_URL", default="")
# Without Redis there is no broker: tasks run inline in the calling process. The
# screening.W001 system check and /healthz say so loudly.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
# The queue web processes publish to and workers consume. Give each deployment (or test run)
# sharing one Redis its own, so they never take each other's messages.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# Results are kept in Redis briefly (never in the database: they could hold task output).
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Beat's clock (the daily digest's hour) is the site's local time.
CELERY_TIMEZONE = TIME_ZONE
# A task that runs longer than this is a bug; the soft limit lets it clean up first.
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
# Acknowledge after the task finishes, and requeue if the worker process dies mid-task:
# tasks are idempotent, so running twice is safe, losing one is not.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per process: long tasks don't hold others hostage in a prefetch buffer.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With acks_late, Redis redelivers an unacknowledged message after the visibility timeout.
# It must exceed the longest task (hard limit 300 s) plus any countdown/ETA we use, or a task
# still running would be started a second time. One hour leaves a wide margin.
# Restoring is done by every worker: each scans Redis for messages unacknowledged for longer than
# the visibility timeout every BROKER_RESTORE_INTERVAL seconds. The tests shorten both.
BROKER_VISIBILITY_TIMEOUT = env.int("BROKER_VISIBILITY_TIMEOUT", default=3600)
BROKER_RESTORE_INTERVAL = env.int("BROKER_RESTORE_INTERVAL", default=10)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": BROKER_RESTORE_INTERVAL,
    # Scan on every interval (kombu's default scans on every 10th).
    "unacked_restore_throttle": 1,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# If the broker connection drops, running acks_late tasks cannot be acknowledged and will be
# redelivered anyway: cancel them rather than finish work that another worker repeats.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery's Django fixup closes every database connection before and after each task unless
# this is set: a new PostgreSQL connection per task cost a third of the screening throughput.
# Connections are instead closed after a task when Django would close them after a request
# (broken, or older than CONN_MAX_AGE; screening/tasks.py), so this is only a backstop.
CELERY_DB_REUSE_MAX = 1000
