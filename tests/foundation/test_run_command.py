"""`make run`'s launcher, end to end: it starts everything, serves, and Ctrl-C stops it all."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from navigator.embedded_redis import _free_port

pytestmark = pytest.mark.queue

REPO_ROOT = Path(__file__).resolve().parents[2]


def processes_with_marker(marker: str) -> list[int]:
    """PIDs whose environment carries the marker: the launcher and everything it started."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def get_healthz(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_it_serves_the_app_with_a_worker_and_stops_everything_on_ctrl_c(tmp_path):
    marker = f"NAVIGATOR_LAUNCHER_TEST={uuid.uuid4().hex}"
    port = _free_port()
    env = {
        **os.environ,
        marker.split("=")[0]: marker.split("=")[1],
        # Its own database: the launcher migrates and seeds it.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "RUN_PORT": str(port),
        "ENV_FILE": "",
    }
    # Without REDIS_URL the launcher starts its own embedded Redis, as on a fresh laptop.
    env.pop("REDIS_URL", None)
    log_path = tmp_path / "run.log"
    # A file, not a pipe: nobody reads a pipe while the app runs, and a full one would block it.
    log = log_path.open("w")
    launcher = subprocess.Popen(
        [sys.executable, "scripts/run_dev.py"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        status, body = 0, {}
        while time.monotonic() < deadline and launcher.poll() is None:
            try:
                # Readiness: the database, the broker and the worker all answer.
                status, body = get_healthz(f"http://127.0.0.1:{port}/readyz")
            except (OSError, ValueError):
                status = 0
            if status == 200:
                break
            time.sleep(0.3)
        assert status == 200, f"/readyz never ready: {status} {body}\n{log_path.read_text()}"
        assert body["worker"]["status"] == "up"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert b"Not medical advice" in response.read()
        # The launcher, Redis, runserver (+ reloader child), worker (+ pool) and beat.
        assert len(processes_with_marker(marker)) >= 6

        launcher.send_signal(signal.SIGINT)
        launcher.wait(timeout=30)
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
        log.close()

    output = log_path.read_text()
    assert launcher.returncode == 0, output
    assert "[run] embedded Redis" in output
    assert "Navigator is running at" in output
    assert "username=coordinator" in output
    assert "[run] stopped." in output
    deadline = time.monotonic() + 5
    while processes_with_marker(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_with_marker(marker) == [], "processes outlived the launcher"
