"""Does a PDF open? Asked of pypdf in a child process with a time and memory cap.

An upload's PDF check only opens the file and counts its pages (the text is extracted later,
in a task). Even that is parsing untrusted input with a library whose release notes are a
stream of denial-of-service fixes, so it runs in a separate interpreter: a few long-lived
worker processes per web process (`python -m screening.documents.pdf_probe`, started on first
use and reused, so a check costs a pipe round trip rather than a Python start-up). Each worker
caps its own address space; each call has a wall-clock limit, and a worker that overruns it
is killed (the next call starts a fresh one).

Plain subprocesses rather than multiprocessing: a Celery prefork process is daemonic and may
not start multiprocessing children, and a spawned multiprocessing child re-imports the
parent's main script.

This module imports nothing from Django: the workers run it on their own.
"""

from __future__ import annotations

import atexit
import io
import os
import pickle
import selectors
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

# Outcomes of probe_pdf.
OK = "ok"
DAMAGED = "damaged"
ENCRYPTED = "encrypted"

# A real report opens in milliseconds; seconds mean a crafted or badly broken file.
DEFAULT_TIMEOUT_SECONDS = 10.0
# Per worker process. pypdf needs a few times the file size; 20 MB files stay far below this.
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024
# Idle workers kept per web process; more are started under load and stopped after use.
IDLE_WORKERS = 2
# Recycle a worker now and then so a leak or a fragmented heap cannot build up.
CALLS_PER_WORKER = 200
# The end-of-file marker must be within this many bytes of the end (as readers require).
EOF_WINDOW = 1024

_HEADER = struct.Struct(">Q")
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ProbeTimeout(Exception):
    """The call did not finish in time (its worker was killed)."""


class WorkerFailed(Exception):
    """The worker died or answered nonsense (e.g. killed by the memory cap)."""


def probe_pdf(data: bytes) -> tuple[str, int | None]:
    """Open the PDF and count its pages: (OK, pages), (ENCRYPTED, None) or (DAMAGED, None).

    Never raises: any failure to parse means the file is damaged. Runs inside a worker.
    """
    try:
        # A truncated download loses its end-of-file marker; pypdf's lenient mode would
        # otherwise reconstruct what it can and call it fine.
        if b"%%EOF" not in data[-EOF_WINDOW:]:
            return DAMAGED, None
        import logging

        import pypdf

        # pypdf logs a warning per oddity it repairs; a worker has no one to tell.
        logging.getLogger("pypdf").setLevel(logging.ERROR)
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many "protected" PDFs only restrict printing and open with an empty password.
            if not reader.decrypt(""):
                return ENCRYPTED, None
        pages = len(reader.pages)
        if pages < 1:
            return DAMAGED, None
        return OK, pages
    except BaseException:  # noqa: BLE001 - MemoryError and RecursionError included, on purpose
        return DAMAGED, None


# --- The parent side ---------------------------------------------------------------------------


class _Worker:
    def __init__(self):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(_PROJECT_ROOT), *sys.path])}
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=_PROJECT_ROOT,
            env=env,
            close_fds=True,
        )
        self.calls = 0

    def call(self, func, args, timeout: float):
        payload = pickle.dumps((func, args), protocol=pickle.HIGHEST_PROTOCOL)
        deadline = time.monotonic() + timeout
        try:
            self.process.stdin.write(_HEADER.pack(len(payload)) + payload)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise WorkerFailed(f"worker gone: {error}") from None
        header = self._read(_HEADER.size, deadline)
        (length,) = _HEADER.unpack(header)
        # Bandit B301: the child is our own interpreter, but it parses hostile PDFs; the
        # issue-10 upload work replaces this pickle with a fixed JSON reply.
        kind, value = pickle.loads(self._read(length, deadline))  # nosec B301
        self.calls += 1
        if kind == "error":
            raise value
        return value

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


def run_in_pool(func, *args, timeout: float = DEFAULT_TIMEOUT_SECONDS):
    """Run func(*args) in a capped worker process and return its result.

    Raises ProbeTimeout when it overruns (the worker is killed), WorkerFailed when the worker
    dies, or the function's own exception. func must be importable by name (a module-level
    function, or a builtin).
    """
    worker = _checkout()
    try:
        result = worker.call(func, args, timeout)
    except (ProbeTimeout, WorkerFailed):
        worker.stop()
        raise
    except BaseException:
        _checkin(worker)  # the function raised; the worker itself is fine
        raise
    _checkin(worker)
    return result


def check_pdf(data: bytes, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> tuple[str, int | None]:
    """probe_pdf in a capped worker; a timeout, a crash or any failure count as DAMAGED."""
    try:
        return run_in_pool(probe_pdf, data, timeout=timeout)
    except Exception:  # noqa: BLE001 - timeout, dead worker, broken pipe: the file did not open
        return DAMAGED, None


# --- The worker side ---------------------------------------------------------------------------


def _limit_worker() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platforms without rlimits
        pass


def _read_exact(stream, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


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
        payload = _read_exact(requests, _HEADER.unpack(header)[0])
        if payload is None:
            return 0
        try:
            # Bandit B301: sent by our parent process, the only one holding this pipe.
            func, args = pickle.loads(payload)  # nosec B301
            answer = ("ok", func(*args))
        except BaseException as error:  # noqa: BLE001 - reported to the parent, MemoryError too
            answer = ("error", error)
        try:
            encoded = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # noqa: BLE001 - an unpicklable result or exception
            # A builtin type: this module is __main__ here, its classes would not unpickle.
            encoded = pickle.dumps(("error", RuntimeError(repr(error))))
        answers.write(_HEADER.pack(len(encoded)) + encoded)
        answers.flush()


if __name__ == "__main__":
    sys.exit(serve())
