"""axe-core over every patient-facing page, in English, Spanish and Chinese: no serious or
critical violation, every page in a landmark (the not-medical-advice notice too), and every
page names its language."""

from __future__ import annotations

import pytest

from tests.axe import axe_violations
from tests.browser import save_screenshot
from tests.i18n.pages import PATIENT_PAGES, walk_patient_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "es", "zh-hans"])
def test_every_patient_page_passes_axe_in_each_language(live_server, new_page, language):
    page = new_page()
    found, languages = {}, {}

    def visit(name, current):
        # Content outside any landmark ("region") is only "moderate" for axe; the notice every
        # page must show has to be reachable like the rest, so that rule counts here too.
        found[name] = [
            violation
            for violation in axe_violations(current, impacts=("serious", "critical", "moderate"))
            if violation["impact"] != "moderate" or violation["rule"] == "region"
        ]
        languages[name] = current.evaluate("document.documentElement.lang")
        save_screenshot(current, f"axe-{language}-{name.replace(' ', '-').replace(':', '')}")

    walk_patient_pages(page, live_server.url, language, visit)
    assert list(found) == list(PATIENT_PAGES)
    assert {name: v for name, v in found.items() if v} == {}
    assert set(languages.values()) == {language}
