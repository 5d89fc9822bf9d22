"""The production configuration, served for real: DEBUG=0, the run's database (a PostgreSQL
database beside the test database when DATABASE_URL is PostgreSQL, a file SQLite otherwise),
the run's Redis, collectstatic with the manifest storage, gunicorn serving navigator.wsgi and
a Celery worker, both real subprocesses. Requests go over a real socket as a browser behind
our TLS proxy would send them (X-Forwarded-Proto: https).

Checked: the https redirect, HSTS, CSP and no-store; static files by their hashed names; an
intake sent through every step and screened by the worker; the status page's 404 for a bad
token; the admin sign-in with password and second factor, then the case queue.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django_otp.oath import TOTP

from tests.intake.helpers import STEPS, VALID, payload

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "copper lantern orbit meadow"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what} after {timeout}s", pytrace=False)


class Browser:
    """Just enough of a browser behind a TLS proxy: cookies (Secure ones too, since the proxy
    speaks https to the person), Origin and Referer on posts, no automatic redirects."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method: str, path: str, body: dict | None = None, *, https=True):
        headers = {"Host": f"{HOST}:{self.port}"}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            response.text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: dict):
        form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **body}
        return self.request("POST", path, form)


def location(response) -> str:
    return urlsplit(response.headers["Location"]).path + (
        "?" + urlsplit(response.headers["Location"]).query
        if urlsplit(response.headers["Location"]).query
        else ""
    )


# --- the deployment ------------------------------------------------------------------------


def smoke_database_url(tmp_path: Path) -> tuple[str, callable]:
    """This run's kind of database: a PostgreSQL database of its own on the run's server, or
    a SQLite file. Returns the URL and a function that removes it."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{tmp_path / 'smoke.sqlite3'}", lambda: None
    import psycopg

    name = f"{database['NAME']}_smoke"
    auth = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    server = f"{auth}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"

    def run(statement: str):
        with psycopg.connect(f"postgresql://{server}/postgres", autocommit=True) as conn:
            conn.execute(statement)

    run(f'DROP DATABASE IF EXISTS "{name}"')
    run(f'CREATE DATABASE "{name}"')
    return f"postgres://{server}/{name}", lambda: run(f'DROP DATABASE IF EXISTS "{name}"')


class Deployment:
    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.port = free_port()
        self.database_url, self.drop_database = smoke_database_url(tmp_path)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(tmp_path)),
            "ENV_FILE": "",
            # The four settings production needs...
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": settings.REDIS_URL,
            # ...and where this one keeps its files, its queue (the run's Redis is shared
            # with other tests), and the TLS proxy in front of it.
            "STATIC_ROOT": str(tmp_path / "static"),
            "PRIVATE_MEDIA_ROOT": str(tmp_path / "private-media"),
            "CELERY_QUEUE": f"smoke-{uuid.uuid4().hex[:12]}",
            "SECURE_PROXY_SSL_HEADER": "1",
            "SITE_URL": f"https://{HOST}:{self.port}",
        }
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []

    def manage(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"manage.py {args}: {result.stdout}\n{result.stderr}"
        return result.stdout

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        output = open(log, "wb")  # noqa: SIM115 - closed when the process is stopped
        process = subprocess.Popen(
            args,
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
        output.close()  # the child holds its own descriptor
        self.processes.append((name, process, log))
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} ---\n{log.read_text()[-4000:]}" for name, _, log in self.processes
        )

    def stop(self):
        for _, process, _ in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _, process, _ in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.drop_database()


SEED_STAFF = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from screening.core.roles import LEAD, sync_roles
sync_roles()
lead = get_user_model().objects.create_user("smoke-lead", "lead@example.org", {password!r},
                                            is_staff=True, first_name="Leda")
lead.groups.add(Group.objects.get(name=LEAD))
device = TOTPDevice.objects.create(user=lead, name="Phone", confirmed=True)
print("KEY", device.key)
"""


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if not settings.REDIS_URL:
        pytest.fail("The production smoke test needs the run's Redis: run `make test`.")
    deployment = Deployment(tmp_path_factory.mktemp("production"))
    try:
        deployment.manage("migrate", "--noinput")
        deployment.manage("collectstatic", "--noinput")
        out = deployment.manage("shell", stdin=SEED_STAFF.format(password=PASSWORD))
        deployment.totp_key = re.search(r"KEY ([0-9a-f]+)", out).group(1)
        deployment.start(
            "gunicorn",
            [
                sys.executable, "-m", "gunicorn", "navigator.wsgi",
                "--bind", f"{HOST}:{deployment.port}", "--workers", "2",
                "--access-logfile", "-", "--forwarded-allow-ips", HOST,
            ],
        )  # fmt: skip
        deployment.start(
            "worker",
            [
                sys.executable, "-m", "celery", "-A", "navigator", "worker",
                "-P", "prefork", "-c", "1", "-l", "INFO",
                "-n", f"smoke-{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip", "--without-mingle",
            ],
        )  # fmt: skip

        def healthy():
            try:
                # Readiness: gunicorn, the database, the broker and the worker all answer.
                return Browser(deployment.port).get("/readyz", https=False).status == 200
            except OSError:
                return False

        wait_for(healthy, 90, "gunicorn and the worker to answer /readyz")
        yield deployment
    except BaseException:
        print(deployment.logs())
        raise
    finally:
        deployment.stop()


# --- the checks ----------------------------------------------------------------------------


def test_plain_http_is_redirected_to_https_except_the_health_check(deployment):
    browser = Browser(deployment.port)
    redirected = browser.get("/", https=False)
    assert redirected.status == 301
    assert redirected.headers["Location"] == f"https://{HOST}:{deployment.port}/"
    assert browser.get("/healthz", https=False).status == 200
    assert browser.get("/readyz", https=False).status == 200


def test_the_home_page_is_served_with_the_security_headers(deployment):
    home = Browser(deployment.port).get("/")
    assert home.status == 200
    assert "Not medical advice" in home.text
    assert home.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "script-src 'self'" in home.headers["Content-Security-Policy"]
    assert "no-store" in home.headers["Cache-Control"]
    assert home.headers["X-Frame-Options"] == "DENY"


def test_static_files_are_served_by_their_hashed_names(deployment):
    home = Browser(deployment.port).get("/")
    hashed = re.findall(
        r"/static/vendor/bootstrap-5\.3\.8/bootstrap\.min\.[0-9a-f]{12}\.css", home.text
    )
    assert hashed, "the page does not link Bootstrap by its hashed name"
    stylesheet = Browser(deployment.port).get(hashed[0])
    assert stylesheet.status == 200
    assert stylesheet.headers["Content-Type"].startswith("text/css")
    assert "immutable" in stylesheet.headers["Cache-Control"]
    assert "bootstrap" in stylesheet.text[:500].lower()


def test_an_intake_is_sent_through_every_step_and_screened_by_the_worker(deployment):
    browser = Browser(deployment.port)
    first = browser.get("/intake/about/")
    assert first.status == 200
    assert "Step 1 of 7" in first.text
    assert "no-store" in first.headers["Cache-Control"]
    for step in STEPS[:-1]:
        response = browser.post(f"/intake/{step}/", payload(step, VALID[step]))
        assert response.status == 302, (step, response.status, response.text[:2000])
    review = browser.get("/intake/review/")
    assert review.status == 200 and "no-store" in review.headers["Cache-Control"]
    key = re.search(r'name="review-submission_key"[^>]*value="([0-9a-f]+)"', review.text)
    key = key or re.search(r'value="([0-9a-f]{64})"[^>]*name="review-submission_key"', review.text)
    sent = browser.post(
        "/intake/review/",
        payload("review", {"submission_key": key.group(1), "leave_blank": ""}),
    )
    assert sent.status == 302 and location(sent) == "/intake/submitted/"
    confirmation = browser.get("/intake/submitted/")
    status_path = re.search(r"/status/[A-Za-z0-9_\-]+/", confirmation.text).group(0)

    def screened():
        page = Browser(deployment.port).get(status_path)
        assert page.status == 200
        return 'id="screening-notice"' in page.text  # shown once a screening run exists

    wait_for(screened, 60, "the worker to screen the case")


def test_a_bad_status_token_gets_the_404_page(deployment):
    response = Browser(deployment.port).get("/status/not-a-real-token/")
    assert response.status == 404
    assert "Page not found" in response.text
    assert "no-store" in response.headers["Cache-Control"]


def test_staff_sign_in_needs_the_second_factor_then_opens_the_case_queue(deployment):
    browser = Browser(deployment.port)
    login = browser.get("/admin/login/?next=/admin/screening/case/")
    assert login.status == 200
    assert "admin/css/login." in login.text  # the admin's static files, hashed, render

    password_step = browser.post(
        "/admin/login/?next=/admin/screening/case/",
        {"username": "smoke-lead", "password": PASSWORD, "next": "/admin/screening/case/"},
    )
    assert password_step.status == 302
    second_step = location(password_step)
    assert second_step.startswith("/admin/second-factor/")
    session_cookie = next(h for h in browser.set_cookie_headers if h.startswith("sessionid="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie
    assert browser.get("/admin/screening/case/").status == 302  # password alone: refused

    assert browser.get(second_step).status == 200
    totp = TOTP(bytes.fromhex(deployment.totp_key))
    verified = browser.post(
        second_step, {"code": f"{totp.token():06d}", "next": "/admin/screening/case/"}
    )
    assert verified.status == 302 and location(verified) == "/admin/screening/case/"

    queue = browser.get("/admin/screening/case/")
    assert queue.status == 200
    assert "Not medical advice" in queue.text
    assert "no-store" in queue.headers["Cache-Control"]
    assert "'unsafe-inline'" not in queue.headers["Content-Security-Policy"]
