"""Questions that follow the answers (issue #16), through the wizard without a browser: a
follow-up is asked only when an answer on the same page calls for it, never required or kept
otherwise; a page that did not show it yet comes back once, without errors."""

from __future__ import annotations

import re

import pytest

from screening.models import Case, IntakeDraft
from tests.intake.helpers import (
    ABOUT,
    DIAGNOSIS,
    post_step,
    step_url,
    submit,
    walk_to_review,
)

pytestmark = pytest.mark.django_db

B_ALL = {
    "disease": "b_all",
    "biomarkers_for": "b_all",
    "marker_cd19_positive": "yes",
    "marker_cd22_positive": "unknown",
    "marker_kmt2a_rearranged": "no",
    "marker_philadelphia_positive": "no",
}


def stored(step: str) -> dict:
    return IntakeDraft.objects.get().data["step_data"][step]


def to_status_step(client, diagnosis=B_ALL):
    assert post_step(client, "about").status_code == 302
    assert post_step(client, "diagnosis", diagnosis)["Location"] == step_url("status")


def block_is_hidden(html: str, fields: str) -> bool:
    tag = re.search(rf'<div[^>]*data-follow-fields="{fields}"[^>]*>', html).group(0)
    return " hidden" in tag


# --- the disease now --------------------------------------------------------------------------


def test_refractory_b_all_needs_neither_mrd_nor_consolidation(client):
    to_status_step(client)
    response = post_step(client, "status", {"status": "refractory", "shown": ""})
    assert response["Location"] == step_url("treatment")


def test_an_mrd_level_sent_with_a_status_that_does_not_ask_it_is_never_stored(client):
    to_status_step(client)
    typed = {
        "status": "refractory",
        "shown": "mrd mrd_percent in_consolidation_phase",
        "mrd": "detectable",
        "mrd_percent": "4.5",
        "in_consolidation_phase": "yes",
    }
    assert post_step(client, "status", typed)["Location"] == step_url("treatment")
    kept = stored("status")
    assert not any(key.startswith(("status-mrd", "status-in_consolidation")) for key in kept)
    # Not even when the page is left with Back: hidden answers are never kept.
    post_step(client, "status", typed, wizard_goto_step="diagnosis")
    assert not any(key.startswith("status-mrd") for key in stored("status"))


def test_without_the_script_a_remission_brings_the_page_back_once_with_its_questions(client):
    to_status_step(client)
    response = post_step(client, "status", {"status": "first_remission", "shown": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="follow-up-notice"' in html and 'id="error-summary"' not in html
    assert not block_is_hidden(html, "mrd mrd_percent")
    assert not block_is_hidden(html, "in_consolidation_phase")
    # "Not tested or not sure" is chosen until the person says otherwise.
    assert re.search(r'value="not_tested"[^>]*checked', html)
    answered = {
        "status": "first_remission",
        "shown": "mrd mrd_percent in_consolidation_phase",
        "mrd": "detectable",
        "mrd_percent": "0.3",
        "in_consolidation_phase": "no",
    }
    assert post_step(client, "status", answered)["Location"] == step_url("treatment")


def test_with_the_script_a_remission_and_its_answers_go_through_at_once(client):
    to_status_step(client)
    answered = {
        "status": "second_remission",
        "shown": "mrd mrd_percent in_consolidation_phase",
        "mrd": "negative",
        "in_consolidation_phase": "yes",
    }
    assert post_step(client, "status", answered)["Location"] == step_url("treatment")


def test_a_status_page_shows_every_question_of_the_diagnosis_hidden_until_called_for(client):
    to_status_step(client)
    html = client.get(step_url("status")).content.decode()
    assert 'data-follow-when="status-status"' in html
    assert block_is_hidden(html, "mrd mrd_percent")
    assert 'data-follow-values="first_remission second_remission"' in html
    # The MRD level waits for "Detectable" (only the script hides it).
    assert 'data-follow-when="status-mrd"' in html and 'data-follow-values="detectable"' in html


@pytest.mark.parametrize(
    ("status", "asked"),
    [("newly_diagnosed", False), ("first_remission", False), ("relapsed", True), ("unknown", True)],
)
def test_transplant_candidacy_is_asked_for_large_b_cell_lymphoma_that_came_back(
    client, status, asked
):
    to_status_step(client, DIAGNOSIS)
    response = post_step(client, "status", {"status": status, "shown": ""})
    if asked:
        assert response.status_code == 200
        assert "transplant" in response.content.decode()
    else:
        assert response["Location"] == step_url("treatment")


def test_a_sent_case_keeps_only_the_questions_asked(client, django_capture_on_commit_callbacks):
    status = {
        "status": "refractory",
        "shown": "mrd mrd_percent in_consolidation_phase",
        "mrd": "detectable",
        "mrd_percent": "4.5",
    }
    review = walk_to_review(client, diagnosis=B_ALL, status=status)
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, review)
    case = Case.objects.get()
    assert case.intake["status"] == {"status": "refractory"}
    assert case.profile["mrd_percent"] is None


# --- the diagnosis ----------------------------------------------------------------------------


def test_with_the_script_the_diagnosis_and_its_test_answers_need_one_next(client):
    post_step(client, "about")
    # The script sets biomarkers_for to the disease as it shows its questions.
    response = post_step(client, "diagnosis", {**B_ALL, "marker_cd22_positive": "yes"})
    assert response["Location"] == step_url("status")
    assert stored("diagnosis")["diagnosis-marker_cd22_positive"] == ["yes"]


def test_test_answers_of_another_disease_are_never_stored(client):
    post_step(client, "about")
    data = {**DIAGNOSIS, "marker_bcma_positive": "yes", "marker_npm1_mutated": "no"}
    assert post_step(client, "diagnosis", data)["Location"] == step_url("status")
    kept = stored("diagnosis")
    assert "diagnosis-marker_bcma_positive" not in kept
    assert "diagnosis-marker_npm1_mutated" not in kept
    assert kept["diagnosis-marker_cd19_positive"] == ["yes"]


# --- who fills it in --------------------------------------------------------------------------

RELATIVE = {
    **ABOUT,
    "submitter_role": "family",
    "first_name": "Ana",
    "last_name": "Lopez",
    "shown": "patient_first_name patient_last_name",
}


def test_a_relative_must_give_the_patients_first_and_last_name(client):
    response = post_step(client, "about", RELATIVE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the patient&#x27;s first name." in html
    assert "Enter the patient&#x27;s last name." in html


def test_the_patient_is_not_asked_for_a_second_name_and_none_is_kept(client):
    data = {**ABOUT, "patient_first_name": "Someone", "patient_last_name": "Else", "shown": ""}
    assert post_step(client, "about", data)["Location"] == step_url("diagnosis")
    kept = stored("about")
    assert "about-patient_first_name" not in kept and "about-patient_last_name" not in kept


def test_choosing_a_relative_after_the_patient_without_the_script_asks_the_names_once(client):
    # The page showed no name boxes (the patient had been chosen): no errors, a notice.
    response = post_step(client, "about", {**RELATIVE, "shown": ""})
    html = response.content.decode()
    assert 'id="follow-up-notice"' in html and 'id="error-summary"' not in html


@pytest.mark.parametrize(
    ("about", "patient"),
    [
        ({"submitter_role": "patient"}, "Ana Lopez"),
        (
            {
                "submitter_role": "family",
                "patient_first_name": "Luis",
                "patient_last_name": "Lopez Garcia",
                "shown": "patient_first_name patient_last_name",
            },
            "Luis Lopez Garcia",
        ),
    ],
)
def test_the_case_stores_the_patients_name_and_who_filled_in_the_form(
    client, django_capture_on_commit_callbacks, about, patient
):
    review = walk_to_review(client, about={**ABOUT, **about})
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, review)
    case = Case.objects.get()
    assert (case.first_name, case.last_name) == ("Ana", "Lopez")
    assert case.patient_name == patient
    assert case.intake["about"]["patient_last_name"] == patient.split(" ", 1)[1]
    assert case.submitter_role == about["submitter_role"]
