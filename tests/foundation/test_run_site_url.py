"""`make run` points the links in emails at the server it starts (SITE_URL follows RUN_HOST and
RUN_PORT), unless SITE_URL is set."""

import importlib.util
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def launcher():
    spec = importlib.util.spec_from_file_location("run_dev", REPO_ROOT / "scripts" / "run_dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_site_url_follows_the_port_make_run_listens_on():
    env = launcher().child_environment({"RUN_PORT": "8123"})
    assert env["SITE_URL"] == "http://127.0.0.1:8123"


def test_site_url_follows_the_host_with_ipv6_in_brackets_and_any_address_as_loopback():
    run_dev = launcher()
    assert run_dev.child_environment({"RUN_HOST": "192.0.2.7"})["SITE_URL"] == (
        "http://192.0.2.7:8000"
    )
    assert run_dev.site_url("::1", "8000") == "http://[::1]:8000"
    assert run_dev.site_url("0.0.0.0", "9000") == "http://127.0.0.1:9000"


def test_a_site_url_that_is_set_wins():
    env = launcher().child_environment({"RUN_PORT": "8123", "SITE_URL": "https://nav.example.org"})
    assert env["SITE_URL"] == "https://nav.example.org"


def test_the_settings_of_a_child_read_that_site_url():
    env = launcher().child_environment({"RUN_PORT": "8123", "ENV_FILE": "", "PATH": ""})
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO_ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "navigator.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "http://127.0.0.1:8123"
