"""Over a thousand malformed uploads through both upload paths (the intake's documents step and
the status page): never a server error, nothing stored for a refused file (no row, no file),
and what is stored is cleaned (no image still carrying what was appended to it, no PDF with
bytes after its end or with scripts). Deterministic: one seed, files built in memory."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from PIL import Image

from screening.documents.sanitise import active_content
from screening.models import CaseStatus, Document
from tests.intake.helpers import post_step, step_url
from tests.status.conftest import make_patient
from tests.uploads.conftest import stored_files
from tests.uploads.fuzz import (
    CONTENT_TYPE,
    EITHER,
    FUZZ_MAX_UPLOAD,
    KEPT,
    MARKER,
    REFUSED,
    Generator,
    Sample,
    multipart,
)

pytestmark = pytest.mark.django_db

SEED = 20261203
FILES_PER_PATH = 520  # 1,040 in all, over both paths
REQUESTS_PER_PERSON = 30
MAGIC = {"application/pdf": b"%PDF", "image/png": b"\x89PNG", "image/jpeg": b"\xff\xd8\xff"}


@pytest.fixture
def fuzz_settings(settings):
    """Hourly limits out of the way (tests/security/test_rate_limits.py has them); a small
    MAX_UPLOAD_BYTES so oversize files are cheap to build; room for every file that passes."""
    settings.MAX_UPLOAD_BYTES = FUZZ_MAX_UPLOAD
    settings.UPLOADS_PER_HOUR = 10**9
    settings.UPLOAD_BYTES_PER_HOUR = 10**15
    settings.INTAKE_START_RATE = "100000/h"
    settings.MAX_FILES_PER_CASE = 10_000
    settings.MAX_BYTES_PER_CASE = 10**12
    return settings


def batches(generator: Generator, total: int):
    """Lists of one to six samples, `total` samples in all; every kind comes up. (Several files
    a request, as people send them, and fewer pages to render: the test stays quick.)"""
    sent = 0
    while sent < total:
        size = min(generator.random.randint(1, 6), total - sent)
        batch = [generator.sample() for _ in range(size)]
        sent += len(batch)
        yield batch


def post_at_intake(client, samples: list[Sample]):
    fields = {"intake-current_step": "documents", "documents-category": "pathology", "upload": "1"}
    body = multipart(fields, "documents-files", samples)
    return client.post(step_url("documents"), body, content_type=CONTENT_TYPE)


def post_on_status_page(person, samples: list[Sample]):
    body = multipart({"category": "pathology"}, "files", samples)
    return Client().post(person.url, body, content_type=CONTENT_TYPE)


def tag_of(document: Document) -> str:
    found = re.search(r"u\d{4}u", document.original_name)
    assert found, document.original_name
    return found.group()


def assert_only_cleaned_passing_files_were_stored(samples: list[Sample], before: set[Path]):
    documents = {tag_of(document): document for document in Document.objects.all()}
    for sample in samples:
        if sample.expect == REFUSED:
            assert sample.tag not in documents, (sample.kind, sample.name)
        elif sample.expect == KEPT:
            assert sample.tag in documents, (sample.kind, sample.name)
    root = Path(django_settings.PRIVATE_MEDIA_ROOT)
    expected = {root / d.file.name for d in documents.values()}
    assert stored_files() - before == expected  # no orphans, nothing else
    kinds = {sample.tag: sample.kind for sample in samples}
    for tag, document in documents.items():
        with document.file.open("rb") as handle:
            data = handle.read()
        assert data.startswith(MAGIC[document.content_type]), tag
        assert (len(data), document.size) == (document.size, len(data))
        if document.content_type == "application/pdf":
            assert len(data) - (data.rfind(b"%%EOF") + 5) <= 2, (kinds[tag], tag)
            if kinds[tag] == "active_pdf":
                import pypdf

                assert not active_content(pypdf.PdfReader(io.BytesIO(data)).trailer), tag
                assert document.removed_content, tag
        else:
            assert MARKER not in data, (kinds[tag], tag)
            Image.open(io.BytesIO(data)).load()


def assert_every_kind_was_tried(samples: list[Sample]):
    tried = Counter(sample.kind for sample in samples)
    assert set(tried) == set(Generator.KINDS), tried
    assert min(tried.values()) >= 20, tried
    assert any("\x00" in sample.name for sample in samples)
    assert any("../" in sample.name for sample in samples)


def test_malformed_uploads_at_the_intake_never_fail_and_store_only_cleaned_files(fuzz_settings):
    before = stored_files()
    generator = Generator(SEED)
    sent: list[Sample] = []
    client = None
    for number, batch in enumerate(batches(generator, FILES_PER_PATH)):
        if number % REQUESTS_PER_PERSON == 0:
            client = Client()
            assert post_step(client, "about").status_code == 302  # a draft to upload to
        response = post_at_intake(client, batch)
        assert response.status_code in (200, 302), (response.status_code, batch)
        sent += batch
    assert_every_kind_was_tried(sent)
    assert_only_cleaned_passing_files_were_stored(sent, before)
    assert not Document.objects.filter(case__isnull=False).exists()


def test_malformed_uploads_on_the_status_page_never_fail_and_store_only_cleaned_files(
    fuzz_settings,
):
    before = stored_files()
    generator = Generator(SEED + 1)
    sent: list[Sample] = []
    person = None
    for number, batch in enumerate(batches(generator, FILES_PER_PATH)):
        if number % REQUESTS_PER_PERSON == 0:
            person = make_patient(status=CaseStatus.IN_REVIEW)
        response = post_on_status_page(person, batch)
        everything_refused = all(sample.expect == REFUSED for sample in batch)
        assert response.status_code in ((400,) if everything_refused else (302, 400)), batch
        sent += batch
    assert_every_kind_was_tried(sent)
    assert_only_cleaned_passing_files_were_stored(sent, before)


def test_too_many_files_are_refused_on_both_paths_and_nothing_of_them_is_stored(fuzz_settings):
    fuzz_settings.MAX_FILES_PER_CASE = 3
    before = stored_files()
    generator = Generator(SEED + 2)
    four = [generator.sample("active_pdf") for _ in range(4)]

    person = make_patient(status=CaseStatus.IN_REVIEW)
    response = post_on_status_page(person, four)
    assert response.status_code == 400
    assert "can take only 3 more" in response.content.decode()
    assert not Document.objects.exists()

    client = Client()
    post_step(client, "about")
    response = post_at_intake(client, four)
    assert response.status_code == 200
    assert "at most 3 files" in response.content.decode()
    assert Document.objects.count() == 3  # the first three fit; the fourth is refused

    # More files in one request than Django reads (DATA_UPLOAD_MAX_NUMBER_FILES): a 413 page.
    many = [generator.sample("active_pdf") for _ in range(41)]
    for response in (post_on_status_page(person, many), post_at_intake(Client(), many)):
        assert response.status_code == 413
    stored = {tag_of(document) for document in Document.objects.all()}
    assert stored == {sample.tag for sample in four[:3]}
    assert len(stored_files() - before) == 3


def test_the_same_seed_gives_the_same_files():
    first, second = Generator(SEED), Generator(SEED)
    assert [first.sample() for _ in range(50)] == [second.sample() for _ in range(50)]
    assert EITHER in {Generator(SEED).sample("mutated_pdf").expect}
