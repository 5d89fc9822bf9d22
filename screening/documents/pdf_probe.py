"""Uploaded PDFs and images are opened in child processes with a time and memory cap.

An upload's check opens the PDF and counts its pages, removes active content (sanitise.py), or
decodes an image and encodes it again; the full text is extracted later, in a task. That is
parsing untrusted input with libraries whose release notes are a stream of denial-of-service
fixes, so it runs in a separate interpreter: a few long-lived worker processes per web process
(`python -m screening.documents.pdf_probe`, started on first use and reused, so a check costs
a pipe round trip rather than a Python start-up). Each worker caps its own address space; each
call has a wall-clock limit, and a worker that overruns it is killed (the next call starts a
fresh one).

The protocol is JSON in both directions, never pickle: the worker parses hostile files, so a
worker that has been taken over must not be able to make the parent run anything.

- A frame is `>QQ` (length of the JSON part, length of the binary part), the JSON, the bytes.
- Request: `{"call": <name from CALLS>, "args": {<name>: <int or float>}}`, the file as bytes.
- Reply: exactly the keys of REPLY_SHAPE with those types and values (`outcome` one of
  OUTCOMES, `removed` a list from sanitise.REMOVABLE, `error` one of ERRORS or null), and the
  new file's bytes (only with outcome "ok"). The parent checks every reply against it before
  using anything; one that does not fit, or a frame larger than its limit, is an error: the
  worker is killed and the file counts as damaged.

Plain subprocesses rather than multiprocessing: a Celery prefork process is daemonic and may
not start multiprocessing children, and a spawned multiprocessing child re-imports the
parent's main script. This module imports nothing from Django: the workers run it on their own.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from screening.documents import sanitise

# Outcomes (sanitise.py), and "error" for a call that raised in the worker.
OK = sanitise.OK
DAMAGED = sanitise.DAMAGED
ENCRYPTED = sanitise.ENCRYPTED
TOO_LARGE = sanitise.TOO_LARGE
ACTIVE = sanitise.ACTIVE
ERROR = "error"
OUTCOMES = frozenset({OK, DAMAGED, ENCRYPTED, TOO_LARGE, ACTIVE, ERROR})
# Why a call failed in the worker (never a message: nothing the worker says is shown or run).
ERRORS = frozenset({"memory", "recursion", "failed", "unknown_call", "bad_request"})

# A real report opens in milliseconds; seconds mean a crafted or badly broken file.
DEFAULT_TIMEOUT_SECONDS = 10.0
# Per worker process. pypdf needs a few times the file size; 20 MB files stay far below this.
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024
# Idle workers kept per web process; more are started under load and stopped after use.
IDLE_WORKERS = 2
# Recycle a worker now and then so a leak or a fragmented heap cannot build up.
CALLS_PER_WORKER = 200
# The largest parts of a reply the parent reads: a JSON reply is a few hundred bytes; a cleaned
# PDF or re-encoded image is bounded by the upload limit (a PNG may grow when re-encoded).
MAX_REPLY_JSON = 4096
MAX_REPLY_BYTES = 128 * 1024 * 1024

_HEADER = struct.Struct(">QQ")
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ProbeTimeout(Exception):
    """The call did not finish in time (its worker was killed)."""


class WorkerFailed(Exception):
    """The worker died or answered outside the fixed shape (it was killed)."""


@dataclass(frozen=True)
class Reply:
    """A worker's answer, checked against REPLY_SHAPE."""

    outcome: str
    pages: int | None = None
    width: int | None = None
    height: int | None = None
    removed: tuple[str, ...] = ()
    error: str | None = None
    data: bytes = b""


_INT_OR_NONE = (int, type(None))
REPLY_SHAPE = {
    "outcome": str,
    "pages": _INT_OR_NONE,
    "width": _INT_OR_NONE,
    "height": _INT_OR_NONE,
    "removed": list,
    "error": (str, type(None)),
}
MAX_COUNT = 10_000_000  # pages, pixels a side: anything above is not a real answer


def parse_reply(encoded: bytes, data: bytes) -> Reply:
    """The worker's reply as a Reply; WorkerFailed unless it is exactly the fixed shape."""
    try:
        reply = json.loads(encoded)
    except (ValueError, UnicodeDecodeError):
        raise WorkerFailed("reply is not JSON") from None
    if not isinstance(reply, dict) or set(reply) != set(REPLY_SHAPE):
        raise WorkerFailed("reply does not have the fixed keys")
    for key, types in REPLY_SHAPE.items():
        value = reply[key]
        if isinstance(value, bool) or not isinstance(value, types):
            raise WorkerFailed(f"reply {key} has the wrong type")
        if isinstance(value, int) and not 0 <= value <= MAX_COUNT:
            raise WorkerFailed(f"reply {key} is out of range")
    removed = reply["removed"]
    if (
        len(removed) > len(sanitise.REMOVABLE)
        or not all(isinstance(name, str) and name in sanitise.REMOVABLE for name in removed)
        or len(set(removed)) != len(removed)
    ):
        raise WorkerFailed("reply lists unknown removals")
    outcome, error = reply["outcome"], reply["error"]
    if outcome not in OUTCOMES or (error is not None) != (outcome == ERROR):
        raise WorkerFailed("reply outcome is not one we know")
    if error is not None and error not in ERRORS:
        raise WorkerFailed("reply error is not one we know")
    if data and outcome != OK:
        raise WorkerFailed("reply carries bytes without success")
    return Reply(
        outcome=outcome,
        pages=reply["pages"],
        width=reply["width"],
        height=reply["height"],
        removed=tuple(removed),
        error=error,
        data=data,
    )


# --- The parent side ---------------------------------------------------------------------------


# What a child that parses hostile files may see of our environment: enough to run Python and
# Tesseract, never SECRET_KEY, DATABASE_URL, REDIS_URL or mail credentials.
CHILD_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TESSDATA_PREFIX")


def child_environment(**extra: str) -> dict[str, str]:
    """The environment for a child process that parses uploads (this pool and text reading)."""
    kept = {name: os.environ[name] for name in CHILD_ENVIRONMENT if name in os.environ}
    return {**kept, **extra}


class _Worker:
    def __init__(self, command: list[str] | None = None):
        env = child_environment(PYTHONPATH=os.pathsep.join([str(_PROJECT_ROOT), *sys.path]))
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=_PROJECT_ROOT,
            env=env,
            close_fds=True,
        )
        self.calls = 0

    def call(self, name: str, args: dict, data: bytes, timeout: float) -> Reply:
        request = json.dumps({"call": name, "args": args}).encode()
        deadline = time.monotonic() + timeout
        try:
            self.process.stdin.write(_HEADER.pack(len(request), len(data)) + request)
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise WorkerFailed(f"worker gone: {error}") from None
        json_size, data_size = _HEADER.unpack(self._read(_HEADER.size, deadline))
        if json_size > MAX_REPLY_JSON or data_size > MAX_REPLY_BYTES:
            raise WorkerFailed("reply larger than its limit")
        encoded = self._read(json_size, deadline)
        reply = parse_reply(encoded, self._read(data_size, deadline))
        self.calls += 1
        return reply

    def _read(self, size: int, deadline: float) -> bytes:
        fd = self.process.stdout.fileno()
        chunks, remaining = [], size
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while remaining:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise ProbeTimeout
                chunk = os.read(fd, min(remaining, 1 << 20))
                if not chunk:
                    raise WorkerFailed("worker closed its output (killed by its limits?)")
                chunks.append(chunk)
                remaining -= len(chunk)
        return b"".join(chunks)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


_lock = threading.Lock()
_idle: list[_Worker] = []
_owner_pid = os.getpid()


def _checkout() -> _Worker:
    global _owner_pid
    with _lock:
        if _owner_pid != os.getpid():
            # Forked (e.g. a gunicorn worker): the pipes belong to the parent; leave them.
            _idle.clear()
            _owner_pid = os.getpid()
        while _idle:
            worker = _idle.pop()
            if worker.alive():
                return worker
            worker.stop()
    return _Worker()


def _checkin(worker: _Worker) -> None:
    with _lock:
        if worker.calls < CALLS_PER_WORKER and len(_idle) < IDLE_WORKERS and worker.alive():
            _idle.append(worker)
            return
    worker.stop()


@atexit.register
def _shutdown() -> None:
    with _lock:
        workers = list(_idle) if _owner_pid == os.getpid() else []
        _idle.clear()
    for worker in workers:
        worker.stop()


def run_in_pool(
    name: str, data: bytes = b"", *, timeout: float = DEFAULT_TIMEOUT_SECONDS, **args
) -> Reply:
    """Run the allow-listed call `name` on `data` in a capped worker and return its Reply.

    Raises ProbeTimeout when it overruns, WorkerFailed when the worker dies or answers outside
    the fixed shape (the worker is killed either way). A call that raised inside the worker is
    a Reply with outcome ERROR and the kind of error.
    """
    if name not in CALLS:
        raise ValueError(f"{name!r} is not a probe call")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in args.values()):
        raise ValueError("probe call arguments are numbers")
    worker = _checkout()
    try:
        reply = worker.call(name, args, data, timeout)
    except BaseException:
        worker.stop()
        raise
    _checkin(worker)
    return reply


def check_pdf(data: bytes, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Reply:
    """probe_pdf in a capped worker; a timeout, a crash or any failure count as DAMAGED."""
    try:
        reply = run_in_pool("probe_pdf", data, timeout=timeout)
    except Exception:  # noqa: BLE001 - timeout, dead worker, broken pipe: the file did not open
        return Reply(DAMAGED)
    return Reply(DAMAGED) if reply.outcome == ERROR else reply


def check_image(data: bytes, max_pixels: int, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Reply:
    """clean_image in a capped worker: the image decoded and encoded again (Reply.data), or
    TOO_LARGE or DAMAGED (any failure, the worker's memory cap included)."""
    try:
        reply = run_in_pool("clean_image", data, timeout=timeout, max_pixels=max_pixels)
    except Exception:  # noqa: BLE001 - as for check_pdf
        return Reply(DAMAGED)
    if reply.outcome == ERROR:
        return Reply(TOO_LARGE if reply.error == "memory" else DAMAGED)
    if reply.outcome == OK and not reply.data:
        return Reply(DAMAGED)
    return reply


# --- The worker side ---------------------------------------------------------------------------


def _sleep(data: bytes, seconds: float) -> dict:
    """Self-test: holds the worker (the pool's tests show that a timeout kills it)."""
    time.sleep(seconds)
    return {"outcome": OK}


def _allocate(data: bytes, size: int) -> dict:
    """Self-test: allocates `size` bytes (the pool's tests show the memory cap holds)."""
    bytearray(size)
    return {"outcome": OK}


# The only calls a worker answers, by name.
CALLS = {
    "probe_pdf": lambda data: sanitise.probe_pdf(data),
    "clean_image": lambda data, max_pixels: sanitise.clean_image(data, int(max_pixels)),
    "sleep": _sleep,
    "allocate": _allocate,
}


def _limit_worker() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platforms without rlimits
        pass


def _read_exact(stream, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def _answer(request: bytes, data: bytes) -> tuple[dict, bytes]:
    """The reply to one request: the fixed-shape dict and the new file's bytes."""
    reply = {key: None for key in REPLY_SHAPE} | {"removed": []}
    try:
        message = json.loads(request)
        name, args = message["call"], message["args"]
        if name not in CALLS:
            return reply | {"outcome": ERROR, "error": "unknown_call"}, b""
        if not isinstance(args, dict):
            raise TypeError("args")
    except (ValueError, KeyError, TypeError):
        return reply | {"outcome": ERROR, "error": "bad_request"}, b""
    try:
        result = CALLS[name](data, **args)
    except MemoryError:
        return reply | {"outcome": ERROR, "error": "memory"}, b""
    except RecursionError:
        return reply | {"outcome": ERROR, "error": "recursion"}, b""
    except BaseException:  # noqa: BLE001 - any failure to parse is a damaged file
        return reply | {"outcome": DAMAGED}, b""
    body = result.pop("data", b"")
    reply.update({key: value for key, value in result.items() if key in REPLY_SHAPE})
    return reply, body


def serve() -> int:
    """Answer calls from the parent until it closes the pipe."""
    _limit_worker()
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # Anything a library prints goes to stderr (discarded), never into the answers.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    while True:
        header = _read_exact(requests, _HEADER.size)
        if header is None:
            return 0
        request_size, data_size = _HEADER.unpack(header)
        request = _read_exact(requests, request_size)
        data = _read_exact(requests, data_size)
        if request is None or data is None:
            return 0
        try:
            reply, body = _answer(request, data)
            encoded = json.dumps(reply).encode()
        except Exception:  # noqa: BLE001 - e.g. an answer JSON cannot hold; say "failed"
            reply = {key: None for key in REPLY_SHAPE} | {"removed": []}
            encoded = json.dumps(reply | {"outcome": ERROR, "error": "failed"}).encode()
            body = b""
        answers.write(_HEADER.pack(len(encoded), len(body)) + encoded + body)
        answers.flush()


if __name__ == "__main__":
    sys.exit(serve())
