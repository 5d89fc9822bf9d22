"""Email a summary from the case file: compose, preview, send; what is previewed is what the
mail server receives, once; who may receive what; bad input refused with a reason."""

from __future__ import annotations

import datetime as dt
from email.header import decode_header, make_header

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.models import (
    CaseEvent,
    CaseSummary,
    EventKind,
    Notification,
    NotificationState,
    SummaryDelivery,
)
from screening.notify.delivery import deliver_email
from screening.rules.data.products import PRODUCTS
from tests.admin.conftest import screened_case
from tests.auth import staff_login
from tests.factories import CaseFactory
from tests.outbox import deliver_outbox
from tests.summaries.conftest import CENTER_EMAIL, PHYSICIAN_EMAIL, case_with_contacts, pdf_text
from tests.summaries.helpers import compose, parts, preview, send

pytestmark = pytest.mark.django_db

VERDICT_WORDS = {"eligible": "Likely eligible", "needs_review": "Needs review",
                 "not_eligible": "Not eligible"}  # fmt: skip


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_the_preview_is_exactly_what_the_mail_server_receives(client, case, smtp_settings,
                                                              mail_server):  # fmt: skip
    staff_login(client, case.assigned_to)
    summary = preview(client, case, cover_note="As discussed on the phone.")
    assert summary.delivery == SummaryDelivery.ATTACHED
    previewed = (summary.subject, summary.body_text, summary.body_html, bytes(summary.pdf))
    assert summary.subject in summary.preview_page
    html_part = client.get(
        reverse("admin:screening_case_summary_html", args=[case.pk, summary.pk])
    ).content.decode()
    assert html_part == summary.body_html
    previewed_pdf = client.get(
        reverse("admin:screening_case_summary_pdf", args=[case.pk, summary.pk])
    ).content
    assert previewed_pdf == previewed[3]

    assert send(client, case, summary).status_code == 302
    assert deliver_outbox() == 1

    [message] = mail_server.messages()
    text, html, files = parts(message)
    assert subject_of(message) == previewed[0]
    assert text.replace("\r\n", "\n") == previewed[1]
    assert html.replace("\r\n", "\n") == previewed[2]
    [(filename, pdf)] = files
    assert filename == f"navigator-summary-{case.reference}.pdf"
    assert pdf == previewed[3]
    assert pdf_text(pdf) == pdf_text(previewed[3])
    assert "As discussed on the phone." in text and "As discussed on the phone." in html


def test_the_patient_summary_says_each_verdict_and_why_in_the_email_and_the_pdf(client, case):
    staff_login(client, case.assigned_to)
    summary = preview(client, case)
    text = " ".join(pdf_text(bytes(summary.pdf)).split())
    for key, verdict in case.latest_run.verdicts.items():
        brand = PRODUCTS[key].brand
        assert brand in summary.body_text and brand in text
        line = next(line for line in summary.body_text.splitlines() if f"* {brand} " in line)
        assert VERDICT_WORDS[verdict] in line
    assert "not medical advice" in summary.body_text and "not medical advice" in text
    assert case.latest_run.ruleset_version in summary.body_text
    assert "Ines Holloway" in summary.body_text and "ines.holloway@navigator.example.org" in text
    assert "style=" in summary.body_html and "<style" not in summary.body_html  # CSS inlined


def test_the_physician_gets_a_link_and_no_medical_details_and_the_link_gives_the_pdf(
    client, case, smtp_settings, mail_server
):
    staff_login(client, case.assigned_to)
    summary = preview(client, case, recipient="physician")
    assert summary.delivery == SummaryDelivery.LINK
    assert "Download link" in summary.preview_page
    send(client, case, summary)
    deliver_outbox()

    [message] = mail_server.messages()
    text, html, files = parts(message)
    assert files == []
    assert message["To"] == PHYSICIAN_EMAIL
    for body in (text, html):
        assert "/summary/" in body
        for words in (*VERDICT_WORDS.values(), "Missing", "Caution"):
            assert words not in body
        for product in PRODUCTS.values():
            assert product.brand not in body
        assert "B-cell" not in body and "leukemia" not in body
    link = next(word for word in text.split() if "/summary/" in word)
    path = link.removeprefix("http://127.0.0.1:8000")

    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and "Download" in page.content.decode()
    refused = client.post(path, {"address": "someone.else@example.org"})
    assert refused.status_code == 403
    download = client.post(path, {"address": PHYSICIAN_EMAIL.upper()})
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "Likely eligible" in pdf_text(download.content)
    outcomes = list(summary.accesses.order_by("at", "pk").values_list("outcome", flat=True))
    assert outcomes == ["shown", "wrong_address", "downloaded"]


def test_an_expired_or_unknown_link_gives_a_plain_page_and_is_logged(client, case, caplog):
    staff_login(client, case.assigned_to)
    summary = preview(client, case, recipient="physician")
    send(client, case, summary)
    link = next(
        w
        for w in Notification.objects.get(template__startswith="case_summary").body_text.split()
        if "/summary/" in w
    )
    path = link.removeprefix("http://127.0.0.1:8000")
    client.logout()

    CaseSummary.objects.filter(pk=summary.pk).update(
        link_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = client.get(path)
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    assert client.post(path, {"address": PHYSICIAN_EMAIL}).status_code == 410
    unknown = client.get("/summary/not-a-real-link/")
    assert unknown.status_code == 404 and "does not work" in unknown.content.decode()
    outcomes = set(summary.accesses.values_list("outcome", flat=True))
    assert outcomes == {"expired"}
    assert "Summary download link refused (unknown)" in caplog.text
    assert "Summary download link refused (expired)" in caplog.text


def test_the_link_of_a_preview_never_sent_does_not_work(client, case):
    staff_login(client, case.assigned_to)
    summary = preview(client, case, recipient="physician")
    link = next(w for w in summary.body_text.split() if "/summary/" in w)
    client.logout()
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 404


def test_sending_twice_queues_and_sends_one_email(client, case, smtp_settings, mail_server):
    staff_login(client, case.assigned_to)
    summary = preview(client, case)
    send(client, case, summary)
    again = send(client, case, summary)
    assert again.status_code == 302
    assert Notification.objects.filter(template="case_summary").count() == 1
    row = Notification.objects.get(template__startswith="case_summary")
    deliver_outbox()
    assert deliver_email(row.pk) is False  # the same task delivered again
    assert len(mail_server.messages()) == 1
    events = CaseEvent.objects.filter(case=case, kind=EventKind.EMAIL_SENT)
    [sent] = [event for event in events if event.data["template"] == "case_summary"]
    assert sent.actor == case.assigned_to and sent.data["to"] == [case.email]


def test_a_transient_refusal_retries_and_a_permanent_one_marks_it_failed_with_the_reason(
    client, case, smtp_settings, mail_server
):
    staff_login(client, case.assigned_to)
    send(client, case, preview(client, case))
    row = Notification.objects.get(template__startswith="case_summary")
    mail_server.refuse_data = "451 4.3.0 Try again later"
    assert deliver_email(row.pk) is False
    row.refresh_from_db()
    assert row.state == NotificationState.QUEUED and row.next_attempt_at is not None
    assert "451" in row.last_error

    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    mail_server.refuse_data = "554 5.7.1 Message refused by policy"
    assert deliver_email(row.pk) is False
    row.refresh_from_db()
    assert row.state == NotificationState.FAILED and "554 5.7.1" in row.last_error
    failed = CaseEvent.objects.get(case=case, kind=EventKind.EMAIL_FAILED)
    assert "554 5.7.1 Message refused by policy" in failed.message
    assert failed.actor == case.assigned_to
    assert mail_server.messages() == []


def test_the_timeline_opens_what_was_sent(client, case, smtp_settings, mail_server):
    staff_login(client, case.assigned_to)
    summary = preview(client, case, recipient="physician", cover_note="For Thursday's board.")
    send(client, case, summary)
    deliver_outbox()
    summary.refresh_from_db()
    page = client.get(reverse("admin:screening_case_change", args=[case.pk])).content.decode()
    assert "Open the summary" in page
    opened = client.get(
        reverse("admin:screening_case_summary_for_email", args=[case.pk, summary.notification_id]),
        follow=True,
    ).content.decode()
    assert "For Thursday&#x27;s board." in opened or "For Thursday's board." in opened
    assert "[link removed after sending]" in opened  # the token is not kept once sent
    assert "Sent" in opened and PHYSICIAN_EMAIL in opened


def test_a_center_without_sharing_consent_is_refused_with_the_reason(client, coordinator):
    case = case_with_contacts(coordinator, consent_sharing=False)
    staff_login(client, coordinator)
    page = client.get(reverse("admin:screening_case_change", args=[case.pk])).content.decode()
    assert "not agreed" in page
    response = compose(client, case, recipient="center")
    assert response.status_code == 200
    assert "did not agree at intake to sharing with treatment centers" in response.content.decode()
    assert not CaseSummary.objects.exists()
    assert compose(client, case, recipient="physician").status_code == 302


def test_a_case_not_screened_yet_cannot_be_summarised_and_says_why(client, coordinator):
    case = CaseFactory(assigned_to=coordinator, referring_physician_email=PHYSICIAN_EMAIL)
    staff_login(client, coordinator)
    page = client.get(reverse("admin:screening_case_change", args=[case.pk])).content.decode()
    assert "Cannot summarise" in page and "has not been screened yet" in page
    response = compose(client, case)
    assert response.status_code == 200 and "has not been screened yet" in response.content.decode()
    assert not CaseSummary.objects.exists()


@pytest.mark.parametrize(
    ("first", "again", "error"),
    [
        ("not-an-address", "not-an-address", "is not a valid email address"),
        ("someone@localhost", "someone@localhost", "has no domain mail can be delivered to"),
        ("a.person@example.org", "a.persn@example.org", "The two addresses differ"),
        ("", "", "Type the other address"),
    ],
)
def test_a_malformed_other_address_is_refused_at_compose_time(client, case, first, again, error):
    staff_login(client, case.assigned_to)
    response = compose(client, case, recipient="other", other_address=first,
                       other_address_again=again)  # fmt: skip
    assert response.status_code == 200 and error in response.content.decode()
    assert not CaseSummary.objects.exists()


def test_another_address_typed_twice_gets_the_link(client, case):
    staff_login(client, case.assigned_to)
    summary = preview(client, case, recipient="other", other_address="Family.Member@example.org",
                      other_address_again="family.member@example.org")  # fmt: skip
    assert summary.recipient_email == "Family.Member@example.org"
    assert summary.delivery == SummaryDelivery.LINK and summary.audience == "patient"


def test_the_attachment_setting_sends_others_the_pdf_instead_of_a_link(client, case, settings):
    settings.SUMMARY_LINK_FOR_OTHERS = False
    staff_login(client, case.assigned_to)
    summary = preview(client, case, recipient="physician")
    assert summary.delivery == SummaryDelivery.ATTACHED
    assert "PDF attached" in summary.preview_page
    assert "Eligible under" in summary.body_text  # clinical wording, in the email


def test_a_clinical_summary_in_spanish_is_refused_and_a_plain_one_is_spanish(client, case):
    staff_login(client, case.assigned_to)
    response = compose(client, case, recipient="physician", language="es")
    assert "Clinical summaries are in English only" in response.content.decode()
    summary = preview(client, case, language="es")
    assert summary.language == "es" and "Probablemente cumple los requisitos" in summary.body_text


def test_a_failed_pdf_render_sends_nothing_and_says_so_on_the_timeline(client, case,
                                                                      monkeypatch):  # fmt: skip
    import weasyprint

    def broken(*args, **kwargs):
        raise RuntimeError("Pango could not lay out the page")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    staff_login(client, case.assigned_to)
    response = compose(client, case)
    body = response.content.decode()
    assert response.status_code == 200
    assert "The PDF could not be made" in body and "Nothing was sent" in body
    assert not CaseSummary.objects.exists()
    assert not Notification.objects.filter(template__startswith="case_summary").exists()
    failed = CaseEvent.objects.get(case=case, kind=EventKind.EMAIL_FAILED)
    assert "not made, nothing sent" in failed.message


def test_a_screening_newer_than_the_preview_refuses_the_send(client, case):
    staff_login(client, case.assigned_to)
    summary = preview(client, case)
    newer = screened_case(email="other@example.org").latest_run
    newer.case_id = case.pk
    type(case).objects.filter(pk=case.pk).update(latest_run=newer)
    response = send(client, case, summary)
    assert response.status_code == 302
    assert not Notification.objects.filter(template__startswith="case_summary").exists()
    page = client.get(response["Location"]).content.decode()
    assert "screened again since this preview" in page


def test_contacts_are_edited_in_the_case_file_and_a_bad_address_saves_nothing(client, case):
    staff_login(client, case.assigned_to)
    url = reverse("admin:screening_case_contacts", args=[case.pk])
    fields = {
        "referring_physician": "Dr Bram Okafor",
        "referring_physician_email": "not an address",
        "referring_physician_role": "oncologist",
        "target_center": "Harbor Cell Therapy Unit",
        "center_contact_name": "",
        "center_contact_email": CENTER_EMAIL,
        "center_contact_role": "",
    }
    page = client.post(url, fields, follow=True).content.decode()
    assert "is not a valid email address" in page
    case.refresh_from_db()
    assert case.referring_physician == "Dr Aurelia Voss"

    client.post(url, {**fields, "referring_physician_email": "bram.okafor@example.org"})
    case.refresh_from_db()
    assert case.referring_physician == "Dr Bram Okafor"
    assert case.referring_physician_email == "bram.okafor@example.org"
    assert case.history.first().history_user == case.assigned_to
    assert "Contacts edited" in case.history.first().history_change_reason


def test_a_coordinator_who_cannot_change_the_case_cannot_send_it(client, case):
    from tests.factories import CoordinatorFactory

    other = CoordinatorFactory()
    staff_login(client, other)
    assert compose(client, case).status_code in (403, 404)


def test_the_download_page_speaks_the_summarys_language_unless_another_is_chosen(client, case):
    staff_login(client, case.assigned_to)
    summary = preview(client, case, recipient="other", other_address="familia@example.org",
                      other_address_again="familia@example.org", language="es")  # fmt: skip
    send(client, case, summary)
    link = next(w for w in summary.body_text.split() if "/summary/" in w)
    path = link.removeprefix("http://127.0.0.1:8000")
    client.logout()
    assert "Descargar el resumen del caso" in client.get(path).content.decode()
    assert "Download the summary of case" in client.get(path + "?lang=en").content.decode()
