"""Status-page personas: a patient holding their link, another patient, a revoked link."""

from dataclasses import dataclass

import pytest

from screening.core.tokens import issue_status_token
from screening.models import Case, CaseStatus, RecordsRequest
from tests.factories import CaseFactory, CoordinatorFactory, LeadFactory


@dataclass
class Patient:
    case: Case
    token: str
    request: RecordsRequest | None = None

    @property
    def url(self) -> str:
        return f"/status/{self.token}/"


def make_patient(**case_fields) -> Patient:
    case = CaseFactory(**case_fields)
    return Patient(case, issue_status_token(case))


@pytest.fixture
def patient(db):
    return make_patient()


@pytest.fixture
def other_patient(db):
    return make_patient()


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory(first_name="Maren", last_name="Quillfeather")


@pytest.fixture
def lead(db):
    return LeadFactory()


@pytest.fixture
def records_requested(db, coordinator):
    """A patient whose coordinator asked for a flow cytometry report and a treatment summary."""
    person = make_patient(status=CaseStatus.RECORDS_REQUESTED, assigned_to=coordinator)
    request = RecordsRequest.objects.create(
        case=person.case,
        requested_by=coordinator,
        facts=["cd19_positive"],
        categories=["treatment_summary"],
        message="Please include the most recent bone marrow report.",
    )
    person.request = request
    return person
