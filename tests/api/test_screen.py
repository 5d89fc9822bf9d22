"""POST /api/v1/screen: profiles in, results out in the same order, nothing stored."""

from __future__ import annotations

import pytest

from screening.models import Case, CaseEvent, ScreeningRun
from screening.rules import RULESET_VERSION, screen_patient
from tests.api.conftest import error_fields
from tests.rules.profiles import relapsed_b_all_adult

pytestmark = pytest.mark.django_db


def myeloma():
    profile = relapsed_b_all_adult()
    profile.update(
        {
            "diagnosis": "mm",
            "disease_status": "relapsed",
            "prior_lines": 4,
            "prior_therapies": ["imid", "proteasome_inhibitor", "anti_cd38"],
        }
    )
    profile["biomarkers"]["cd19_positive"] = None
    return profile


def test_it_returns_one_result_per_profile_in_order_and_stores_nothing(api):
    profiles = [relapsed_b_all_adult(), myeloma(), relapsed_b_all_adult()]
    response = api.post("/api/v1/screen", profiles)
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 3
    for profile, result in zip(profiles, body, strict=True):
        expected = screen_patient(profile).to_dict()
        assert result["ruleset"] == RULESET_VERSION
        assert {k: v["verdict"] for k, v in result["results"].items()} == {
            k: v["verdict"] for k, v in expected["results"].items()
        }
        assert "not medical advice" in result["notice"]
    assert body[1]["results"]["abecma"]["verdict"] == "eligible"
    criteria = body[1]["results"]["abecma"]["indications"][0]["criteria"]
    assert {"name", "outcome", "explanation", "label", "basis"} <= set(criteria[0])
    assert not (
        Case.objects.exists() or ScreeningRun.objects.exists() or CaseEvent.objects.exists()
    )


def test_an_invalid_profile_names_its_index_and_field_and_screens_none(api):
    bad = relapsed_b_all_adult()
    bad["age_years"] = "twelve"
    response = api.post("/api/v1/screen", [relapsed_b_all_adult(), bad])
    assert response.status_code == 422
    assert error_fields(response) == {"[1].age_years"}


def test_it_takes_a_list_only_and_not_too_many(api, settings):
    assert api.post("/api/v1/screen", {"patient": {}}).status_code == 422
    settings.API_SCREEN_MAX_PROFILES = 2
    response = api.post("/api/v1/screen", [relapsed_b_all_adult()] * 3)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "too_many"


def test_the_screen_scope_is_needed(make_client):
    submitter = make_client("No Screening Clinic", "cases:submit")
    assert submitter.post("/api/v1/screen", [relapsed_b_all_adult()]).status_code == 403
