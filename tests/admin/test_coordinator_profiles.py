"""Coordinators' profiles: everyone reads them; a coordinator changes only their own, a lead any."""

import pytest
from django.urls import reverse

from screening.models import CoordinatorProfile
from tests.auth import staff_login

pytestmark = pytest.mark.django_db


def change_url(user):
    profile = CoordinatorProfile.objects.get(user=user)
    return reverse("admin:screening_coordinatorprofile_change", args=[profile.pk])


def post_profile(client, user, **data):
    return client.post(change_url(user), {"languages": "en", "accepting_cases": "on", **data})


def test_a_coordinator_goes_on_leave_but_cannot_touch_a_colleague(
    client, coordinator, other_coordinator
):
    staff_login(client, coordinator)
    response = post_profile(client, coordinator, languages="en, PT", accepting_cases="")
    assert response.status_code == 302
    profile = CoordinatorProfile.objects.get(user=coordinator)
    assert (profile.languages, profile.accepting_cases) == (["en", "pt"], False)

    assert client.get(change_url(other_coordinator)).status_code == 200  # read-only
    assert post_profile(client, other_coordinator, accepting_cases="").status_code == 403
    assert CoordinatorProfile.objects.get(user=other_coordinator).accepting_cases


def test_a_lead_changes_any_profile_and_bad_language_codes_are_refused(client, lead, coordinator):
    staff_login(client, lead)
    refused = post_profile(client, coordinator, languages="en, 42!")
    assert refused.status_code == 200
    assert "Not a language code: 42!" in refused.text
    assert post_profile(client, coordinator, languages="es").status_code == 302
    assert CoordinatorProfile.objects.get(user=coordinator).languages == ["es"]
