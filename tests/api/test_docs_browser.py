"""The API docs page in a real browser under the site's Content-Security-Policy (django-csp:
script-src and style-src 'self', no inline code): everything it loads is ours, and it renders
without one CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_renders_the_schema_with_local_files_under_the_sites_csp(
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

    response = page.goto(live_server.url + "/api/v1/docs/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    title = page.locator(".swagger-ui .info .title")
    title.wait_for(timeout=20_000)
    expect(title).to_contain_text("Navigator API", use_inner_text=True)
    page.locator(".opblock").first.wait_for(timeout=20_000)
    assert page.locator(".opblock").count() >= 8
    expect(page.locator(".nav-api-notice")).to_contain_text(
        "never gives medical advice", use_inner_text=True
    )
    assert elsewhere == [] and violations == []
    save_screenshot(page, "api-docs")
