"""Benchmark: the intake as a person meets it, and the upload checks behind it.

    python -m navigator.embedded_redis -- python bench/intake.py [--walks 30]   (make bench-intake)

Uses its own SQLite database (var/bench/intake.sqlite3, rebuilt each run; or DATABASE_URL).
Prints, through Django's test client with DEBUG off:
- p50/p95 wall time of each wizard step's POST, of a documents-step POST carrying a one-page
  PDF and a PNG, and of the final submit (case, documents, token, enqueue, email);
- `check_upload` p50/p95 for a one-page PDF, a 200-page PDF and a 20 MB PNG, with the peak
  Python heap (tracemalloc) of one 20 MB check and the process's max RSS.
With REDIS_URL set (make bench-intake starts an embedded Redis) the submit only publishes the
screening task, as in production; without it the task runs inline and the figure includes it.
Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/queue.py would shadow the standard library's queue module: import from the root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
BENCH_DB = ROOT / "var" / "bench" / "intake.sqlite3"


def setup_django() -> None:
    os.environ["ENV_FILE"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")
    if "DATABASE_URL" not in os.environ:
        BENCH_DB.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{BENCH_DB}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DB}"
    os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:1")  # replaced by locmem below
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def percentiles(samples: list[float]) -> tuple[float, float]:
    p95 = statistics.quantiles(samples, n=20)[18] if len(samples) >= 2 else samples[0]
    return statistics.median(samples), p95


def timed(action, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = action(*args)
    return (time.perf_counter() - started) * 1000, result


def bench_wizard(walks: int) -> dict[str, list[float]]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests.intake.helpers import STEPS, payload, step_url, submission_key
    from tests.intake.helpers import VALID as ANSWERS
    from tests.uploads.samples import make_pdf, make_png

    pdf_bytes, png_bytes = make_pdf(), make_png(64, 64)
    timings: dict[str, list[float]] = {}
    for walk in range(walks):
        client = Client(REMOTE_ADDR=f"10.0.{walk // 250}.{walk % 250}")  # rate limits per address
        client.get(step_url("about"))
        for step in STEPS[:-1]:
            ms, response = timed(client.post, step_url(step), payload(step, ANSWERS[step]))
            assert response.status_code == 302, (step, response.status_code)
            timings.setdefault(f"step: {step}", []).append(ms)
        files = [
            SimpleUploadedFile("report.pdf", pdf_bytes, content_type="application/pdf"),
            SimpleUploadedFile("scan.png", png_bytes, content_type="image/png"),
        ]
        body = {
            "intake-current_step": "documents",
            "documents-category": "pathology",
            "documents-files": files,
            "upload": "1",
        }
        ms, response = timed(client.post, step_url("documents"), body)
        assert response.status_code in (200, 302), response.status_code
        timings.setdefault("documents: upload a PDF and a PNG", []).append(ms)
        review = client.get(step_url("review"))
        body = payload("review", {"submission_key": submission_key(review), "leave_blank": ""})
        ms, response = timed(client.post, step_url("review"), body)
        assert response.status_code == 302, response.status_code
        timings.setdefault("submit (case + 2 documents + enqueue + email)", []).append(ms)
    return timings


def bench_checks(runs: int) -> dict[str, list[float]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from screening.documents.uploads import check_upload
    from tests.uploads.samples import make_pdf, make_png

    png = make_png(8, 8)
    samples = {
        "check: 1-page PDF": ("one.pdf", make_pdf()),
        "check: 200-page PDF": ("many.pdf", make_pdf(pages=200)),
        # A valid PNG header followed by padding: the check reads every byte (sha256).
        "check: 20 MB PNG": ("big.png", png + b"\0" * (20 * 1024 * 1024 - len(png) - 1)),
    }
    timings: dict[str, list[float]] = {}
    for name, (filename, content) in samples.items():
        for _ in range(runs):
            upload = SimpleUploadedFile(filename, content)
            ms, _ = timed(check_upload, upload)
            timings.setdefault(name, []).append(ms)
    tracemalloc.start()
    check_upload(SimpleUploadedFile("big.png", samples["check: 20 MB PNG"][1]))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    timings["_peak_heap_kib"] = [peak / 1024]
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--walks", type=int, default=30, help="complete intakes to time")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per upload check")
    args = parser.parse_args()
    setup_django()
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # locmem email, and the test client's host
    override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        INTAKE_SUBMIT_RATE="100000/h",
        INTAKE_SAVE_RATE="100000/h",
        INTAKE_START_RATE="100000/h",
        UPLOADS_PER_HOUR=10**9,
        UPLOAD_BYTES_PER_HOUR=10**15,
        MAX_BYTES_PER_CASE=10**12,
    ).enable()
    from django.conf import settings

    mode = "publish only (Redis)" if settings.REDIS_URL else "tasks inline (no REDIS_URL)"
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"intake bench: {args.walks} walks, {engine}, screening {mode}")
    rows = {**bench_wizard(args.walks), **bench_checks(args.runs)}
    peak_heap = rows.pop("_peak_heap_kib")[0]
    print(f"\n{'what':<48} {'p50 ms':>8} {'p95 ms':>8}")
    for name, samples in rows.items():
        p50, p95 = percentiles(samples)
        print(f"{name:<48} {p50:>8.1f} {p95:>8.1f}")
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak Python heap for one 20 MB check: {peak_heap:.0f} KiB; max RSS {max_rss:.0f} MiB")


if __name__ == "__main__":
    main()
