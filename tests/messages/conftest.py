"""Fixtures for messages between a person and their coordinator: the admin personas, and a
person holding the status link of an in-review case assigned to `coordinator`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.core import mail

from screening.core.tokens import issue_status_token
from screening.models import Case, CaseStatus
from tests.admin import conftest as admin_fixtures

personas = admin_fixtures.personas
coordinator = admin_fixtures.coordinator
other_coordinator = admin_fixtures.other_coordinator
lead = admin_fixtures.lead
login = admin_fixtures.login
screened_case = admin_fixtures.screened_case


@dataclass
class Person:
    case: Case
    token: str

    @property
    def url(self) -> str:
        return f"/status/{self.token}/"

    @property
    def message_url(self) -> str:
        return f"/status/{self.token}/messages/"


def new_key() -> str:
    return uuid.uuid4().hex


def person_with_case(coordinator, **fields) -> Person:
    fields.setdefault("status", CaseStatus.IN_REVIEW)
    case = screened_case(assigned_to=coordinator, **fields)
    mail.outbox.clear()
    return Person(case, issue_status_token(case))


@pytest.fixture
def person(coordinator):
    """Someone holding the status link of an in-review case of `coordinator`."""
    return person_with_case(coordinator, first_name="Odile")


@pytest.fixture
def spanish_person(coordinator):
    return person_with_case(coordinator, first_name="Ana", interface_language="es")
