import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from navigator.config import DEV_SECRET_KEY, database_from_url, secret_key_from_env

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, timeout: float = 60, **env_overrides: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter with a clean, explicit environment (no .env file)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL"}
    }
    env.update({"ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "navigator.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_python("import django; django.setup()", DEBUG="0")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set and DEBUG is off" in result.stderr


def test_it_refuses_the_development_key_when_debug_is_off():
    with pytest.raises(ImproperlyConfigured):
        secret_key_from_env(DEV_SECRET_KEY, debug=False)


def test_it_starts_with_a_secret_key_when_debug_is_off(tmp_path):
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        DEBUG="0",
        SECRET_KEY="a-real-secret-for-this-test-only-0123456789",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_it_uses_a_development_key_when_debug_is_on():
    assert secret_key_from_env("", debug=True) == DEV_SECRET_KEY


def test_it_parses_a_sqlite_url_with_wal_enabled(tmp_path):
    config = database_from_url(f"sqlite:///{tmp_path / 'sub' / 'nav.sqlite3'}")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "sub" / "nav.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert (tmp_path / "sub").is_dir()


def test_it_parses_a_postgres_url():
    config = database_from_url("postgres://postgres:pw@127.0.0.1:5432/test")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("test", "postgres", "pw")
    assert (config["HOST"], int(config["PORT"])) == ("127.0.0.1", 5432)
    assert config["CONN_HEALTH_CHECKS"] is True


def test_it_resolves_a_relative_sqlite_path_against_the_repository(tmp_path):
    config = database_from_url("sqlite:///var/x.sqlite3", base_dir=tmp_path)

    assert config["NAME"] == str(tmp_path / "var" / "x.sqlite3")


def test_it_rejects_an_unsupported_database_url():
    with pytest.raises(ImproperlyConfigured, match="sqlite:// or postgres://"):
        database_from_url("mysql://root@localhost/navigator")


def test_it_defaults_to_sqlite_under_var_in_wal_mode(tmp_path):
    db_file = tmp_path / "default.sqlite3"
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "connection.ensure_connection()\n"
        "print(connection.settings_dict['NAME'])\n"
    )
    default = run_python(code)
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == str(REPO_ROOT / "var" / "navigator.sqlite3")

    explicit = run_python(code, DATABASE_URL=f"sqlite:///{db_file}")
    assert explicit.returncode == 0, explicit.stderr
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_it_runs_tasks_eagerly_only_when_redis_url_is_unset():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL)\n"
    )
    assert run_python(code).stdout.split() == ["True", "memory://"]
    with_redis = run_python(code, REDIS_URL="redis://127.0.0.1:6399/3")
    assert with_redis.stdout.split() == ["False", "redis://127.0.0.1:6399/3"]


def test_it_flags_private_media_inside_a_served_path(settings):
    from screening.checks import check_private_media_root

    settings.PRIVATE_MEDIA_ROOT = Path(settings.STATIC_ROOT) / "uploads"

    assert [e.id for e in check_private_media_root(None)] == ["screening.E002"]


def test_it_accepts_the_default_private_media_location(settings, tmp_path):
    from screening.checks import check_private_media_root

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"

    assert check_private_media_root(None) == []


@pytest.mark.django_db
def test_it_runs_the_suite_on_the_database_that_database_url_names():
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"

    assert connection.vendor == expected


def test_it_keeps_test_uploads_out_of_the_repository():
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("probe.txt", ContentFile(b"synthetic"))

    assert Path(default_storage.path(name)).read_bytes() == b"synthetic"
    assert REPO_ROOT not in Path(default_storage.path(name)).parents
