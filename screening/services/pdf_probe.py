"""Does a PDF open? Asked of pypdf in a child process with a time and memory cap.

An upload's PDF check only opens the file and counts its pages (the text is extracted later,
in a task). Even that is parsing untrusted input with a library whose release notes are a
stream of denial-of-service fixes, so it runs in a small pool of worker processes (started once
per web process through a fork server, so each check costs an IPC round trip, not a Python
start-up): each worker has an address-space limit, each check a wall-clock limit, and a check
that overruns terminates the pool (the next check starts a fresh one).

This module imports nothing from Django: the workers import it on their own.
"""

from __future__ import annotations

import atexit
import io
import multiprocessing
import os
import threading

# Outcomes of probe_pdf.
OK = "ok"
DAMAGED = "damaged"
ENCRYPTED = "encrypted"

# A real report opens in milliseconds; seconds mean a crafted or badly broken file.
DEFAULT_TIMEOUT_SECONDS = 10.0
# Per worker process. pypdf needs a few times the file size; 20 MB files stay far below this.
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024
POOL_PROCESSES = 2
# Recycle workers now and then so a leak or a fragmented heap cannot build up.
TASKS_PER_CHILD = 200
# The end-of-file marker must be within this many bytes of the end (as readers require).
EOF_WINDOW = 1024


class ProbeTimeout(Exception):
    """The check did not finish in time (the worker pool was terminated)."""


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


def _limit_worker() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platforms without rlimits
        pass


_lock = threading.Lock()
_pool = None
_pool_pid = None


def _get_pool():
    global _pool, _pool_pid
    with _lock:
        # A pool belongs to the process that made it: a forked web worker makes its own.
        if _pool is None or _pool_pid != os.getpid():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            _pool = context.Pool(
                POOL_PROCESSES, initializer=_limit_worker, maxtasksperchild=TASKS_PER_CHILD
            )
            _pool_pid = os.getpid()
        return _pool


def _discard_pool(pool) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.terminate()


@atexit.register
def _shutdown() -> None:
    if _pool is not None and _pool_pid == os.getpid():
        _pool.terminate()


def run_in_pool(func, *args, timeout: float = DEFAULT_TIMEOUT_SECONDS):
    """Run func(*args) in a capped worker and return its result, or raise ProbeTimeout.

    func must be importable by the workers (a module-level function).
    """
    pool = _get_pool()
    pending = pool.apply_async(func, args)
    try:
        return pending.get(timeout)
    except multiprocessing.TimeoutError:
        # The worker may be stuck in a loop: the only safe stop is to end the processes.
        _discard_pool(pool)
        raise ProbeTimeout from None


def check_pdf(data: bytes, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> tuple[str, int | None]:
    """probe_pdf in a capped worker; a timeout, a crash or a broken pool count as DAMAGED."""
    try:
        return run_in_pool(probe_pdf, data, timeout=timeout)
    except ProbeTimeout:
        return DAMAGED, None
    except Exception:  # noqa: BLE001 - a dead worker or a broken pipe: the file did not open
        return DAMAGED, None
