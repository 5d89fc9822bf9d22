"""Reachability of the parts Navigator needs: database, Redis broker, Celery workers.

Two questions, two answers:
- liveness (`/healthz`, for load balancers): does this process answer, and its database? A
  web node that passes serves the intake and the staff pages; it needs no worker (jobs wait in
  the database and the broker, and the sweeper re-enqueues what a broker lost), so a worker or
  broker outage must not take web nodes out of rotation;
- readiness (`/readyz`, for monitoring and alerts): is the whole pipeline up, database, broker
  and at least one worker? It fails while screening or email would wait.

Each probe has a short timeout so either answers within about a second even when everything
is down.
"""

from dataclasses import asdict, dataclass

import redis
from django.conf import settings
from django.db import connection

from navigator.celery import app as celery_app

UP, DOWN, EAGER = "up", "down", "eager"


@dataclass(frozen=True)
class ComponentStatus:
    status: str
    detail: str = ""


EAGER_WARNING = "REDIS_URL is not set: tasks run eagerly in the web process; no broker, no worker."


@dataclass(frozen=True)
class LivenessReport:
    database: ComponentStatus
    eager: bool

    @property
    def healthy(self) -> bool:
        return self.database.status == UP

    def as_dict(self) -> dict:
        body = {
            "status": "ok" if self.healthy else "unavailable",
            "database": asdict(self.database),
            "eager": self.eager,
        }
        if self.eager:
            body["warning"] = EAGER_WARNING
        return body


@dataclass(frozen=True)
class HealthReport:
    database: ComponentStatus
    broker: ComponentStatus
    worker: ComponentStatus
    eager: bool

    @property
    def healthy(self) -> bool:
        return all(c.status == UP for c in (self.database, self.broker, self.worker))

    def as_dict(self) -> dict:
        body = {
            "status": "ok" if self.healthy else "unavailable",
            "database": asdict(self.database),
            "broker": asdict(self.broker),
            "worker": asdict(self.worker),
            "eager": self.eager,
        }
        if self.eager:
            body["warning"] = EAGER_WARNING
        return body


def check_database() -> ComponentStatus:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the detail says which
        return ComponentStatus(DOWN, f"{type(exc).__name__}: {exc}")
    return ComponentStatus(UP, connection.vendor)


def check_broker(broker_url: str, timeout: float) -> ComponentStatus:
    client = redis.Redis.from_url(
        broker_url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=None
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return ComponentStatus(DOWN, f"{type(exc).__name__}: {exc}")
    finally:
        client.close()
    return ComponentStatus(UP, "PING answered")


def check_workers(broker_url: str, timeout: float) -> ComponentStatus:
    # An explicit connection: the app's own pool may hold a URL from before a settings change,
    # and a fresh connection fails fast instead of retrying forever.
    try:
        with celery_app.connection_for_write(broker_url) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            replies = celery_app.control.ping(timeout=timeout, connection=conn)
    except Exception as exc:  # kombu raises several families here; all mean "unreachable"
        return ComponentStatus(DOWN, f"{type(exc).__name__}: {exc}")
    if not replies:
        return ComponentStatus(DOWN, "no worker answered ping")
    names = sorted(name for reply in replies for name in reply)
    return ComponentStatus(UP, f"{len(names)} worker(s): {', '.join(names)}")


def collect_liveness() -> LivenessReport:
    """Probe the database only (see the module docstring)."""
    return LivenessReport(check_database(), eager=settings.CELERY_TASK_ALWAYS_EAGER)


def collect_readiness() -> HealthReport:
    """Probe the database, the broker and the workers and return what answered."""
    timeout = settings.HEALTHZ_TIMEOUT
    database = check_database()
    if settings.CELERY_TASK_ALWAYS_EAGER:
        note = "no broker configured (REDIS_URL unset); tasks run eagerly"
        return HealthReport(
            database, ComponentStatus(EAGER, note), ComponentStatus(EAGER, note), eager=True
        )
    broker_url = settings.CELERY_BROKER_URL
    broker = check_broker(broker_url, timeout)
    if broker.status == UP:
        worker = check_workers(broker_url, timeout)
    else:
        worker = ComponentStatus(DOWN, "broker unreachable")
    return HealthReport(database, broker, worker, eager=False)
