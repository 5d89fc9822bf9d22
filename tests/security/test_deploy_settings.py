"""Secure by default when DEBUG is off: `check --deploy` passes with only the four required
settings, HSTS/SSL/cookies are on, and production without a virus scanner is handled."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra) -> dict:
    """Only the four settings the README asks for in production (plus PATH to run Python)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "navigator.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "navigator.example.org",
        # Never connected to by `check`: any well-formed addresses will do.
        "DATABASE_URL": "postgres://navigator@db.internal:5432/navigator",
        "REDIS_URL": "redis://redis.internal:6379/0",
    }
    env.update(extra)
    return env


def run(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_deploy_check_passes_with_only_the_four_required_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_is_secure_by_default():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.ALLOW_UNSCANNED_DOWNLOADS, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None)]))"
    )
    result = run(["-c", code], production_env())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [31536000, True, True, True, True, True, False, None]

    behind_proxy = run(["-c", code], production_env(SECURE_PROXY_SSL_HEADER="1"))
    assert json.loads(behind_proxy.stdout)[-1] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_without_a_scanner_says_so_and_keeps_unscanned_files_back():
    result = run(["manage.py", "check", "--deploy"], production_env())
    assert "screening.I003" in result.stdout + result.stderr


def test_allowing_unscanned_downloads_in_production_fails_the_deploy_check():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(ALLOW_UNSCANNED_DOWNLOADS="1"),
    )
    assert result.returncode != 0
    assert "screening.W003" in result.stdout + result.stderr


def test_with_a_scanner_configured_the_check_is_silent():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(CLAMD_SOCKET="tcp://clamd.internal:3310", ALLOW_UNSCANNED_DOWNLOADS="1"),
    )
    assert result.returncode == 0
    assert "screening.W003" not in result.stdout + result.stderr
    assert "screening.I003" not in result.stdout + result.stderr
