"""Benchmark: messages between a person and their coordinator.

    python -m navigator.embedded_redis -- python bench/messages.py [--messages 50] [--views 30]
    (make bench-messages)

Uses its own SQLite database (var/bench/messages.sqlite3, rebuilt each run; or DATABASE_URL).
Through Django's test client with DEBUG off: a screened case of a signed-in coordinator (second
factor verified), then p50/p95 wall and CPU time and the query count of the status page's GET
and the case file's GET with no messages; of the person's message POST (with and without a
one-page PDF) and the coordinator's answer POST; and of both pages again with the conversation
`--messages` long each way. Figures, not assertions (the tests assert the query counts).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/queue.py would shadow the standard library's queue module: import from the root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
BENCH_DB = ROOT / "var" / "bench" / "messages.sqlite3"


def setup_django() -> None:
    os.environ["ENV_FILE"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")
    if "DATABASE_URL" not in os.environ:
        BENCH_DB.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{BENCH_DB}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DB}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


TIMINGS: dict[str, dict[str, list[float]]] = {}


def timed(name: str, action, *args, **kwargs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        result = action(*args, **kwargs)
        cpu_ms = (time.process_time() - cpu) * 1000
        wall_ms = (time.perf_counter() - started) * 1000
    row = TIMINGS.setdefault(name, {"wall": [], "cpu": [], "queries": []})
    row["wall"].append(wall_ms)
    row["cpu"].append(cpu_ms)
    row["queries"].append(len(queries))
    return result


def bench(count: int, views: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from screening.core.roles import sync_roles
    from screening.core.tokens import issue_status_token
    from tests.admin.conftest import screened_case
    from tests.auth import staff_login
    from tests.factories import CoordinatorFactory
    from tests.uploads.samples import make_pdf

    sync_roles()
    coordinator = CoordinatorFactory(first_name="Maren")
    case = screened_case(assigned_to=coordinator, status="in_review")
    status = f"/status/{issue_status_token(case)}/"
    person = Client(REMOTE_ADDR="10.4.0.1")
    staff = staff_login(Client(REMOTE_ADDR="10.4.0.2"), coordinator)
    case_file = reverse("admin:screening_case_change", args=[case.pk])
    answer = reverse("admin:screening_case_answer", args=[case.pk])
    pdf = make_pdf(text="Flow cytometry report")

    def view(label: str) -> None:
        person.get(status), staff.get(case_file)  # warm
        for _ in range(views):
            assert timed(f"status page GET, {label}", person.get, status).status_code == 200
            assert timed(f"case file GET, {label}", staff.get, case_file).status_code == 200

    view("no messages")
    for number in range(count):
        body = {"body": f"Question {number}: is the report from March enough?"}
        if number % 5 == 0:
            name = "message POST with a PDF"
            body["attachment"] = SimpleUploadedFile("report.pdf", pdf, "application/pdf")
        else:
            name = "message POST"
        response = timed(name, person.post, f"{status}messages/", {**body, "key": uuid.uuid4().hex})
        assert response.status_code == 302, response.status_code
        staff.get(case_file)  # the coordinator reads it, so each message emails again
        reply = {"body": f"Answer {number}: yes.", "key": uuid.uuid4().hex}
        assert timed("answer POST", staff.post, answer, reply).status_code == 302
    view(f"{2 * count} messages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=50, help="messages each way")
    parser.add_argument("--views", type=int, default=30, help="GETs of each page per round")
    args = parser.parse_args()
    setup_django()
    logging.disable(logging.WARNING)
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # locmem email, and the test client's host
    override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        PATIENT_MESSAGE_RATE="100000/h",
        UPLOADS_PER_HOUR=100000,
        TOKEN_GUESS_RATE="100000/h",
    ).enable()
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    mode = "publish only (Redis)" if settings.REDIS_URL else "tasks inline (no REDIS_URL)"
    print(f"messages bench: {args.messages} each way, {args.views} views, {engine}, {mode}")
    bench(args.messages, args.views)
    print(f"\n{'':<36}{'wall p50 / p95 ms':>20}{'CPU p50 ms':>12}{'queries':>9}")
    for name, row in TIMINGS.items():
        wall = row["wall"]
        p95 = statistics.quantiles(wall, n=20)[18] if len(wall) >= 2 else wall[0]
        queries = sorted(set(row["queries"]))
        shown = str(queries[0]) if len(queries) == 1 else f"{queries[0]}-{queries[-1]}"
        print(
            f"{name:<36}{statistics.median(wall):>11.1f} / {p95:>6.1f}"
            f"{statistics.median(row['cpu']):>12.1f}{shown:>9}"
        )


if __name__ == "__main__":
    main()
