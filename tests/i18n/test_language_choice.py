"""Which language a patient page speaks, and where the choice is remembered: the browser's
preference, the switcher's cookie, the draft, the case, the emails; staff pages stay English;
a language we do not offer is English."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from screening.core.tokens import issue_status_token
from screening.models import Case, IntakeDraft
from screening.patient.status_page import build_status_page
from screening.triage.actions import request_records
from tests.factories import CaseFactory, CoordinatorFactory
from tests.intake.helpers import VALID, post_step, step_url, walk_to_review
from tests.outbox import deliver_outbox

pytestmark = pytest.mark.django_db


def html_lang(response) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', response.content.decode())
    assert match, "every page names its language and direction"
    return match.group(1), match.group(2)


def test_a_page_speaks_english_to_a_browser_without_a_preference(client):
    response = client.get("/")
    assert html_lang(response) == ("en", "ltr")
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("es-MX,es;q=0.9,en;q=0.5", "es"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("fr-FR,fr;q=0.9", "en"),  # not offered: English
        ("ar", "en"),
    ],
)
def test_a_page_follows_the_browsers_language_when_it_is_offered(accept, expected):
    response = Client(HTTP_ACCEPT_LANGUAGE=accept).get("/")
    assert html_lang(response)[0] == expected
    assert "Accept-Language" in response["Vary"]


def test_the_switcher_on_every_page_names_each_language_in_itself(client):
    page = client.get("/?lang=zh-hans").content.decode()
    switcher = page[page.index('id="language-switcher"') :]
    switcher = switcher[: switcher.index("</nav>")]
    assert re.findall(r'hreflang="([^"]+)" lang="[^"]+"[^>]*>([^<]+)<', switcher) == [
        ("en", "English"),
        ("es", "Español"),
        ("zh-hans", "简体中文"),
    ]
    assert 'aria-current="true">简体中文' in switcher


def test_choosing_a_language_answers_in_it_and_the_browser_keeps_it(client):
    response = client.get("/?lang=es")
    assert html_lang(response)[0] == "es"
    cookie = response.cookies["django_language"]
    assert cookie.value == "es" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert html_lang(client.get("/"))[0] == "es"
    assert html_lang(client.get("/intake/", follow=True))[0] == "es"


@pytest.mark.parametrize("code", ["fr", "xx", "", "es'><script>", "../en", "pt-BR"])
def test_a_language_we_do_not_offer_falls_back_to_english(client, code):
    client.get("/?lang=es")
    response = client.get("/", {"lang": code})
    assert response.status_code == 200
    assert html_lang(response)[0] == "en"
    assert response.cookies["django_language"].value == "en"


def test_a_stale_cookie_for_a_language_not_offered_is_english(client):
    client.cookies["django_language"] = "fr"
    assert html_lang(client.get("/"))[0] == "en"


def test_staff_pages_stay_english_whatever_the_person_chose(client):
    client.cookies["django_language"] = "es"
    response = client.get("/admin/login/")
    assert response["Content-Language"] == "en"
    assert Client(HTTP_ACCEPT_LANGUAGE="zh-CN").get("/api/v1/nothing")["Content-Language"] == "en"
    # The switcher's parameter is not honoured there either, and no switcher is offered.
    assert client.get("/admin/login/?lang=es")["Content-Language"] == "en"
    from screening.core.roles import sync_roles
    from tests.auth import staff_login

    sync_roles()
    staff = staff_login(Client(), CoordinatorFactory())
    forbidden = staff.get("/admin/screening/case/dashboard/")  # a coordinator, not a lead
    assert forbidden.status_code == 403
    assert "You cannot open this page" in forbidden.content.decode()
    assert 'id="language-switcher"' not in forbidden.content.decode()
    assert 'id="language-switcher"' in client.get("/nowhere/").content.decode()


def test_dates_are_written_the_way_each_language_writes_them(db):
    case = CaseFactory(interface_language="es")
    token = issue_status_token(case)
    when = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)
    case.events.create(kind="submitted", message="", patient_visible=True)
    case.events.update(at=when)
    pages = {
        language: Client().get(f"/status/{token}/?lang={language}").content.decode()
        for language in ("en", "es", "zh-hans")
    }
    assert "2 December 2026, 09:30" in pages["en"]
    assert "2 de diciembre de 2026 a las 09:30" in pages["es"]
    assert "2026年12月2日 09:30" in pages["zh-hans"]


# --- The draft ------------------------------------------------------------------------------


def test_the_draft_keeps_the_language_the_form_is_filled_in(client):
    client.get("/intake/?lang=zh-hans")
    assert post_step(client, "about").status_code == 302
    draft = IntakeDraft.objects.get()
    assert draft.language == "zh-hans"
    # Switching on a later step is remembered at once, before anything is saved.
    client.get(step_url("diagnosis") + "?lang=es")
    draft.refresh_from_db()
    assert draft.language == "es"


def test_the_case_takes_the_language_the_form_was_sent_in(
    client, django_capture_on_commit_callbacks
):
    client.get("/?lang=es")
    review = walk_to_review(client)
    key = review.context["form"]["submission_key"].value()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_step(client, "review", {"submission_key": key})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.interface_language == "es"
    deliver_outbox()  # what the worker does after the commit
    # The preferred language for talking to the coordinator is a separate answer, kept as given.
    assert case.language == VALID["about"]["language"]
    [confirmation] = [m for m in mail.outbox if case.email in m.to]
    html = confirmation.alternatives[0][0]
    assert '<html lang="es" dir="ltr">' in html


def test_a_case_sent_without_a_draft_speaks_its_preferred_language_if_we_offer_it(db):
    from screening.intake.submit import submit_case
    from tests.intake.test_submit import answers_for_service

    answers = answers_for_service()
    assert submit_case(answers, submission_key="k-es").interface_language == "es"
    answers["about"]["language"] = "de"
    assert submit_case(answers, submission_key="k-de").interface_language == "en"


def test_the_resume_link_is_emailed_and_opened_in_the_drafts_language(client):
    client.get("/?lang=zh-hans")
    post_step(client, "about")
    client.post("/intake/save/", {"email": "ana.lopez@example.org"})
    deliver_outbox()
    [message] = mail.outbox
    assert '<html lang="zh-hans" dir="ltr">' in message.alternatives[0][0]
    expires = timezone.now() + dt.timedelta(days=14)
    assert f"{expires.year}年{expires.month}月{expires.day}日" in message.body
    link = re.search(r"/intake/resume/\S+/", message.body).group(0)

    elsewhere = Client()  # another device, browser in English
    assert html_lang(elsewhere.get(link))[0] == "zh-hans"
    response = elsewhere.post(link)
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "zh-hans"
    assert html_lang(elsewhere.get(response["Location"], follow=True))[0] == "zh-hans"


# --- The case -------------------------------------------------------------------------------


def test_the_status_page_speaks_the_cases_language_on_any_device(db):
    case = CaseFactory(interface_language="es")
    token = issue_status_token(case)
    browser = Client(HTTP_ACCEPT_LANGUAGE="en-US")
    browser.cookies["django_language"] = "en"
    assert html_lang(browser.get(f"/status/{token}/"))[0] == "es"


def test_switching_on_the_status_page_changes_the_cases_language_and_its_emails(db):
    coordinator = CoordinatorFactory()
    case = CaseFactory(interface_language="en", assigned_to=coordinator, status="in_review")
    token = issue_status_token(case)
    response = Client().get(f"/status/{token}/?lang=zh-hans")
    assert html_lang(response)[0] == "zh-hans"
    case.refresh_from_db()
    assert case.interface_language == "zh-hans"
    assert case.history.first().interface_language == "zh-hans"

    request_records(case, facts=["cd22_positive"], categories=[], message="", by=coordinator)
    deliver_outbox()
    [email] = [m for m in mail.outbox if case.email in m.to]
    assert '<html lang="zh-hans" dir="ltr">' in email.alternatives[0][0]


def test_a_wrong_token_with_a_language_changes_nothing(db):
    case = CaseFactory(interface_language="en")
    response = Client().get("/status/not-a-token/?lang=es")
    assert response.status_code == 404
    assert html_lang(response)[0] == "es"
    case.refresh_from_db()
    assert case.interface_language == "en"


def test_coordinator_emails_stay_english_when_a_patient_page_is_in_another_language(db):
    from screening.documents.uploads import check_upload
    from screening.patient.records import receive_records
    from tests.uploads.samples import make_pdf

    coordinator = CoordinatorFactory(email="coordinator@example.org")
    case = CaseFactory(interface_language="es", assigned_to=coordinator, status="records_requested")
    upload = check_upload(SimpleUploadedFile("mrd.pdf", make_pdf(), "application/pdf"))
    with translation.override("es"):  # the patient's status page is in Spanish
        receive_records(case, [("labs", upload)])
    deliver_outbox()
    [email] = [m for m in mail.outbox if "coordinator@example.org" in m.to]
    assert '<html lang="en" dir="ltr">' in email.alternatives[0][0]
    assert email.subject.startswith("Records received")


def test_requested_records_and_missing_facts_read_in_the_cases_language(db):
    from screening.patient.fact_words import missing_fact_words

    fact = {
        "field": "cd22_positive",
        "fact": "CD22 expression",
        "document": "flow cytometry report",
    }
    with translation.override("en"):
        assert missing_fact_words(fact) == {
            "fact": "CD22 expression",
            "document": "flow cytometry report",
        }
    case = CaseFactory(interface_language="es")
    with translation.override("es"):
        page = build_status_page(case)
    assert page.case == case  # built in any language without error
