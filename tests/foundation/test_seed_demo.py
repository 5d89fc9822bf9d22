import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from screening.management.demo import COORDINATORS_GROUP, DEMO_USERNAME

pytestmark = pytest.mark.django_db


def run_seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_one_coordinator_and_prints_the_password_once():
    first = run_seed_demo()
    second = run_seed_demo()

    password = re.search(r"password=(\S+)", first).group(1)
    users = get_user_model().objects.filter(username=DEMO_USERNAME)
    assert users.count() == 1
    user = users.get()
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name=COORDINATORS_GROUP).exists()
    assert user.check_password(password)
    assert password not in second
    assert "already exists; password unchanged" in second


def test_it_generates_a_different_password_for_each_fresh_database():
    first = re.search(r"password=(\S+)", run_seed_demo()).group(1)
    get_user_model().objects.all().delete()
    second = re.search(r"password=(\S+)", run_seed_demo()).group(1)

    assert first != second
    assert len(first) >= 16
