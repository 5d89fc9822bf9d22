"""The production static build: collectstatic with the manifest storage, then pages that use
{% static %} render with DEBUG off (a missing manifest entry is a 500 on every page)."""

import json

from django.conf import settings

from tests.foundation.test_settings import run_python

PROD_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-real-secret-for-this-test-only-0123456789",
    "ALLOWED_HOSTS": "testserver",
    # Production never runs tasks eagerly: without a broker, migrate refuses (screening.E001).
    "REDIS_URL": settings.REDIS_URL,
}


def test_collectstatic_writes_a_manifest_and_pages_render_with_debug_off(tmp_path):
    static_root = tmp_path / "static"
    env = {**PROD_ENV, "STATIC_ROOT": str(static_root)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"

    collected = run_python(
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('collectstatic', interactive=False, verbosity=0)",
        # Hashing and compressing ~800 files takes 20 s of CPU; a shared machine stretches it.
        timeout=300,
        **env,
    )
    assert collected.returncode == 0, collected.stderr

    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/bootstrap-5.3.8/bootstrap.min.css"]
    assert hashed != "vendor/bootstrap-5.3.8/bootstrap.min.css"
    assert (static_root / hashed).is_file()

    rendered = run_python(
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from django.test import Client; c = Client();"
        # secure=True: as over https (with DEBUG=0 plain http is redirected to https).
        "r = c.get('/', secure=True); print(r.status_code, r.content.decode());"
        "print(c.get('/admin/login/', secure=True).status_code)",
        **env,
    )
    assert rendered.returncode == 0, rendered.stderr
    first_line, *_, last_line = rendered.stdout.strip().splitlines()
    assert first_line.startswith("200")
    assert hashed in rendered.stdout
    assert last_line == "200"
