"""System checks that stop a misconfigured production start: `check --deploy` with DEBUG off."""

from django.conf import settings

from tests.foundation.test_settings import run_python

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-real-secret-for-this-test-only-0123456789",
    "ALLOWED_HOSTS": "navigator.example.org",
}
CHECK_DEPLOY = (
    "import sys, django; django.setup();"
    "from django.core.management import call_command;"
    "call_command('check', '--deploy')"
)


def test_check_deploy_fails_without_a_broker_when_debug_is_off(tmp_path):
    result = run_python(CHECK_DEPLOY, **PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path}/db")

    assert result.returncode != 0
    assert "screening.E001" in result.stderr
    assert "REDIS_URL is not set" in result.stderr


def test_with_a_broker_the_eager_task_check_is_silent(tmp_path):
    result = run_python(
        CHECK_DEPLOY,
        **PRODUCTION,
        DATABASE_URL=f"sqlite:///{tmp_path}/db",
        REDIS_URL=settings.REDIS_URL,
    )

    assert "screening.E001" not in result.stderr + result.stdout
    assert "screening.W001" not in result.stderr + result.stdout


def test_in_development_no_broker_is_only_a_warning(tmp_path):
    result = run_python(
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check')",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path}/db",
    )

    assert result.returncode == 0, result.stderr
    assert "screening.W001" in result.stderr + result.stdout
