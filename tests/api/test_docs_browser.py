"""The API docs page in a real browser under a strict Content-Security-Policy: everything it
loads is ours, and it renders without one CSP violation."""

from __future__ import annotations

import pytest

from tests.browser import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def test_the_docs_page_renders_the_schema_with_local_files_under_a_strict_csp(
    live_server, browser_page
):
    page = browser_page
    violations, elsewhere = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )

    def strict(route):
        response = route.fetch()
        route.fulfill(
            response=response,
            headers={**response.headers, "content-security-policy": STRICT_CSP},
        )

    page.route("**/*", strict)
    page.goto(live_server.url + "/api/v1/docs/")
    title = page.locator(".swagger-ui .info .title")
    title.wait_for(timeout=20_000)
    assert "Navigator API" in title.inner_text()
    page.locator(".opblock").first.wait_for(timeout=20_000)
    assert page.locator(".opblock").count() >= 8
    assert "never gives medical advice" in page.locator(".nav-api-notice").inner_text()
    assert elsewhere == [] and violations == []
    save_screenshot(page, "api-docs")
