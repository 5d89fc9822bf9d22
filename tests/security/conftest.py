"""Staff sign-in through the real pages: password, then second factor."""

import pytest

from screening.core.roles import sync_roles
from tests.factories import CoordinatorFactory, LeadFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def coordinator(db):
    sync_roles()
    return CoordinatorFactory(username="ines", first_name="Ines", last_name="Holloway")


@pytest.fixture
def lead(db):
    sync_roles()
    return LeadFactory(username="leda", first_name="Leda", last_name="Marchetti")


def sign_in_with_password(client, username, password=PASSWORD, **extra):
    return client.post(
        "/admin/login/?next=/admin/screening/case/",
        {"username": username, "password": password, "next": "/admin/screening/case/"},
        **extra,
    )
