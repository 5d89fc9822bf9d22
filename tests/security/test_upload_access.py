"""No URL serves an uploaded file without a permitted user: every URL the project routes (each
filled in with the documents', cases' and tokens' identifiers), the storage paths guessed
directly, asked by someone signed out, a staff member without the second factor, a person
holding a status link, and a coordinator who may not see the case. Only a permitted user,
signed in with a second factor, gets the bytes, from the download view."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

from screening.models import CaseStatus, Document, ScanStatus
from tests.auth import MODEL_BACKEND, staff_login
from tests.factories import CoordinatorFactory, LeadFactory
from tests.intake.helpers import post_step, step_url
from tests.security.test_headers import admin_urls, public_urls
from tests.status.conftest import make_patient
from tests.uploads.samples import make_pdf

pytestmark = pytest.mark.django_db

CASE_MARKER = "CASE-FILE-MARKER-4471"
DRAFT_MARKER = "DRAFT-FILE-MARKER-9902"


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        # Reading it to the end closes it, as a WSGI server would (the test client's wrapper;
        # closing it again would close the database connection mid-test).
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def world(db, settings):
    from screening.core.roles import sync_roles

    settings.ALLOW_UNSCANNED_DOWNLOADS = True  # so only the access rules stand in the way
    sync_roles()
    lead = LeadFactory()
    person = make_patient(status=CaseStatus.IN_REVIEW, assigned_to=lead)
    sent = Client().post(
        person.url,
        {"category": "pathology", "files": [_pdf("report.pdf", CASE_MARKER)]},
    )
    assert sent.status_code == 302
    intake = Client()
    post_step(intake, "about")
    intake.post(
        step_url("documents"),
        {
            "intake-current_step": "documents",
            "documents-category": "labs",
            "documents-files": [_pdf("labs.pdf", DRAFT_MARKER)],
            "upload": "1",
        },
    )
    case_document = Document.objects.get(case=person.case)
    draft_document = Document.objects.get(case__isnull=True)
    Document.objects.update(scan_status=ScanStatus.CLEAN)
    # Closed and someone else's: a coordinator may not open it (screening/triage/access.py).
    type(person.case).objects.filter(pk=person.case.pk).update(status=CaseStatus.CLOSED)
    return {
        "lead": lead,
        "person": person,
        "case_document": case_document,
        "draft_document": draft_document,
    }


def _pdf(name: str, marker: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, make_pdf(text=f"Report {marker}"))


def every_routed_url(values: list) -> set[str]:
    """Each named URL of the project, reversed with no argument and with each value (and
    pairs of the first few), where it matches."""
    names = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                names.append(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    arguments = [[], *([value] for value in values), *([a, b] for a in values[:3] for b in values)]
    urls = set()
    for name in set(names):
        for args in arguments:
            try:
                urls.add(reverse(name, args=args))
            except NoReverseMatch:
                continue
    return urls


def storage_guesses(documents) -> set[str]:
    guesses = set()
    for document in documents:
        name = document.file.name
        for prefix in ("/", "/media/", "/private-media/", "/var/private-media/", "/static/"):
            guesses.add(prefix + name)
        guesses.add(f"/static/../var/private-media/{name}")
    return guesses


def all_urls(world) -> list[str]:
    documents = [world["case_document"], world["draft_document"]]
    case = world["person"].case
    values = [
        world["case_document"].pk,
        world["draft_document"].pk,
        case.pk,
        case.reference,
        world["person"].token,
        "1",
    ]
    urls = every_routed_url(values) | set(admin_urls()) | storage_guesses(documents)
    urls |= set(public_urls(world["person"].token, case.reference))
    urls |= {f"/api/v1/cases/{case.reference}/documents", "/admin/screening/document/"}
    return sorted(urls)


def unpermitted_clients(world) -> dict[str, Client]:
    signed_out = Client()
    patient = Client()
    patient.get(world["person"].url)  # holding a valid status link
    without_second_factor = Client()
    without_second_factor.force_login(LeadFactory(), backend=MODEL_BACKEND)
    other_coordinator = staff_login(Client(), CoordinatorFactory())
    return {
        "signed out": signed_out,
        "patient with a status link": patient,
        "lead without a second factor": without_second_factor,
        "coordinator of other cases": other_coordinator,
    }


def test_no_url_hands_an_uploaded_file_to_anyone_not_permitted(world):
    urls = all_urls(world)
    download = reverse("admin:screening_document_download", args=[world["case_document"].pk])
    assert download in urls and len(urls) > 100
    for who, client in unpermitted_clients(world).items():
        for url in urls:
            response = client.get(url)
            content = body_of(response)
            assert response.status_code < 500 or url == "/readyz", (who, url)
            assert CASE_MARKER.encode() not in content, (who, url)
            assert DRAFT_MARKER.encode() not in content, (who, url)


def test_the_permitted_lead_gets_the_case_file_and_nobody_gets_a_drafts_file(world):
    lead = staff_login(Client(), world["lead"])
    download = reverse("admin:screening_document_download", args=[world["case_document"].pk])
    response = lead.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert CASE_MARKER.encode() in body_of(response)
    draft = reverse("admin:screening_document_download", args=[world["draft_document"].pk])
    assert lead.get(draft).status_code == 404
    for url in all_urls(world):
        assert DRAFT_MARKER.encode() not in body_of(lead.get(url)), url
