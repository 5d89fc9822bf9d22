"""The wizard's pages as a person reads them (issue #16): worded for who fills the form in,
steps by name, short error links that never name an internal field, treatments removed at
once, blinatumomab and CAR-T asked in one place, date hints that match the boxes."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from screening.intake.forms import INTAKE_STEPS
from screening.intake.forms.fields import summary_label
from screening.intake.forms.status import DiseaseNowForm
from screening.intake.forms.treatment import TransplantForm, TreatmentLineForm
from screening.intake.vocabulary import DISEASES
from screening.models import IntakeDraft
from tests.intake.helpers import ABOUT, STEPS, TREATMENT, post_step, step_url, walk_to_review

pytestmark = pytest.mark.django_db

SUMMARY_LABEL_MAX = 60


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def error_links(response) -> list[str]:
    return [link.message for link in response.context["error_links"]]


# --- who fills it in --------------------------------------------------------------------------


def test_every_question_speaks_to_the_patient_who_fills_it_in(client):
    walk_to_review(client)  # the patient (tests/intake/helpers.py)
    pages = {step: text_of(client.get(step_url(step)).content.decode()) for step in STEPS}
    assert "Your date of birth" in pages["about"]
    assert "Have you had any treatment for this cancer so far?" in pages["treatment"]
    assert "Which best describes your daily activity now?" in pages["health"]
    assert "the patient's" not in pages["treatment"] + pages["health"] + pages["status"]


def test_every_question_speaks_of_the_patient_to_a_relative(client):
    relative = {
        **ABOUT,
        "submitter_role": "family",
        "patient_first_name": "Luis",
        "patient_last_name": "Lopez",
        "shown": "patient_first_name patient_last_name",
    }
    walk_to_review(client, about=relative)
    pages = {step: text_of(client.get(step_url(step)).content.decode()) for step in STEPS}
    assert "The patient's date of birth" in pages["about"]
    assert "Your first name" in pages["about"]  # the relative's own
    assert "Has the patient had any treatment for this cancer so far?" in pages["treatment"]
    assert "Which best describes the patient's daily activity now?" in pages["health"]
    assert "About you and the patient" in pages["review"]


def test_step_1_carries_both_wordings_for_the_script_to_switch(client):
    html = client.get(step_url("about")).content.decode()
    data = json.loads(
        re.search(r'<script id="intake-wording" type="application/json">(.*?)</script>', html)[1]
    )
    assert data["role"] == "about-submitter_role" and data["patient"] == "patient"
    texts = {item["other"]: item["patient"] for item in data["texts"]}
    assert texts["The patient's date of birth"] == "Your date of birth"
    assert texts["Which country does the patient live in?"] == "Which country do you live in?"
    for item in data["texts"]:
        assert item["selector"]


# --- steps by name ----------------------------------------------------------------------------


def test_the_steps_are_listed_by_name_with_the_current_one_marked(client):
    html = client.get(step_url("about")).content.decode()
    names = re.findall(r'<span class="intake-steps-name">([^<]+)</span>', html)
    assert names == [
        "About you and the patient",
        "Diagnosis",
        "The disease now",
        "Treatment so far",
        "Current health",
        "Documents",
        "Check and send",
    ]
    assert re.search(r'is-current"\s+aria-current="step"', html)
    assert 'name="wizard_goto_step"' not in html.split('id="step-list"')[1].split("</ol>")[0]


def test_finished_steps_are_buttons_back_that_keep_what_is_typed(client):
    walk_to_review(client)
    html = client.get(step_url("health")).content.decode()
    steps = html.split('id="step-list"')[1].split("</ol>")[0]
    for done in ("about", "diagnosis", "status", "treatment", "documents"):
        assert f'name="wizard_goto_step" value="{done}"' in steps
    assert 'name="wizard_goto_step" value="review"' not in steps
    # Going back to step 2 from the list keeps a change typed on this page.
    changed = {"ecog": "3", "active_infection": "no", "cns_involvement": "no"}
    response = post_step(client, "health", changed, wizard_goto_step="diagnosis")
    assert response["Location"] == step_url("diagnosis")
    stored = IntakeDraft.objects.get().data["step_data"]["health"]
    assert stored["health-ecog"] == ["3"]


# --- the error summary ------------------------------------------------------------------------


def test_an_empty_step_1_links_each_problem_in_a_few_words(client):
    response = post_step(client, "about", {"consent_version": ABOUT["consent_version"]})
    links = error_links(response)
    consent = "Storing and using this information: We can only look at your case if you agree."
    assert consent.replace("agree.", "agree to this.") in links
    for link in links:
        label = link.split(": ", 1)[0]
        assert len(label) <= SUMMARY_LABEL_MAX, link
        assert "_" not in link, link


def every_step_form():
    for step, form_class in INTAKE_STEPS:
        if step == "status":
            for diagnosis in set(DISEASES.values()):
                yield f"status/{diagnosis}", DiseaseNowForm(diagnosis=diagnosis)
        else:
            yield step, form_class()
    yield "treatment line", TreatmentLineForm()
    yield "transplant", TransplantForm()


def test_every_question_has_a_short_name_for_the_error_summary():
    for where, form in every_step_form():
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            assert len(summary_label(field)) <= SUMMARY_LABEL_MAX, (where, name)


def test_no_message_ever_names_an_internal_field(client):
    walk_to_review(client)
    # A review page sent without its key (an old copy of the page).
    response = post_step(client, "review", {"submission_key": "", "leave_blank": ""})
    page = text_of(response.content.decode())
    assert "Submission key" not in page and "This field is required" not in page
    assert "This page was out of date" in page
    # A treatment page without its lists' counters: one blank treatment, as on a new page.
    response = post_step(client, "treatment", {"had_treatment": "yes"})
    page = text_of(response.content.decode())
    assert "ManagementForm" not in page and "TOTAL_FORMS" not in page
    assert "Add at least one treatment below" in page


# --- the treatment step -----------------------------------------------------------------------

TWO_LINES = {
    **TREATMENT,
    "lines-TOTAL_FORMS": "2",
    "lines-0-name": "R-CHOP",
    "lines-1-name": "R-ICE",
    "lines-1-start": "2024-08",
}


def test_remove_this_treatment_removes_it_at_once(client):
    walk_to_review(client)
    response = post_step(client, "treatment", TWO_LINES, remove_line="0")
    assert response["Location"] == step_url("treatment") + "#treatment-lines-list"
    html = client.get(step_url("treatment")).content.decode()
    assert 'value="R-ICE"' in html and 'value="R-CHOP"' not in html
    assert "Removed treatment 1." in html
    stored = IntakeDraft.objects.get().data["step_data"]["treatment"]
    assert stored["treatment-lines-TOTAL_FORMS"] == ["1"]
    assert stored["treatment-lines-0-start"] == ["2024-08"]
    assert 'name="remove_line" value="0"' in html
    assert "DELETE" not in html


def test_removing_a_treatment_that_is_not_there_changes_nothing(client):
    walk_to_review(client)
    post_step(client, "treatment", TWO_LINES, remove_line="7")
    stored = IntakeDraft.objects.get().data["step_data"]["treatment"]
    assert stored["treatment-lines-TOTAL_FORMS"] == ["2"]


def test_remove_this_transplant_removes_it_at_once(client):
    walk_to_review(client)
    data = {**TREATMENT, "transplants-0-kind": "autologous", "transplants-0-date": "2023-05"}
    post_step(client, "treatment", data, remove_transplant="0")
    stored = IntakeDraft.objects.get().data["step_data"]["treatment"]
    assert stored["treatment-transplants-TOTAL_FORMS"] == ["0"]
    assert "treatment-transplants-0-kind" not in stored


def test_blinatumomab_and_car_t_are_asked_in_one_place(client):
    walk_to_review(client)
    html = client.get(step_url("treatment")).content.decode()
    assert html.count('value="blinatumomab"') == 1
    assert html.count('value="cd19_car_t"') == 1
    assert 'name="treatment-other_treatments" value="blinatumomab"' in html
    assert 'name="treatment-lines-0-classes" value="blinatumomab"' not in html


# --- dates ------------------------------------------------------------------------------------


def test_the_date_of_birth_is_three_labelled_boxes_and_its_hint_matches_them(client):
    html = client.get(step_url("about")).content.decode()
    for number, (part, label) in enumerate((("day", "Day"), ("month", "Month"), ("year", "Year"))):
        assert re.search(rf'<label[^>]*for="id_about-date_of_birth_{number}"[^>]*>{label}<', html)
        assert f'name="about-date_of_birth_{part}"' in html
    assert 'type="date"' not in html
    assert "For example 25 7 1980." in html


def test_month_hints_give_no_format_the_month_picker_would_contradict(client):
    walk_to_review(client)
    html = client.get(step_url("treatment")).content.decode()
    assert 'type="month"' in html
    assert "2024-03" not in text_of(html)
