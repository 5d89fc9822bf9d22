"""The person keeps what they sent: the confirmation page and the status page link to a
printable page of the answers as submitted, and to its PDF; the status token is the key."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from screening.core.tokens import issue_status_token
from screening.models import Case
from tests.factories import CaseFactory
from tests.intake.helpers import submit, walk_to_review

pytestmark = pytest.mark.django_db

# What the wizard walk of tests/intake/helpers.py answered, as the page must show it.
ANSWERED = [
    "Ana",
    "Lopez",
    "ana.lopez@example.org",
    "+1 555 0100 200",
    "germinal center type",
    "R-CHOP",
    "January 2024",
    "February 2024 to June 2024",
]


@pytest.fixture
def sent(client, django_capture_on_commit_callbacks):
    """A form sent through the wizard; (case, the confirmation page's response)."""
    review = walk_to_review(client)
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, review)
    case = Case.objects.get()
    return case, client.get(reverse("intake_submitted"))


def links(page) -> tuple[str, str]:
    html = page.content.decode()
    start = html.index('id="printable-answers"')
    answers = html[html.rindex('href="', 0, start) + 6 : start].split('"')[0]
    start = html.index('id="answers-pdf"')
    pdf = html[html.rindex('href="', 0, start) + 6 : start].split('"')[0]
    return answers, pdf


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_confirmation_page_links_to_the_printable_answers_as_sent(client, sent):
    case, confirmation = sent
    answers_url, pdf_url = links(confirmation)
    assert answers_url.startswith("/status/") and answers_url.endswith("/answers/")
    assert pdf_url == answers_url.removesuffix("/") + ".pdf"

    page = client.get(answers_url)

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    html = page.content.decode()
    for answer in ANSWERED:
        assert answer in html, answer
    assert case.reference in html
    assert "Your answers as sent" in html
    assert "Not medical advice" in html and "It does not diagnose" in html
    assert "Diffuse large B-cell lymphoma" in html
    assert "screening/print.css" in html and "screening/print.js" in html


def test_the_status_page_offers_the_same_printable_view_and_pdf(client, sent):
    case, confirmation = sent
    answers_url, pdf_url = links(confirmation)
    status = client.get(answers_url.removesuffix("answers/"))

    assert status.status_code == 200
    assert links(status) == (answers_url, pdf_url)


def test_the_pdf_holds_the_answers_and_opens_with_pypdf(client, sent):
    case, confirmation = sent
    _answers_url, pdf_url = links(confirmation)

    response = client.get(pdf_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="navigator-{case.reference}-answers.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    text = pdf_text(response.content)
    for answer in ANSWERED:
        assert answer in text, answer
    assert case.reference in text
    assert "Not medical advice" in text
    assert "1 / " in text  # page numbers on every page


def test_the_answers_are_shown_in_the_persons_language(client, sent):
    case, confirmation = sent
    answers_url, pdf_url = links(confirmation)
    Case.objects.filter(pk=case.pk).update(interface_language="es")

    html = client.get(answers_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="es">' in html
    assert "Sus respuestas tal como las envió" in html
    assert "No es consejo médico" in html
    assert "R-CHOP" in html and "enero de 2024" in html
    assert "Sus respuestas tal como las envió" in pdf_text(client.get(pdf_url).content)

    Case.objects.filter(pk=case.pk).update(interface_language="zh-hans")
    text = pdf_text(client.get(pdf_url).content)
    assert "您发送的回答" in text
    assert "R-CHOP" in text


@pytest.mark.parametrize("suffix", ["answers/", "answers.pdf"])
def test_a_wrong_or_missing_token_gets_the_plain_not_found_page(client, sent, suffix):
    case, _confirmation = sent
    for token in ("not-a-token", "x" * 200, "%00"):
        response = client.get(f"/status/{token}/{suffix}")
        assert response.status_code == 404, token
        assert "no-store" in response["Cache-Control"]
        assert case.reference not in response.content.decode()
        assert "Ana" not in response.content.decode()


def test_the_pages_only_answer_reading(client, sent):
    _case, confirmation = sent
    answers_url, pdf_url = links(confirmation)
    assert client.post(answers_url).status_code == 405
    assert client.post(pdf_url).status_code == 405
    assert client.head(answers_url).status_code == 200


def test_a_case_not_sent_through_the_form_says_there_are_no_answers_to_show(client):
    case = CaseFactory()
    token = issue_status_token(case)

    page = client.get(reverse("status_answers", args=[token]))

    assert page.status_code == 200
    assert "there are no answers to show here" in page.content.decode()
    pdf = client.get(reverse("status_answers_pdf", args=[token]))
    assert case.reference in pdf_text(pdf.content)


def test_the_printable_page_costs_two_queries_and_its_pdf_the_same(sent):
    case, _confirmation = sent
    token = issue_status_token(case)
    fresh = Client()  # no session: only the page's own queries
    for name in ("status_answers", "status_answers_pdf"):
        with CaptureQueriesContext(connection) as queries:
            response = fresh.get(reverse(name, args=[token]))
        assert response.status_code == 200
        # The token with its case (one join), the documents sent with the form.
        assert len(queries) == 2, [q["sql"][:80] for q in queries]


def test_a_pdf_that_cannot_be_made_gives_a_plain_page_pointing_to_the_printable_one(
    client, sent, monkeypatch
):
    import weasyprint

    def broken(self, *args, **kwargs):  # the renderer itself failing (fonts, memory...)
        raise RuntimeError("no usable font")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    _case, confirmation = sent
    answers_url, pdf_url = links(confirmation)

    response = client.get(pdf_url)

    assert response.status_code == 503
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "The PDF could not be made just now" in html
    assert f'href="{answers_url}"' in html
    assert "no usable font" not in html
