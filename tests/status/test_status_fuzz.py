"""Whatever is posted to the status page, the answer is never a server error."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.models import CaseStatus, DocumentCategory, RecordsRequest
from tests.status.conftest import make_patient
from tests.uploads.samples import GIF_BYTES, HTML_BYTES, JPEG_BYTES, make_pdf, make_png

pytestmark = pytest.mark.django_db

PDF = make_pdf()
CONTENTS = st.one_of(
    st.binary(max_size=3000),
    st.sampled_from([PDF, PDF[: len(PDF) // 2], make_png(), JPEG_BYTES, GIF_BYTES, HTML_BYTES]),
    st.builds(
        lambda head, tail: head + tail,
        st.sampled_from([b"%PDF-1.4\n", b"\x89PNG"]),
        st.binary(max_size=2000),
    ),
)
NAMES = st.one_of(st.text(max_size=300), st.sampled_from(["../../x.pdf", "a\x00b.png", ""]))
CATEGORIES = st.one_of(st.sampled_from(DocumentCategory.values), st.text(max_size=40))


@pytest.fixture(autouse=True)
def _no_upload_throttle(settings):
    """These tests are about parsing hostile forms; hundreds of posts from one address would
    otherwise meet the hourly upload limit (tested in tests/security/test_rate_limits.py)."""
    settings.UPLOADS_PER_HOUR = 10**9
    settings.UPLOAD_BYTES_PER_HOUR = 10**15


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def client_side_name(name: str) -> str:
    """A name the test client can send: Django's file objects refuse a NUL, and a name with no
    last part ("/", "a/..", ""), before anything reaches the server."""
    name = name.replace("\x00", "")
    return name if os.path.basename(name) not in {"", ".", ".."} else "f"


@pytest.fixture
def people(db):
    requested = make_patient(status=CaseStatus.RECORDS_REQUESTED)
    RecordsRequest.objects.create(case=requested.case, facts=["cd19_positive"])
    closed = make_patient(status=CaseStatus.CLOSED, outcome="withdrawn")
    return [requested, make_patient(status=CaseStatus.IN_REVIEW), closed]


@FUZZ
@given(
    which=st.integers(0, 2),
    category=CATEGORIES,
    uploads=st.lists(st.tuples(NAMES, CONTENTS), max_size=4),
    extra=st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=50), max_size=3),
)
def test_random_upload_forms_never_cause_a_server_error(
    client, people, which, category, uploads, extra
):
    files = [SimpleUploadedFile(client_side_name(name), content) for name, content in uploads]
    data = {**extra, "category": category, "files": files}
    response = client.post(people[which].url, data)
    assert response.status_code in (302, 400, 409)


@FUZZ
@given(
    body=st.binary(max_size=2000),
    content_type=st.sampled_from(
        [
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "application/json",
            "text/plain",
        ]
    ),
)
def test_random_raw_bodies_never_cause_a_server_error(client, people, body, content_type):
    response = client.generic("POST", people[0].url, data=body, content_type=content_type)
    assert response.status_code < 500
