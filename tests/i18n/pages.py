"""Walking every patient-facing page in Chromium, in one language: the home page, each intake
step (and the first step's errors), the review, saving and resuming, the confirmation, the
status page, the printable answers, and the 404 and 429 pages. Each page is handed to
`visit(name, page)` as it stands, so one walk serves the accessibility check and the
screenshots."""

from __future__ import annotations

import re

from django.core import mail
from django.test import override_settings

from tests.outbox import deliver_outbox
from tests.uploads.samples import make_pdf

PATIENT_PAGES = (
    "home",
    "intake: about",
    "intake: about, with errors",
    "intake: diagnosis",
    "intake: status",
    "intake: treatment",
    "intake: health",
    "intake: documents",
    "intake: review",
    "save for later",
    "link sent",
    "resume",
    "resume link that does not work",
    "confirmation",
    "status page",
    "printable answers",
    "status page: message with an error",
    "status page: messages",
    "message from a link that does not work",
    "page not found",
    "too many requests",
)


def walk_patient_pages(page, base_url: str, language: str, visit, *, email="ana@example.org"):
    """Every page of PATIENT_PAGES in `language`, in that order."""
    page.goto(f"{base_url}/?lang={language}")
    visit("home", page)

    page.click("#start-intake")
    visit("intake: about", page)
    page.click("#next")
    visit("intake: about, with errors", page)

    page.check("input[name='about-submitter_role'][value='family']")
    page.fill("#id_about-first_name", "Ana")
    page.fill("#id_about-last_name", "Lopez")
    page.fill("#id_about-patient_first_name", "Luis")
    page.fill("#id_about-patient_last_name", "Lopez")
    page.fill("#id_about-email", email)
    page.select_option("#id_about-country", "MX")
    page.fill("#id_about-date_of_birth_0", "2")  # day, month, year
    page.fill("#id_about-date_of_birth_1", "4")
    page.fill("#id_about-date_of_birth_2", "1963")
    page.check("#id_about-consent_processing")
    page.check("#id_about-consent_sharing")
    page.check("#id_about-consent_not_medical_advice")
    page.click("#next")

    page.select_option("#id_diagnosis-disease", "dlbcl")
    page.fill("#id_diagnosis-diagnosed_on", "2024-01")
    page.check("#id_diagnosis-marker_cd19_positive_0")
    visit("intake: diagnosis", page)
    page.click("#next")

    visit("intake: status", page)
    page.check("input[name='status-status'][value='refractory']")
    page.check("input[name='status-transplant_eligible'][value='yes']")
    page.click("#next")

    page.check("input[name='treatment-had_treatment'][value='yes']")
    page.fill("#id_treatment-lines-0-name", "R-CHOP")
    page.fill("#id_treatment-lines-0-start", "2024-02")
    visit("intake: treatment", page)
    page.click("#next")

    page.check("input[name='health-ecog'][value='1']")
    page.check("input[name='health-active_infection'][value='no']")
    page.check("input[name='health-cns_involvement'][value='no']")
    visit("intake: health", page)
    page.click("#next")

    page.check("input[name='documents-category'][value='pathology']")
    page.set_input_files(
        "#id_documents-files",
        files=[{"name": "biopsy.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}],
    )
    page.click("#upload")
    visit("intake: documents", page)
    page.click("#next")
    visit("intake: review", page)

    page.click("#save-for-later")
    visit("save for later", page)
    page.click("#send-link")
    visit("link sent", page)
    deliver_outbox()  # what the worker does after the commit
    [message] = [m for m in mail.outbox if "/intake/resume/" in m.body]
    mail.outbox.remove(message)
    resume_path = re.search(r"/intake/resume/\S+/", message.body).group(0)
    page.goto(base_url + resume_path)
    visit("resume", page)
    page.click("#continue")
    page.goto(f"{base_url}/intake/resume/{resume_path.split('/')[-2][:-3]}abc/")
    visit("resume link that does not work", page)

    page.goto(f"{base_url}/intake/review/")
    page.click("#submit-case")
    visit("confirmation", page)
    page.click("#status-link")
    visit("status page", page)
    status_url = page.url.split("#")[0]
    page.click("#printable-answers")
    visit("printable answers", page)

    page.goto(status_url)
    page.click("#message-form button[type=submit]")  # nothing written yet
    visit("status page: message with an error", page)
    page.fill("#id_body", "¿Necesitan el informe de la biopsia? 需要活检报告吗？")
    page.click("#message-form button[type=submit]")
    page.wait_for_url("**#messages")
    visit("status page: messages", page)
    page.eval_on_selector(  # as if the link had been revoked since the page was opened
        "#message-form", "(f) => f.setAttribute('action', '/status/not-a-real-link/messages/')"
    )
    page.fill("#id_body", "Sent from a link that no longer works")
    page.click("#message-form button[type=submit]")
    visit("message from a link that does not work", page)

    page.goto(f"{base_url}/nowhere/")
    visit("page not found", page)
    with override_settings(TOKEN_GUESS_RATE="1/h"):
        page.goto(f"{base_url}/status/not-a-real-link/")
        page.goto(f"{base_url}/status/not-a-real-link-either/")
        visit("too many requests", page)
