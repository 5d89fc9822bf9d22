"""The landing page in a real browser: Debian's chromium driven by Playwright."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def browser_page(tmp_path, monkeypatch):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash scripts/ensure_chromium.sh` "
            "(or `apt-get update && apt-get install -y chromium` as root).",
            pytrace=False,
        )
    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
    # the ORM calls the live_server fixture makes on teardown.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def test_it_shows_the_heading_and_the_not_medical_advice_notice(live_server, browser_page):
    page = browser_page

    response = page.goto(live_server.url + "/")

    assert response.status == 200
    assert page.locator("h1").inner_text() == "Navigator"
    notice = page.get_by_role("note")
    assert "Not medical advice" in notice.inner_text()
    assert notice.is_visible()
    # Bootstrap is served locally and applied: the notice has the alert's background colour.
    background = notice.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("", "rgba(0, 0, 0, 0)", "transparent")
    assert page.locator("html").get_attribute("lang") == "en"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to main content"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "home.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
