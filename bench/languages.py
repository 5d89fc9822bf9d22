"""Benchmark: the patient side in each language against English.

    python -m navigator.embedded_redis -- python bench/languages.py [--walks 30] [--views 20]
    (make bench-languages)

Uses its own SQLite database (var/bench/languages.sqlite3, rebuilt each run; or DATABASE_URL).
Through Django's test client with DEBUG off, a browser choosing its language with the switcher
(`?lang=`, then the cookie) walks the whole intake in English, Spanish and Simplified Chinese,
taking turns walk by walk so the machine's load falls on every language alike. Prints p50/p95
wall time and CPU time of each step's POST and of the final submit, then of the status page's
GET (a screened case with its results and timeline, in the case's language), per language, with
each p50 against English's. Goal: within 10 %. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/queue.py would shadow the standard library's queue module: import from the root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
BENCH_DB = ROOT / "var" / "bench" / "languages.sqlite3"
LANGUAGES = ("en", "es", "zh-hans")


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


# CPU time of this process per request as well as wall time: the test client runs the view in
# this process, and on a shared machine the wall time mostly measures the neighbours.
CPU: dict[tuple[str, str], list[float]] = {}


def timed(action, *args) -> tuple[float, object]:
    started, cpu = time.perf_counter(), time.process_time()
    result = action(*args)
    timed.cpu = (time.process_time() - cpu) * 1000
    return (time.perf_counter() - started) * 1000, result


def record(timings: dict, key: tuple[str, str], ms: float) -> None:
    timings.setdefault(key, []).append(ms)
    CPU.setdefault(key, []).append(timed.cpu)


def walk(client, language: str, timings: dict) -> str:
    """One whole intake in `language`; returns the status page's path."""
    from tests.intake.helpers import STEPS, payload, step_url, submission_key
    from tests.intake.helpers import VALID as ANSWERS

    client.get(f"{step_url('about')}?lang={language}")
    for step in STEPS[:-1]:
        ms, response = timed(client.post, step_url(step), payload(step, ANSWERS[step]))
        assert response.status_code == 302, (language, step, response.status_code)
        record(timings, (f"step: {step}", language), ms)
    review = client.get(step_url("review"))
    assert review.context["LANGUAGE_CODE"] == language
    body = payload("review", {"submission_key": submission_key(review), "leave_blank": ""})
    ms, response = timed(client.post, step_url("review"), body)
    assert response.status_code == 302, response.status_code
    record(timings, ("step: review (submit)", language), ms)
    return client.session["intake_submitted"]["status_path"]


def bench(walks: int, views: int) -> dict[tuple[str, str], list[float]]:
    from django.test import Client

    from screening.core.tokens import find_case_by_status_token
    from screening.pipeline.screen import screen_case

    timings: dict[tuple[str, str], list[float]] = {}
    status_pages: dict[str, list[str]] = {language: [] for language in LANGUAGES}
    for index, language in enumerate(LANGUAGES):  # warm-up: catalogues, templates, caches
        walk(Client(REMOTE_ADDR=f"10.3.0.{index}"), language, {})
    CPU.clear()
    for number in range(walks):
        for index, language in enumerate(LANGUAGES):
            address = number * len(LANGUAGES) + index
            client = Client(REMOTE_ADDR=f"10.1.{address // 250}.{address % 250}")
            status_pages[language].append(walk(client, language, timings))
    for paths in status_pages.values():
        for path in paths:
            screen_case(find_case_by_status_token(path.strip("/").split("/")[-1]).pk)
    reader = Client(REMOTE_ADDR="10.2.0.1")
    for _ in range(views):
        for language in LANGUAGES:
            for path in status_pages[language][:5]:
                ms, response = timed(reader.get, path)
                assert response.status_code == 200, response.status_code
                assert f'<html lang="{language}"' in response.content.decode()
                record(timings, ("status page (GET)", language), ms)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--walks", type=int, default=30, help="complete intakes per language")
    parser.add_argument("--views", type=int, default=20, help="status page rounds (5 cases each)")
    args = parser.parse_args()
    setup_django()
    logging.disable(logging.WARNING)  # "no coordinator accepts new cases", once per case
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # locmem email, and the test client's host
    override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        INTAKE_SUBMIT_RATE="100000/h",
        INTAKE_SAVE_RATE="100000/h",
        INTAKE_START_RATE="100000/h",
        TOKEN_GUESS_RATE="100000/h",
    ).enable()
    from django.conf import settings

    mode = "publish only (Redis)" if settings.REDIS_URL else "tasks inline (no REDIS_URL)"
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"language bench: {args.walks} intakes per language, {args.views}x5 status pages each, "
        f"{engine}, screening {mode}"
    )
    timings = bench(args.walks, args.views)
    print_table("wall time", timings)
    print_table("CPU time of the request", CPU)


def print_table(title: str, timings: dict[tuple[str, str], list[float]]) -> None:
    names = list(dict.fromkeys(name for name, _language in timings))
    header = f"{title:<26}" + "".join(f"{language + ' p50/p95 ms':>22}" for language in LANGUAGES)
    print(f"\n{header}{'es vs en':>10}{'zh vs en':>10}")
    for name in names:
        cells, medians = "", {}
        for language in LANGUAGES:
            p50, p95 = percentiles(timings[(name, language)])
            medians[language] = p50
            cells += f"{p50:>14.1f} / {p95:>5.1f}"
        ratios = "".join(
            f"{(medians[language] / medians['en'] - 1) * 100:>+9.1f}%" for language in LANGUAGES[1:]
        )
        print(f"{name:<26}{cells}{ratios}")


if __name__ == "__main__":
    main()
