"""Fixtures for the pipeline tests: coordinators, real subprocess workers, mail they send.

Subprocess workers share the test database, so on SQLite this directory switches the test
database from memory to a file (a memory database is private to one process); PostgreSQL's
test database is shared as it is. Tests that involve a worker use `transaction=True`, so
what they create is committed and visible to it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from navigator.celery import app as celery_app
from navigator.embedded_redis import find_redis_server
from tests.factories import CoordinatorFactory

REPO_ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config):
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tempfile.mkdtemp(prefix="navigator-pipeline-db-")
        database.setdefault("TEST", {})["NAME"] = os.path.join(folder, "test.sqlite3")
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory(email="coordinator.one@example.org", languages=["en"])


def wait_for(condition, timeout: float, interval: float = 0.05, message: str = ""):
    """Poll until condition() is truthy; return its value or fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(message or f"gave up after {timeout}s", pytrace=False)
        time.sleep(interval)


def database_url() -> str:
    """A DATABASE_URL for the test database this process is using."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Mailbox:
    """The emails a subprocess worker wrote with Django's file-based backend."""

    def __init__(self, folder: Path):
        self.folder = folder

    def messages(self) -> list[str]:
        texts = []
        for path in sorted(self.folder.glob("*.log")):
            # The backend separates messages in one file with a line of 79 dashes.
            texts += [m for m in path.read_text().split("-" * 79) if m.strip()]
        return texts

    def subjects(self) -> list[str]:
        return [m for text in self.messages() for m in re.findall(r"^Subject: (.*)$", text, re.M)]

    def count_for(self, reference: str) -> int:
        return sum(reference in subject for subject in self.subjects())


class Worker:
    """`celery -A tests.pipeline.worker_app worker` with a prefork pool, as a subprocess."""

    def __init__(self, env: dict, log: Path, concurrency: int):
        self.log = log
        self.name = f"pipeline-{uuid.uuid4().hex[:8]}@%h"
        args = [
            sys.executable, "-m", "celery", "-A", "tests.pipeline.worker_app", "worker",
            "-P", "prefork", "-c", str(concurrency), "-Q", env["PIPELINE_TEST_QUEUE"],
            "-n", self.name, "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-l", "INFO",
        ]  # fmt: skip
        # Django's LOGGING sends the worker's log lines to stderr; keep them in a file.
        self._output = open(log, "wb")  # noqa: SIM115 - closed in stop()
        # Its own process group, so a test can kill the whole worker (main and pool) at once.
        self.process = subprocess.Popen(
            args,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            process_group=0,
        )

    def wait_ready(self, timeout: float = 30) -> Worker:
        def ready():
            if self.process.poll() is not None:
                pytest.fail(f"worker exited: {self.read_log()[-3000:]}", pytrace=False)
            return " ready." in self.read_log()

        try:
            wait_for(ready, timeout, 0.1)
        except pytest.fail.Exception:
            pytest.fail(f"worker not ready: {self.read_log()[-3000:]}", pytrace=False)
        return self

    def read_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    @property
    def pid(self) -> int:
        return self.process.pid

    def children(self) -> set[int]:
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return set()
        return {int(pid) for pid in text.split()}

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill_all(self) -> None:
        """SIGKILL the main process and every pool process: a machine losing power."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        # Reap anything left in the group (pool processes that outlived their parent).
        self.kill_all()
        self._output.close()


@pytest.fixture
def pipeline_queue():
    """A queue of this test's own: the test publishes to it and its workers consume it."""
    name = f"pipeline-tests-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    yield name
    celery_app.conf.task_default_queue = previous


@pytest.fixture
def queued(redis_broker_url):
    """queued(queue) -> [(task name, args)] of the messages waiting in a queue, oldest first."""
    import base64
    import json

    import redis

    client = redis.Redis.from_url(redis_broker_url)

    def read(queue: str) -> list[tuple[str, list]]:
        # kombu's Redis transport LPUSHes JSON envelopes; consumers pop from the right.
        messages = []
        for raw in reversed(client.lrange(queue, 0, -1)):
            envelope = json.loads(raw)
            args, _kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
            messages.append((envelope["headers"]["task"], args))
        return messages

    yield read
    client.close()


@pytest.fixture
def mailbox(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return Mailbox(folder)


@pytest.fixture
def start_worker(redis_broker_url, pipeline_queue, mailbox, tmp_path):
    """start_worker(concurrency=2, **env) -> a ready Worker; all are stopped after the test."""
    workers: list[Worker] = []
    markers = tmp_path / "markers"
    markers.mkdir()

    def start(concurrency: int = 2, wait: bool = True, **extra_env) -> Worker:
        env = {
            **os.environ,
            "ENV_FILE": "",
            "DJANGO_SETTINGS_MODULE": "navigator.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_broker_url,
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "SITE_URL": settings.SITE_URL,
            "PIPELINE_TEST_QUEUE": pipeline_queue,
            "PIPELINE_TEST_MAIL_DIR": str(mailbox.folder),
            "PIPELINE_TEST_MARKERS": str(markers),
            "LOG_LEVEL": "INFO",
        }
        env.update({key: str(value) for key, value in extra_env.items()})
        worker = Worker(env, tmp_path / f"worker-{len(workers)}.log", concurrency)
        workers.append(worker)
        return worker.wait_ready() if wait else worker

    start.markers = markers
    yield start
    for worker in workers:
        worker.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FixedPortRedis:
    """A throwaway redis-server (the embedded binary) on one port, restartable, no persistence:
    stopping it loses every queued message, as a crashed Redis without persistence would."""

    def __init__(self, port: int, folder: Path):
        binaries = find_redis_server()
        if not binaries:
            pytest.fail("No redis-server binary (install the dev requirements).", pytrace=False)
        self.binary, self.port, self.folder = binaries[0], port, folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [
            self.binary, "--bind", "127.0.0.1", "--port", str(self.port),
            "--dir", str(self.folder), "--save", "", "--appendonly", "no",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0
        )

        def answers():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(answers, 10, 0.05, "the throwaway redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # no shutdown save: everything queued is gone
            self.process.wait(timeout=10)


@pytest.fixture
def restartable_redis(tmp_path):
    server = FixedPortRedis(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def publish_to():
    """publish_to(url): make this process's Celery app publish to another broker for the test."""
    previous = celery_app.conf.broker_url

    def redirect(url: str) -> None:
        celery_app.conf.broker_url = url
        # The app caches its connection and producer pools (Celery resets them the same way
        # after a fork).
        celery_app._after_fork()

    yield redirect
    if celery_app.conf.broker_url != previous:
        redirect(previous)


@pytest.fixture(scope="session")
def redis_broker_url():
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        pytest.fail(
            "The queue tests need a real Redis, but REDIS_URL is not set. Run `make test` "
            "(it starts an embedded Redis) or set REDIS_URL=redis://127.0.0.1:6379/3.",
            pytrace=False,
        )
    return settings.REDIS_URL
