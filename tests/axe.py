"""axe-core in the browser tests: the engine is vendored in tests/fixtures/axe/ (axe-core
4.14.1 from its npm package, MPL-2.0, licence beside it) and injected with Playwright, so no
page ever loads it from a CDN and the check runs offline, under the pages' own CSP."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE_SCRIPT = Path(__file__).resolve().parent / "fixtures" / "axe" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page, *, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """Run axe on the page as it stands; the violations of these impacts, each with the rule,
    its impact, its help text and the first few offending elements."""
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: the vendored axe-core is part of the tests.")
    # Evaluated through the DevTools protocol rather than added as a <script>: the pages'
    # Content-Security-Policy (script-src 'self') rightly refuses inline scripts, and the
    # check must see the pages under the policy they really have.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"][:5]],
        }
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


def signed_in_context(new_page, live_server, user, **page_options):
    """A browser page signed in as `user` with a verified second factor: the session the real
    two-step sign-in leaves behind (tests.auth.staff_login), handed to the browser as a cookie."""
    from django.conf import settings
    from django.test import Client

    from tests.auth import staff_login

    client = staff_login(Client(), user)
    page = new_page(**page_options)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page
