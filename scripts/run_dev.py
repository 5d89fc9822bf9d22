#!/usr/bin/env python
"""`make run`: migrate, seed demo data, then run web server, Celery worker and Celery beat.

All children run under this one foreground process; Ctrl-C (or SIGTERM) stops every one of
them, including their own children, before this script exits. Without REDIS_URL an embedded
redis-server is started; if none can start, the app runs with eager tasks and says so.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from navigator.embedded_redis import EmbeddedRedis, EmbeddedRedisError  # noqa: E402

PY = sys.executable
HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = os.environ.get("RUN_PORT", "8000")
STOP_TIMEOUT = 10


def banner(*lines: str) -> None:
    width = max(len(line) for line in lines) + 4
    print("\n" + "=" * width, *(f"  {line}" for line in lines), "=" * width + "\n", sep="\n")


def manage(*args: str, env: dict) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=REPO_ROOT, env=env, check=True)


def start(name: str, args: list[str], env: dict) -> tuple[str, subprocess.Popen]:
    # Each child leads its own process group, so stopping it also stops whatever it spawned
    # (runserver's autoreloader child, celery's pool processes).
    return name, subprocess.Popen(args, cwd=REPO_ROOT, env=env, process_group=0)


def stop_all(children: list[tuple[str, subprocess.Popen]]) -> None:
    for _, proc in children:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for name, proc in children:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"[run] {name} did not stop in {STOP_TIMEOUT}s; killing it", flush=True)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        # Reap anything left in the group (e.g. pool processes that outlived their parent).
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def main() -> int:
    env = dict(os.environ)
    redis = None
    if not env.get("REDIS_URL"):
        try:
            redis = EmbeddedRedis().start()
            env["REDIS_URL"] = redis.url
            print(f"[run] embedded Redis ({redis.binary}) at {redis.url}", flush=True)
        except EmbeddedRedisError as exc:
            banner(
                "WARNING: no Redis could be started, and REDIS_URL is not set.",
                "Tasks will run EAGERLY inside the web process: no worker, no beat.",
                str(exc).splitlines()[0],
            )

    children: list[tuple[str, subprocess.Popen]] = []
    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    exit_code = 0
    try:
        manage("migrate", "--noinput", env=env)
        manage("seed_demo", env=env)
        children.append(start("web", [PY, "manage.py", "runserver", f"{HOST}:{PORT}"], env))
        if env.get("REDIS_URL"):
            celery = [PY, "-m", "celery", "-A", "navigator"]
            children.append(
                start("worker", [*celery, "worker", "--loglevel=INFO", "--concurrency=2"], env)
            )
            # The schedule lives in the database (django-celery-beat); no pidfile to go stale.
            children.append(start("beat", [*celery, "beat", "--loglevel=INFO", "--pidfile="], env))
        banner(
            f"Navigator is running at http://{HOST}:{PORT}/",
            f"Health: http://{HOST}:{PORT}/healthz   Admin: http://{HOST}:{PORT}/admin/",
            "Demo logins: 'coordinator', and 'lead' for the dashboard and access log (passwords",
            "  printed above when first created; reset with: .venv/bin/python manage.py",
            "  changepassword coordinator). The first sign-in sets up an authenticator app",
            "  (scan the QR code; any TOTP app works) and shows ten recovery codes.",
            "Press Ctrl-C to stop everything.",
        )
        while not stopping:
            for name, proc in children:
                if proc.poll() is not None:
                    print(f"[run] {name} exited with {proc.returncode}; stopping", flush=True)
                    exit_code = proc.returncode or 1
                    stopping = True
            time.sleep(0.2)
    except subprocess.CalledProcessError as exc:
        print(f"[run] setup failed: {exc}", file=sys.stderr, flush=True)
        exit_code = exc.returncode
    finally:
        print("[run] stopping...", flush=True)
        stop_all(children)
        if redis:
            redis.stop()
        print("[run] stopped.", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
