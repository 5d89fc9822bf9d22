"""Demo data for local runs: a coordinator login and (once case models exist) synthetic cases."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

COORDINATORS_GROUP = "Coordinators"
DEMO_USERNAME = "coordinator"


@dataclass(frozen=True)
class DemoSeedResult:
    username: str
    password: str | None  # set only when the user was created by this call
    cases_created: int


@transaction.atomic
def seed_demo_data() -> DemoSeedResult:
    """Create the demo coordinator and demo cases; safe to run any number of times.

    An existing demo user is left exactly as it is: its password is never changed or shown
    again. Synthetic cases will be created here, after the coordinator, when the case models
    exist; until then none are created and `cases_created` is 0.
    """
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    user_model = get_user_model()
    password = None
    user = user_model.objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        password = secrets.token_urlsafe(12)
        user = user_model.objects.create_user(
            username=DEMO_USERNAME,
            email="coordinator@example.org",
            password=password,
            first_name="Demo",
            last_name="Coordinator",
            is_staff=True,
        )
    user.groups.add(group)
    return DemoSeedResult(username=user.username, password=password, cases_created=0)
