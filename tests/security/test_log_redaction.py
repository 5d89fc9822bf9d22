"""No token and no patient field value in any log record (README "Data minimisation").

The filter is the one settings.LOGGING installs on every handler (navigator/log_redaction.py);
these tests log through it as the app does: a rejected upload and a wrong link on the status
page (django.request's 4xx lines), an invalid stored profile (the pipeline's warning), and a
real `manage.py runserver` process whose request log (django.server) is read from its output.
"""

from __future__ import annotations

import http.cookiejar
import logging
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from navigator.embedded_redis import _free_port
from navigator.log_redaction import (
    PATIENT_FIELDS,
    RedactingFilter,
    is_patient_field,
    redact_text,
)
from screening.core.profile_fields import PROFILE_FIELDS
from screening.core.tokens import issue_status_token
from screening.models import Case
from screening.pipeline.screen import screen_case
from tests.factories import CaseFactory
from tests.rules.profiles import relapsed_b_all_adult

REPO_ROOT = Path(__file__).resolve().parents[2]
NOT_A_REPORT = b"<html><script>alert(1)</script></html>"  # refused by its bytes


def everything_logged(caplog) -> str:
    """Every captured record as any handler could see it: message, arguments, traceback."""
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), repr(record.args), record.exc_text or ""]
    return "\n".join(parts)


def test_every_configured_handler_carries_the_redacting_filter():
    assert settings.LOGGING["filters"]["redact"]["()"] == "navigator.log_redaction.RedactingFilter"
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact" in handler.get("filters", []), name
    # And the live handlers, as Django configured them from settings.
    live = [
        *logging.getLogger().handlers,
        *logging.getLogger("django").handlers,
        *logging.getLogger("django.server").handlers,
    ]
    configured = [h for h in live if type(h).__module__.startswith("logging")]
    assert configured
    for handler in configured:
        assert any(isinstance(f, RedactingFilter) for f in handler.filters), handler


@pytest.mark.django_db
def test_a_rejected_upload_and_a_wrong_link_on_the_status_page_log_no_token(client, caplog):
    case = CaseFactory(first_name="Zebulon", last_name="Quagmire")
    token = issue_status_token(case)
    caplog.set_level(logging.DEBUG)

    rejected = client.post(
        f"/status/{token}/",
        {"category": "pathology", "files": [SimpleUploadedFile("report.pdf", NOT_A_REPORT)]},
    )
    wrong = client.get(f"/status/{token[:-4]}abcd/")
    resume = client.get(f"/intake/resume/{token}:1tQx2a:Zm9vYmFyYmF6cXV4/")

    assert (rejected.status_code, wrong.status_code) == (400, 404)
    assert resume.status_code in (200, 404, 410)
    logged = everything_logged(caplog)
    assert "Bad Request: /status/[token]/" in logged  # the request was logged, redacted
    assert "Not Found: /status/[token]/" in logged
    assert token not in logged and token[:-4] not in logged
    assert "Zebulon" not in logged and "Quagmire" not in logged


@pytest.mark.django_db
def test_an_invalid_stored_profile_is_logged_by_its_fields_without_their_values(caplog):
    profile = relapsed_b_all_adult(
        age_years=987654, diagnosis="zz-secret-diagnosis", mrd_percent="lots-of-blasts"
    )
    profile["biomarkers"]["cd22_positive"] = "weakly-dim"
    case = CaseFactory(profile=profile, intake_profile=profile, disease="b_all")
    caplog.set_level(logging.DEBUG)

    screen_case(case.pk)

    logged = everything_logged(caplog)
    warning = next(r for r in caplog.records if "invalid profile" in r.getMessage())
    message = warning.getMessage()
    for field in ("age_years", "diagnosis", "mrd_percent", "biomarkers.cd22_positive"):
        assert field in message
    for value in ("987654", "zz-secret-diagnosis", "lots-of-blasts", "weakly-dim"):
        assert value not in logged
    # The coordinators still see what was wrong, on the case's timeline behind a sign-in.
    event = Case.objects.get(pk=case.pk).events.filter(kind="screened").get()
    assert "zz-secret-diagnosis" in event.message


def test_a_value_logged_through_any_logger_leaves_redacted(caplog):
    caplog.set_level(logging.INFO)
    log = logging.getLogger("screening.anything")
    log.warning("Profile %s from %s", {"diagnosis": "b_all", "ecog": 3}, "maria@example.org")
    try:
        raise ValueError("ecog: 7 is not allowed; first_name='Ana'")
    except ValueError:
        log.exception("Could not screen /intake/resume/Zm9vYmFy:1tQx2a:abcdEFGH12345678/")
    logged = everything_logged(caplog)
    for secret in ("b_all", "'ecog': 3", "maria@example.org", "ecog: 7", "Ana", "Zm9vYmFy"):
        assert secret not in logged
    assert "'diagnosis': [redacted]" in logged and "ecog: [redacted]" in logged


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"GET /status/AbCd0123456789xyzAbCd0123/ HTTP/1.1" 404',
            '"GET /status/[token]/ HTTP/1.1" 404',
        ),
        ("/intake/resume/Zm9v:1tQx2a:abcd/", "/intake/resume/[token]/"),
        (
            "GET /summary/abc/ and /status/abc/answers.pdf",
            "GET /summary/[token]/ and /status/[token]/answers.pdf",
        ),
        ("/d/a8Fz0kP3qR7sT1uV9wX2yZ4bC6dE8fG/summary.pdf", "/d/[token]/summary.pdf"),
        ("/api/v1/x?api_key=nav_live_123&page=2", "/api/v1/x?api_key=[token]&page=2"),
        (
            "/admin/screening/case/12/change/ NAV-7K3M9P2Q4",
            "/admin/screening/case/12/change/ NAV-7K3M9P2Q4",
        ),
        (
            "Task screening.screen_case_task[1b4e28ba-2fa1] succeeded",
            "Task screening.screen_case_task[1b4e28ba-2fa1] succeeded",
        ),
        (
            "{'mrd_percent': 0.4, 'reference': 'NAV-1'}",
            "{'mrd_percent': [redacted], 'reference': 'NAV-1'}",
        ),
        ('{"date_of_birth": "1970-01-02"}', '{"date_of_birth": [redacted]}'),
        ("diagnosis: is missing", "diagnosis: is missing"),
    ],
)
def test_what_the_filter_keeps_and_what_it_removes(text, expected):
    assert redact_text(text) == expected


def test_the_filters_patient_fields_cover_the_profile_and_the_persons_details():
    keys = {path.rsplit(".", 1)[-1] for path in PROFILE_FIELDS} | {"biomarkers"}
    assert keys <= PATIENT_FIELDS
    personal = {"first_name", "last_name", "patient_name", "email", "phone", "date_of_birth"}
    contacts = ("referring_", "center_", "treating_", "target_")
    personal |= {f.name for f in Case._meta.get_fields() if f.name.startswith(contacts)}
    assert [name for name in personal if not is_patient_field(name)] == []
    assert not is_patient_field("hostname") and not is_patient_field("name")


# --- A real runserver: the request log (django.server) as a developer's terminal shows it ----


def _manage(env, *args, timeout=120) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return done.stdout


def _open(opener, url, data=None):
    try:
        with opener.open(url, data=data, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _multipart(fields: dict, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"'
            "\r\nContent-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_runservers_request_log_shows_no_status_token(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        "ENV_FILE": "",
        "DEBUG": "1",
        "LOG_LEVEL": "INFO",
    }
    env.pop("REDIS_URL", None)  # its own cache for the rate limits, and no broker needed
    _manage(env, "migrate", "-v0")
    token = _manage(
        env,
        "shell",
        "-c",
        "from tests.factories import CaseFactory; from screening.core.tokens import "
        "issue_status_token; print(issue_status_token(CaseFactory(first_name='Zebulon')))",
    ).split()[-1]
    port = _free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        deadline = time.monotonic() + 60
        status, page = 0, ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, page = _open(opener, f"{base}/status/{token}/")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200, log_path.read_text()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body, content_type = _multipart(
            {"csrfmiddlewaretoken": csrf, "category": "pathology"}, "report.pdf", NOT_A_REPORT
        )
        request = urllib.request.Request(
            f"{base}/status/{token}/",
            data=body,
            headers={"Content-Type": content_type, "Referer": f"{base}/status/{token}/"},
        )
        assert _open(opener, request)[0] == 400
        assert _open(opener, f"{base}/status/{token[:-4]}abcd/")[0] == 404
    finally:
        server.terminate()
        server.wait(timeout=15)
    output = log_path.read_text()
    assert '"GET /status/[token]/ HTTP/1.1" 200' in output, output
    assert '"POST /status/[token]/ HTTP/1.1" 400' in output, output
    assert "Bad Request: /status/[token]/" in output, output
    assert token not in output and token[:-4] not in output
    assert "Zebulon" not in output


# --- A real worker: Celery's own log lines (a task's arguments and result) -------------------


def test_a_workers_log_shows_no_token_or_address_from_a_tasks_result(tmp_path):
    from navigator.celery import app

    queue = f"log-redaction-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "ENV_FILE": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "LOG_LEVEL": "INFO",
    }
    log_path = tmp_path / "worker.log"
    secret = "/status/AbCdEfGh0123456789AbCdEfGh/ from maria.lopez@example.org"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "navigator",
                "worker",
                "-P",
                "solo",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],  # fmt: skip
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        result = app.send_task("screening.ping_task", args=[secret], queue=queue)
        assert result.get(timeout=60)["nonce"] == secret  # the task saw the real value
        deadline = time.monotonic() + 10
        while "succeeded" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait(timeout=15)
    output = log_path.read_text()
    assert "Task screening.ping_task[" in output and "succeeded" in output, output
    assert "/status/[token]/ from [email]" in output, output
    assert "AbCdEfGh0123456789" not in output and "maria.lopez" not in output


def test_arguments_that_do_not_fit_the_message_are_still_redacted(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("screening.anything").info("%d cases", {"first_name": "Zebulon"})
    logging.getLogger("screening.anything").info("%d of %s", 3, "NAV-7K3M9P2Q4")
    logged = everything_logged(caplog)
    assert "Zebulon" not in logged and "[redacted]" in logged
    assert "3 of NAV-7K3M9P2Q4" in logged
