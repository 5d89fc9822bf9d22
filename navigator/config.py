"""Small, pure helpers that turn environment values into Django settings.

Kept out of settings.py so tests can call them directly with any URL.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

# Only used when DEBUG is on; settings.py refuses it outside DEBUG.
DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"


def database_from_url(url: str, *, base_dir: Path | None = None, conn_max_age: int = 60) -> dict:
    """Return a DATABASES["default"] entry for a sqlite:// or postgres:// URL.

    A relative SQLite path (sqlite:///var/db.sqlite3) is taken relative to base_dir, so the web
    server, worker and beat open the same file whatever their working directory.
    """
    config = environ.Env.db_url_config(url)
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = config.get("NAME") or ""
        if name and name != ":memory:":
            if base_dir is not None and not Path(name).is_absolute():
                name = config["NAME"] = str(base_dir / name)
            # The web server, worker and beat write to one file: create its folder on first use.
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            # WAL lets the web process read while the worker writes; IMMEDIATE takes the write
            # lock at BEGIN so concurrent writers wait (busy timeout) instead of failing mid-way.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            **config.get("OPTIONS", {}),
        }
        # SQLite connections are cheap; persistent ones across threads only cause trouble.
        config["CONN_MAX_AGE"] = 0
    elif engine in ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"):
        config["ENGINE"] = "django.db.backends.postgresql"
        config["CONN_MAX_AGE"] = conn_max_age
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a sqlite:// or postgres:// URL, not {engine!r}."
        )
    return config


def secret_key_from_env(value: str, *, debug: bool) -> str:
    """Return the SECRET_KEY to use, refusing to run production without a real one."""
    if value and value != DEV_SECRET_KEY:
        return value
    if debug:
        return DEV_SECRET_KEY
    raise ImproperlyConfigured(
        "SECRET_KEY is not set and DEBUG is off: Navigator refuses to start. "
        "Set SECRET_KEY to a long random value (e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
        "or set DEBUG=1 for local development."
    )
