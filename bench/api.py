"""Benchmark: the API's case submission and stateless screening against the form's submit.

    python -m navigator.embedded_redis -- python bench/api.py [--calls 50] [--profiles 100]
    (make bench-api; BENCH_ARGS="--calls 100")

Uses its own SQLite database (var/bench/api.sqlite3, rebuilt each run) or DATABASE_URL (a
PostgreSQL database is created if missing; use your own name). Through Django's test client
with DEBUG off, one call after another, it prints p50/p95 wall time, calls per second and the
p50 CPU time of this process (the figure least disturbed by other work on the machine) of:
- the intake form's final submit (the wizard's last POST: case, token, enqueue, email);
- POST /api/v1/cases with the same content as JSON (structure check, the step forms,
  submit_case, the owner, the idempotent response);
- POST /api/v1/cases/fhir with a DLBCL bundle (FHIR validation, mapping, then the same);
- POST /api/v1/screen with N profiles per call (validation and the rules, nothing stored).
With REDIS_URL set (make bench-api starts an embedded Redis) submitting only publishes the
screening task, as in production. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
BENCH_DB = ROOT / "var" / "bench" / "api.sqlite3"


def create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django() -> None:
    os.environ["ENV_FILE"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        BENCH_DB.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{BENCH_DB}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DB}"
    elif url.startswith(("postgres://", "postgresql://")):
        create_postgres_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def summary(samples: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """p50 and p95 wall ms, calls per second (one after another), p50 CPU ms."""
    wall = [w for w, _cpu in samples]
    p95 = statistics.quantiles(wall, n=20)[18] if len(wall) >= 2 else wall[0]
    cpu = statistics.median(c for _wall, c in samples)
    return statistics.median(wall), p95, 1000 * len(wall) / sum(wall), cpu


def timed(action, *args, **kwargs):
    """(wall ms, CPU ms, result) of one call. CPU time is this process's: the client, the
    view and, with SQLite, the queries; the machine's other work does not inflate it."""
    started, cpu = time.perf_counter(), time.process_time()
    result = action(*args, **kwargs)
    wall = (time.perf_counter() - started) * 1000
    return wall, (time.process_time() - cpu) * 1000, result


def bench_form(calls: int) -> list[tuple[float, float]]:
    from django.test import Client

    from tests.intake.helpers import STEPS, payload, step_url, submission_key
    from tests.intake.helpers import VALID as ANSWERS

    timings = []
    for walk in range(calls):
        client = Client(REMOTE_ADDR=f"10.1.{walk // 250}.{walk % 250}")
        client.get(step_url("about"))
        for step in STEPS[:-1]:
            response = client.post(step_url(step), payload(step, ANSWERS[step]))
            assert response.status_code == 302, (step, response.status_code)
        review = client.get(step_url("review"))
        body = payload("review", {"submission_key": submission_key(review), "leave_blank": ""})
        wall, cpu, response = timed(client.post, step_url("review"), body)
        assert response.status_code == 302, response.status_code
        timings.append((wall, cpu))
    return timings


def bench_post(client, path: str, documents, expect: int) -> list[tuple[float, float]]:
    import json

    timings = []
    for document in documents:
        wall, cpu, response = timed(
            client.post,
            path,
            json.dumps(document),
            content_type="application/json",
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert response.status_code == expect, response.content[:300]
        timings.append((wall, cpu))
    return timings


def profiles(count: int, seed: int) -> list[dict]:
    from bench.rules import random_patient  # the rules bench's seeded valid profiles

    rng = random.Random(seed)
    return [random_patient(rng) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=50, help="timed calls per scenario")
    parser.add_argument("--profiles", type=int, default=100, help="profiles per screen call")
    args = parser.parse_args()
    setup_django()
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        INTAKE_SUBMIT_RATE="1000000/h",
        INTAKE_SAVE_RATE="1000000/h",
        API_RATE_LIMIT="1000000/m",
        API_SCREEN_MAX_PROFILES=max(500, args.profiles),
    ).enable()
    from django.conf import settings

    from screening.core.api_keys import create_organisation_key
    from tests.api.documents import CONSENT, CONTACT, VALID_CASE
    from tests.api.fhir_bundles import BUNDLES

    organisation_name = f"Bench Hospital {uuid.uuid4().hex[:6]}"
    _org, new, _ = create_organisation_key(organisation_name, "screen,cases:submit,cases:read")
    client = Client(headers={"Authorization": f"Bearer {new.secret}"})
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    mode = "publish only (Redis)" if settings.REDIS_URL else "tasks inline (no REDIS_URL)"
    print(f"api bench: {args.calls} calls each, {engine}, screening {mode}")

    fhir = {"bundle": BUNDLES["dlbcl_after_r_chop"], "contact": CONTACT, "consent": CONSENT}
    batches = [profiles(args.profiles, seed) for seed in range(args.calls)]
    rows = {
        "form: final submit": bench_form(args.calls),
        "POST /api/v1/cases (JSON)": bench_post(
            client, "/api/v1/cases", [VALID_CASE] * args.calls, 201
        ),
        "POST /api/v1/cases/fhir": bench_post(
            client, "/api/v1/cases/fhir", [fhir] * args.calls, 201
        ),
        f"POST /api/v1/screen ({args.profiles} profiles)": bench_post(
            client, "/api/v1/screen", batches, 200
        ),
    }
    print(f"\n{'what':<40} {'p50 ms':>8} {'p95 ms':>8} {'calls/s':>8} {'CPU p50':>8}")
    for name, samples in rows.items():
        p50, p95, rate, cpu = summary(samples)
        print(f"{name:<40} {p50:>8.1f} {p95:>8.1f} {rate:>8.1f} {cpu:>8.1f}")
    screen = rows[f"POST /api/v1/screen ({args.profiles} profiles)"]
    per_profile = statistics.median(cpu for _wall, cpu in screen) / args.profiles
    print(
        f"\nscreening: {per_profile * 1000:.0f} µs per profile at p50 "
        f"({1000 / per_profile:.0f} profiles/s)"
    )


if __name__ == "__main__":
    main()
