"""Downloads: only through the permission-checked view, as an attachment with nosniff and a
safe name, never a quarantined file. Every case view and every download writes exactly one
access record (who, when, which case or file, from where); refused requests write none."""

import pytest
from django.urls import reverse

from screening.models import AccessRecord, CaseStatus, ScanStatus
from tests.admin.conftest import screened_case
from tests.auth import staff_login
from tests.factories import MINIMAL_PDF, DocumentFactory

pytestmark = pytest.mark.django_db

FROM = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "Mozilla/5.0 (X11) TriageTest/1.0"}


def download_url(document):
    return reverse("admin:screening_document_download", args=[document.pk])


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_download_is_an_attachment_with_nosniff_and_the_stored_bytes(
    client, coordinator, own_case
):
    document = DocumentFactory(case=own_case, original_name="Flow report (March).pdf")
    staff_login(client, coordinator)

    response = client.get(download_url(document), **FROM)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Flow report (March).pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert "sandbox" in response["Content-Security-Policy"]
    assert body_of(response) == MINIMAL_PDF


@pytest.mark.parametrize(
    ("original_name", "content_type", "expected"),
    [
        ('../../etc/pass"wd\r\nX-Evil: 1.pdf', "application/pdf", "pass_wd X-Evil_ 1.pdf"),
        ("report.html", "application/pdf", "report.html.pdf"),
        ("scan.JPEG", "image/jpeg", "scan.jpg"),
        ("", "image/png", "document.png"),
        ("...", "application/pdf", "document.pdf"),
    ],
)
def test_the_file_name_is_made_safe_and_matches_the_detected_type(
    client, coordinator, own_case, original_name, content_type, expected
):
    document = DocumentFactory(
        case=own_case, original_name=original_name, content_type=content_type
    )
    staff_login(client, coordinator)
    response = client.get(download_url(document))
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert "\n" not in response["Content-Disposition"]


def test_a_non_ascii_name_is_encoded_not_mangled(client, coordinator, own_case):
    document = DocumentFactory(case=own_case, original_name="Befund Müller.pdf")
    staff_login(client, coordinator)
    response = client.get(download_url(document))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Befund%20M%C3%BCller.pdf"
    )


@pytest.mark.parametrize(
    ("scan_status", "status", "text"),
    [
        (ScanStatus.QUARANTINED, 403, "quarantined"),
        (ScanStatus.PENDING, 409, "waiting for its virus scan"),
    ],
)
def test_a_quarantined_or_unscanned_file_is_never_sent(
    client, lead, own_case, scan_status, status, text
):
    document = DocumentFactory(case=own_case, scan_status=scan_status)
    staff_login(client, lead)
    response = client.get(download_url(document))
    assert response.status_code == status
    assert text in response.text
    assert MINIMAL_PDF.decode("latin-1") not in response.text
    assert not AccessRecord.objects.filter(document=document).exists()


def test_a_missing_stored_file_is_a_plain_404(client, lead, own_case):
    document = DocumentFactory(case=own_case)
    document.file.storage.delete(document.file.name)
    staff_login(client, lead)
    response = client.get(download_url(document))
    assert response.status_code == 404
    assert "The stored file is missing" in response.text


def test_an_unknown_document_is_a_404(client, lead):
    staff_login(client, lead)
    assert (
        client.get(reverse("admin:screening_document_download", args=[999999])).status_code == 404
    )


def test_the_document_list_leads_to_the_case_page(client, coordinator, own_case):
    document = DocumentFactory(case=own_case)
    staff_login(client, coordinator)
    listing = client.get(reverse("admin:screening_document_changelist")).text
    assert document.original_name in listing and download_url(document) in listing
    response = client.get(reverse("admin:screening_document_change", args=[document.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{own_case.pk}/change/#document-{document.pk}")


# --- The access log ------------------------------------------------------------------------


def test_one_case_view_writes_exactly_one_access_record(client, coordinator, own_case):
    staff_login(client, coordinator)
    response = client.get(reverse("admin:screening_case_change", args=[own_case.pk]), **FROM)
    assert response.status_code == 200

    record = AccessRecord.objects.get()
    assert (record.user, record.action, record.case, record.document) == (
        coordinator,
        AccessRecord.Action.VIEW_CASE,
        own_case,
        None,
    )
    assert record.ip_address == "203.0.113.7"
    assert record.user_agent == "Mozilla/5.0 (X11) TriageTest/1.0"
    assert record.at is not None


def test_each_view_is_its_own_record(client, coordinator, own_case, others_case):
    staff_login(client, coordinator)
    for case in (own_case, others_case, own_case):
        client.get(reverse("admin:screening_case_change", args=[case.pk]))
    assert AccessRecord.objects.filter(case=own_case).count() == 2
    assert AccessRecord.objects.filter(case=others_case).count() == 1


def test_one_download_writes_exactly_one_access_record(client, coordinator, own_case):
    document = DocumentFactory(case=own_case)
    staff_login(client, coordinator)
    body_of(client.get(download_url(document), **FROM))

    record = AccessRecord.objects.get()
    assert (record.user, record.action, record.case, record.document) == (
        coordinator,
        AccessRecord.Action.DOWNLOAD,
        own_case,
        document,
    )
    assert record.ip_address == "203.0.113.7"


def test_refused_views_and_downloads_write_nothing(client, coordinator, personas):
    closed = screened_case(assigned_to=personas.other_coordinator, status=CaseStatus.CLOSED)
    document = DocumentFactory(case=closed)
    staff_login(client, coordinator)
    client.get(reverse("admin:screening_case_change", args=[closed.pk]))
    client.get(download_url(document))
    client.logout()
    client.get(download_url(document))
    assert not AccessRecord.objects.exists()


def test_the_queue_and_the_actions_are_not_case_views(client, coordinator, own_case):
    staff_login(client, coordinator)
    client.get(reverse("admin:screening_case_changelist"))
    client.post(reverse("admin:screening_case_note", args=[own_case.pk]), {"text": "ok"})
    # The queue is a listing (tests/admin/test_list_access_records.py), not a case view.
    [listing] = AccessRecord.objects.all()
    assert (listing.action, listing.case) == (AccessRecord.Action.LIST_CASES, None)
    assert listing.shown == [own_case.pk]


def test_leads_read_the_access_log_and_the_history_view_is_logged_too(
    client, coordinator, lead, own_case
):
    staff_login(client, coordinator)
    client.get(reverse("admin:screening_case_change", args=[own_case.pk]), **FROM)
    staff_login(client, lead)
    client.get(reverse("admin:screening_case_history", args=[own_case.pk]))

    log = client.get(reverse("admin:screening_accessrecord_changelist"))
    assert log.status_code == 200
    assert own_case.reference in log.text
    assert "203.0.113.7" in log.text
    assert coordinator.username in log.text
    assert AccessRecord.objects.filter(user=lead, case=own_case).count() == 1


def test_behind_the_tls_proxy_the_address_is_the_one_the_proxy_added(
    client, coordinator, own_case, settings
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    staff_login(client, coordinator)
    client.get(
        reverse("admin:screening_case_change", args=[own_case.pk]),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.50",
    )
    assert AccessRecord.objects.get().ip_address == "203.0.113.50"


def test_without_the_proxy_setting_a_forwarded_header_is_ignored(client, coordinator, own_case):
    staff_login(client, coordinator)
    client.get(
        reverse("admin:screening_case_change", args=[own_case.pk]),
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert AccessRecord.objects.get().ip_address == "203.0.113.7"
