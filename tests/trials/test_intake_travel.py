"""The intake's optional question: other countries the patient would travel to for a trial."""

from __future__ import annotations

import pytest

from screening.intake.derivation import derive_trial_inputs
from screening.intake.forms.about import AboutForm
from screening.models import Case
from tests.intake.helpers import ABOUT, submit, walk_to_review


def _about(**changes):
    return AboutForm(data={**ABOUT, **changes})


def test_the_question_is_optional():
    form = _about()
    assert form.is_valid(), form.errors
    assert form.answers()["travel_countries"] == []


def test_chosen_countries_are_kept_without_the_home_country():
    form = _about(travel_countries=["FR", "US", "CN"])
    assert form.is_valid(), form.errors
    assert form.answers()["travel_countries"] == ["CN", "FR"]
    rows = dict(form.summary())
    # The patient fills it in (tests/intake/helpers.py): the question says "you" (issue #16).
    question = "Other countries you would travel to for a clinical trial (optional)"
    assert rows[question] == "France, United States of America, China"


def test_an_unknown_country_is_refused():
    form = _about(travel_countries=["XX"])
    assert not form.is_valid()
    assert "travel_countries" in form.errors


def test_the_derived_inputs_are_the_country_and_the_travel_countries():
    answers = {"about": {"country": "US", "travel_countries": ["CN", "US", "FR", "CN"]}}
    assert derive_trial_inputs(answers) == {"country": "US", "travel_countries": ["CN", "FR"]}
    assert derive_trial_inputs({}) == {"country": "", "travel_countries": []}


@pytest.mark.django_db
def test_a_submitted_case_keeps_the_travel_countries(client, django_capture_on_commit_callbacks):
    review = walk_to_review(client, about={**ABOUT, "travel_countries": ["CN", "DE"]})
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, review)
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.country, case.travel_countries) == ("US", ["CN", "DE"])
