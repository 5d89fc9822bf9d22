"""The landing page in a real browser: Debian's chromium driven by Playwright."""

import pytest
from playwright.sync_api import expect

from tests.browser import save_screenshot

pytestmark = pytest.mark.browser


def test_it_shows_the_heading_and_the_not_medical_advice_notice(live_server, browser_page):
    page = browser_page

    response = page.goto(live_server.url + "/")

    assert response.status == 200
    assert page.locator("h1").inner_text() == "Navigator"
    notice = page.get_by_role("note")
    expect(notice).to_contain_text("Not medical advice", use_inner_text=True)
    expect(notice).to_be_visible()
    # Bootstrap is served locally and applied: the notice has the alert's background colour.
    background = notice.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("", "rgba(0, 0, 0, 0)", "transparent")
    assert page.locator("html").get_attribute("lang") == "en"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to main content"
    shot = save_screenshot(page, "home")
    assert shot.stat().st_size > 10_000
