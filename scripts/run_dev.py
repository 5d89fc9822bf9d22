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

import environ  # noqa: E402

from navigator.embedded_redis import EmbeddedRedis, EmbeddedRedisError  # noqa: E402

PY = sys.executable
STOP_TIMEOUT = 10
# Listening on every interface: links in emails still need an address this machine answers on.
_ANY_ADDRESS = {"", "0.0.0.0", "::", "[::]"}


def load_env_file() -> None:
    """Read the .env file (or ENV_FILE) as the settings do, so RUN_HOST, RUN_PORT and SITE_URL
    set there count here too; variables already in the environment win."""
    path = os.environ.get("ENV_FILE", str(REPO_ROOT / ".env"))
    if path and Path(path).is_file():
        environ.Env.read_env(path)


def site_url(host: str, port: str) -> str:
    """The address `make run` serves, for the absolute links in emails."""
    if host in _ANY_ADDRESS:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


def child_environment(base: dict) -> dict:
    """The environment of every child: SITE_URL follows RUN_HOST and RUN_PORT unless it is set,
    so resume, status and case links in emails point at this server."""
    env = dict(base)
    host = env.get("RUN_HOST", "127.0.0.1")
    port = env.get("RUN_PORT", "8000")
    env.setdefault("SITE_URL", site_url(host, port))
    return env


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
    load_env_file()
    env = child_environment(os.environ)
    host, port = env.get("RUN_HOST", "127.0.0.1"), env.get("RUN_PORT", "8000")
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
        children.append(start("web", [PY, "manage.py", "runserver", f"{host}:{port}"], env))
        if env.get("REDIS_URL"):
            celery = [PY, "-m", "celery", "-A", "navigator"]
            children.append(
                start("worker", [*celery, "worker", "--loglevel=INFO", "--concurrency=2"], env)
            )
            # The schedule lives in the database (django-celery-beat); no pidfile to go stale.
            children.append(start("beat", [*celery, "beat", "--loglevel=INFO", "--pidfile="], env))
        banner(
            f"Navigator is running at http://{host}:{port}/",
            f"Ready: http://{host}:{port}/readyz   Admin: http://{host}:{port}/admin/",
            f"Links in emails start with {env['SITE_URL']} (SITE_URL).",
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
