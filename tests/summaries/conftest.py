"""Case summaries: screened cases with contacts, the staff who send them, and (for the worker
tests) the pipeline's real subprocess workers and the file database they share."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from pypdf import PdfReader

from screening.core.roles import sync_roles
from tests.admin.conftest import screened_case
from tests.factories import CoordinatorFactory
from tests.pipeline import conftest as pipeline

# The real worker's fixtures (tests/pipeline/conftest.py), for tests/summaries/test_worker_*.py.
mailbox = pipeline.mailbox
pipeline_queue = pipeline.pipeline_queue
redis_broker_url = pipeline.redis_broker_url
start_worker = pipeline.start_worker
wait_for = pipeline.wait_for


def pytest_configure(config):
    # A subprocess worker reads the test database: a file on SQLite, as in tests/pipeline/.
    database = settings.DATABASES["default"]
    if not database.get("TEST", {}).get("NAME"):
        pipeline.pytest_configure(config)


PHYSICIAN_EMAIL = "aurelia.voss@northshore-hospital.example.org"
CENTER_EMAIL = "cart.program@lakeside-cancer-center.example.org"


@pytest.fixture
def coordinator(db):
    sync_roles()
    return CoordinatorFactory(
        first_name="Ines", last_name="Holloway", email="ines.holloway@navigator.example.org"
    )


def case_with_contacts(coordinator, **fields):
    """A case screened by the real rules, assigned to `coordinator`, with both contacts."""
    values = {
        "referring_physician": "Dr Aurelia Voss",
        "referring_physician_email": PHYSICIAN_EMAIL,
        "referring_physician_role": "treating hematologist",
        "target_center": "Lakeside Cancer Center",
        "center_contact_name": "Maren Osei",
        "center_contact_email": CENTER_EMAIL,
        "center_contact_role": "CAR-T program coordinator",
        **fields,
    }
    return screened_case(assigned_to=coordinator, status="in_review", **values)


@pytest.fixture
def case(coordinator):
    return case_with_contacts(coordinator)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
