"""Upload-test helpers: uploaded files built from real bytes, and a look at private storage."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from screening.models import IntakeDraft
from tests.uploads.samples import make_pdf


def uploaded(name: str, content: bytes, content_type: str = "application/octet-stream"):
    """An in-memory upload, as Django hands small files to a view."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def uploaded_on_disk(name: str, content: bytes):
    """A spooled-to-disk upload, as Django hands files over FILE_UPLOAD_MAX_MEMORY_SIZE."""
    upload = TemporaryUploadedFile(name, "application/pdf", len(content), None)
    upload.write(content)
    upload.seek(0)
    return upload


def stored_files() -> set[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()}


def sha256_of_stored(document) -> str:
    with document.file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.fixture
def pdf_bytes():
    return make_pdf()


@pytest.fixture
def draft(db):
    from django.utils import timezone

    return IntakeDraft.objects.create(
        key="draft-key-upload-tests", expires_at=timezone.now() + timezone.timedelta(days=14)
    )
