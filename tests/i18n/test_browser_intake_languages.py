"""The whole intake in Chromium, entirely in Spanish and entirely in Chinese, on a desktop and on
a 360 px phone: the switcher, an error and its summary, every step, the review, the
confirmation, the confirmation email's text and the status page with its screening. No English
sentence may show on the way (names, drug names and the brand stay as typed)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from screening.models import Case
from screening.pipeline.screen import screen_case
from tests.browser import DESKTOP, PHONE, save_screenshot
from tests.outbox import deliver_outbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words no Spanish or Chinese page should show: English that slipped through untranslated.
ENGLISH = re.compile(
    r"\b(the|your|you|and|with|this|please|choose|what|which|is|are|not|of|to|for)\b", re.I
)

WORDS = {
    "es": {
        "home": "Cuéntenos el diagnóstico",
        "progress": "Paso {n} de 7",
        "error title": "Error:",
        "email error": "La parte después de la @ necesita un dominio completo",
        "sent": "Gracias: sus respuestas se han enviado",
        "subject": "Hemos recibido su formulario: caso {reference}",
        "greeting": "Hola, Ana:",
        "next steps": "Próximos pasos:",
        "status heading": "Su caso {reference}",
        "screening": "Evaluación preliminar",
    },
    "zh-hans": {
        "home": "告诉我们诊断情况",
        "progress": "第 {n} 步，共 7 步",
        "error title": "错误：",
        "email error": "@ 后面需要完整的域名",
        "sent": "谢谢：您的回答已提交",
        "subject": "我们已收到您的表格：病例 {reference}",
        "greeting": "Ana，您好：",
        "next steps": "接下来会怎样：",
        "status heading": "您的病例 {reference}",
        "screening": "初步筛查",
    },
}


def visible_text(page) -> str:
    """What a person reads on the page (header, notice, main, footer), without what they typed."""
    return page.locator("body").inner_text()


def assert_no_english(page, allowed=()):
    text = visible_text(page)
    for word in allowed:
        text = text.replace(word, "")
    found = sorted({match.group(0).lower() for match in ENGLISH.finditer(text)})
    assert found == [], f"English on {page.url}: {found}\n{text}"


def assert_step(page, language, number):
    assert WORDS[language]["progress"].format(n=number) in page.locator("#progress").inner_text()
    assert page.evaluate("document.documentElement.lang") == language
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_no_english(page, allowed=("Navigator", "Ana", "Lopez", "Luis"))


@pytest.mark.parametrize("language", ["es", "zh-hans"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_family_completes_the_whole_intake_in_their_language(
    live_server, new_page, language, viewport
):
    words = WORDS[language]
    name = f"{language}-{'desktop' if viewport is DESKTOP else 'phone'}"
    page = new_page(viewport=viewport)
    page.goto(f"{live_server.url}/")
    page.locator(f"#language-switcher a[hreflang='{language}']").click()
    assert words["home"] in page.locator("#start-intake").inner_text()
    assert_no_english(page, allowed=("Navigator", "FDA", "CAR-T"))
    page.click("#start-intake")

    # Step 1, with a mistake: the error and its summary are in the language too.
    page.check("input[name='about-submitter_role'][value='family']")
    page.fill("#id_about-first_name", "Ana")
    page.fill("#id_about-last_name", "Lopez")
    page.fill("#id_about-patient_first_name", "Luis")
    page.fill("#id_about-patient_last_name", "Lopez")
    page.fill("#id_about-email", "ana.lopez@example")
    page.select_option("#id_about-country", "MX")
    page.fill("#id_about-date_of_birth_0", "2")  # day, month, year
    page.fill("#id_about-date_of_birth_1", "4")
    page.fill("#id_about-date_of_birth_2", "1963")
    page.check("#id_about-consent_processing")
    page.check("#id_about-consent_sharing")
    page.check("#id_about-consent_not_medical_advice")
    # The language to talk in starts as the one the page is in.
    assert page.locator("#id_about-language").input_value() == language
    page.click("#next")
    page.locator("#error-summary").wait_for()
    assert page.title().startswith(words["error title"])
    assert words["email error"] in page.locator("#error-summary").inner_text()
    save_screenshot(page, f"i18n-{name}-1-error")
    assert_step(page, language, 1)
    page.fill("#id_about-email", "ana.lopez@example.org")
    page.click("#next")

    assert_step(page, language, 2)
    page.select_option("#id_diagnosis-disease", "dlbcl")
    page.fill("#id_diagnosis-diagnosed_on", "2024-01")
    page.check("#id_diagnosis-marker_cd19_positive_0")  # asked at once, on the same page
    assert_step(page, language, 2)
    page.click("#next")

    assert_step(page, language, 3)
    page.check("input[name='status-status'][value='refractory']")
    page.check("input[name='status-transplant_eligible'][value='yes']")
    page.click("#next")

    assert_step(page, language, 4)
    page.check("input[name='treatment-had_treatment'][value='yes']")
    page.fill("#id_treatment-lines-0-name", "R-CHOP")
    page.fill("#id_treatment-lines-0-start", "2024-02")
    page.fill("#id_treatment-lines-0-end", "2024-06")
    page.click("#add-line")
    page.fill("#id_treatment-lines-1-name", "R-ICE")
    page.fill("#id_treatment-lines-1-start", "2024-08")
    assert_step(page, language, 4)
    page.click("#next")

    assert_step(page, language, 5)
    page.check("input[name='health-ecog'][value='1']")
    page.check("input[name='health-active_infection'][value='no']")
    page.check("input[name='health-cns_involvement'][value='no']")
    page.click("#next")

    assert_step(page, language, 6)
    page.click("#next")

    assert_step(page, language, 7)
    review = page.locator("main").inner_text()
    assert "R-CHOP" in review and "R-ICE" in review
    save_screenshot(page, f"i18n-{name}-7-review")
    page.click("#submit-case")

    assert page.locator("h1").inner_text() == words["sent"]
    reference = page.locator("#case-reference").inner_text()
    assert_no_english(page, allowed=("Navigator", reference))
    save_screenshot(page, f"i18n-{name}-8-confirmation")
    case = Case.objects.get(reference=reference)
    assert case.interface_language == language

    deliver_outbox()  # what the worker does after the commit
    [email] = [message for message in mail.outbox if case.email in message.to]
    assert email.subject == words["subject"].format(reference=reference)
    assert words["greeting"] in email.body and words["next steps"] in email.body
    assert_no_english_text(email.body, allowed=("Navigator", reference))
    assert f'<html lang="{language}"' in email.alternatives[0][0]

    # The status page, screened, in the case's language.
    screen_case(case.pk)
    page.click("#status-link")
    assert page.locator("h1").inner_text() == words["status heading"].format(reference=reference)
    assert words["screening"] in page.locator("#screening").inner_text()
    save_screenshot(page, f"i18n-{name}-9-status")
    brands = re.findall(r"[A-Z][a-z]+ \([a-z\- ]+\)", page.locator("#screening").inner_text())
    assert_no_english(page, allowed=("Navigator", reference, "ClinicalTrials.gov", *brands))


def assert_no_english_text(text: str, allowed=()):
    for word in allowed:
        text = text.replace(word, "")
    text = re.sub(r"https?://\S+", "", text)
    found = sorted({match.group(0).lower() for match in ENGLISH.finditer(text)})
    assert found == [], f"English in the email: {found}\n{text}"
