"""Right-to-left readiness, proven with a language Navigator does not ship: Arabic, offered
only in these tests. The page turns to dir="rtl", loads Bootstrap's mirrored build, and lays
out from the right in Chromium; the strings stay English (no Arabic catalogue exists)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.browser import DESKTOP, PHONE, save_screenshot

ARABIC = [*settings.LANGUAGES, ("ar", "العربية")]
OWN_CSS = Path(__file__).resolve().parents[2] / "static"


@pytest.mark.django_db
@override_settings(LANGUAGES=ARABIC)
def test_a_right_to_left_language_gets_rtl_direction_and_bootstraps_mirrored_build():
    page = Client().get("/?lang=ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page
    assert "bootstrap.min.css" not in page
    english = Client().get("/?lang=en").content.decode()
    assert '<html lang="en" dir="ltr">' in english and "bootstrap.rtl" not in english


def test_our_own_stylesheets_use_logical_properties_only():
    """Physical left/right in our CSS would not mirror; Bootstrap's RTL build mirrors its own."""
    physical = re.compile(
        r"(?<![-\w])(margin|padding|border)-(left|right)\b|(?<![-\w])(left|right)\s*:"
        r"|text-align\s*:\s*(left|right)|float\s*:\s*(left|right)"
    )
    public = [OWN_CSS / "intake" / "intake.css", OWN_CSS / "screening" / "site.css"]
    found = {
        css.name: physical.findall(css.read_text(encoding="utf-8"))
        for css in public
        if physical.search(css.read_text(encoding="utf-8"))
    }
    assert found == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_home_page_lays_out_from_the_right_in_arabic(live_server, new_page, viewport):
    with override_settings(LANGUAGES=ARABIC):
        page = new_page(viewport=viewport)
        page.goto(f"{live_server.url}/?lang=ar")
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        width = viewport["width"]
        brand = page.locator(".navbar-brand").bounding_box()
        switcher = page.locator("#language-switcher").bounding_box()
        button = page.locator("#start-intake").bounding_box()
        # The brand starts the line on the right; the switcher follows it towards the left.
        assert brand["x"] + brand["width"] > width * 0.8
        assert switcher["x"] < brand["x"]
        # Text and buttons start on the right edge of the content too.
        assert button["x"] + button["width"] > width * 0.6
        assert page.evaluate("getComputedStyle(document.querySelector('main')).textAlign") in {
            "right",
            "start",
        }
        # Nothing spills sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        name = "desktop" if viewport is DESKTOP else "phone"
        save_screenshot(page, f"rtl-arabic-home-{name}")
