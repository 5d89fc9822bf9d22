"""The wizard through the test client: steps, Back, edit from review, errors, accessibility."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from screening.intake.consent import CONSENT_VERSION
from screening.models import Case, IntakeDraft
from tests.intake.helpers import (
    ABOUT,
    DIAGNOSIS,
    STEPS,
    payload,
    post_step,
    step_url,
    walk_to_review,
)

pytestmark = pytest.mark.django_db


class _Controls(HTMLParser):
    """Collects form controls, labels and legends of a page."""

    def __init__(self):
        super().__init__()
        self.controls, self.label_for, self.stack = [], set(), []
        self.legend_depth = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        if tag == "fieldset":
            self.stack.append(False)
        if tag == "legend" and self.stack:
            self.stack[-1] = True
        if tag in {"input", "select", "textarea"}:
            kind = attrs.get("type", "text")
            if kind not in {"hidden", "submit"}:
                self.controls.append((attrs, any(self.stack)))

    def handle_endtag(self, tag):
        if tag == "fieldset" and self.stack:
            self.stack.pop()


def unlabelled_controls(html: str) -> list[str]:
    parser = _Controls()
    parser.feed(html)
    missing = []
    for attrs, in_fieldset_with_legend in parser.controls:
        if attrs.get("id") in parser.label_for:
            if attrs.get("type") in {"radio", "checkbox"} and "form-check-input" in attrs.get(
                "class", ""
            ):
                # A group of options also needs the group's question: a fieldset legend.
                if attrs.get("type") == "radio" and not in_fieldset_with_legend:
                    missing.append(attrs.get("name", "?") + " (no legend)")
            continue
        missing.append(attrs.get("name", "?"))
    return missing


def test_the_intake_starts_at_step_1_of_7(client):
    response = client.get(reverse("intake"))
    assert response.status_code == 302
    assert response["Location"] == step_url("about")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Step 1 of 7" in html
    assert "Not medical advice" in html


@pytest.mark.parametrize("step", STEPS)
def test_every_step_labels_every_input_and_groups_options_in_fieldsets(client, step):
    walk_to_review(client)
    html = client.get(step_url(step)).content.decode()
    assert unlabelled_controls(html) == []
    assert f"Step {STEPS.index(step) + 1} of 7" in html


def test_a_visitor_who_only_looks_leaves_nothing_stored(client):
    for step in STEPS:
        client.get(step_url(step))
    assert IntakeDraft.objects.count() == 0


def test_answers_are_kept_in_a_server_side_draft_and_the_session_holds_only_its_key(client):
    post_step(client, "about")
    draft = IntakeDraft.objects.get()
    assert draft.data["step_data"]["about"]["about-email"] == [ABOUT["email"]]
    session = client.session
    assert session["intake_draft"] == draft.key
    assert ABOUT["email"] not in str(dict(session.items()))
    assert "csrfmiddlewaretoken" not in str(draft.data)


def test_an_invalid_step_shows_an_error_summary_linking_to_each_field(client):
    response = post_step(client, "about", {**ABOUT, "email": "ana@example", "first_name": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert 'id="error-summary"' in html and 'role="alert"' in html
    assert 'href="#id_about-email"' in html
    assert 'href="#id_about-first_name"' in html
    email_input = re.search(r'<input[^>]*name="about-email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in email_input
    assert "id_about-email_error" in email_input
    assert 'id="id_about-email_error"' in html
    assert "full domain" in html


def test_radio_group_errors_link_to_the_first_option(client):
    response = post_step(client, "about", {**ABOUT, "submitter_role": ""})
    assert 'href="#id_about-submitter_role_0"' in response.content.decode()


def test_next_moves_on_and_back_returns_with_the_answers_kept(client):
    assert post_step(client, "about")["Location"] == step_url("diagnosis")
    typed = {"disease": "mm", "subtype_details": "IgG kappa"}
    response = post_step(client, "diagnosis", typed, wizard_goto_step="about")
    assert response["Location"] == step_url("about")
    about = client.get(step_url("about")).content.decode()
    assert ABOUT["email"] in about
    diagnosis = client.get(step_url("diagnosis")).content.decode()
    assert "IgG kappa" in diagnosis
    # Unfinished answers come back without error messages.
    assert 'id="error-summary"' not in diagnosis


def test_the_diagnosis_step_asks_the_test_questions_once_a_disease_is_chosen(client):
    post_step(client, "about")
    response = post_step(client, "diagnosis", {"disease": "mm"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="test-results-notice"' in html
    # Changed by issue #16: every disease's questions are on the page for the script, but only
    # the chosen disease's are shown (the others are in hidden blocks and not asked).
    assert re.search(r'data-follow-fields="marker_bcma_positive"(?![^>]*hidden)', html)
    assert re.search(r'data-follow-fields="marker_cd22_positive"[^>]*hidden', html)
    assert 'id="error-summary"' not in html
    response = post_step(
        client,
        "diagnosis",
        {"disease": "mm", "biomarkers_for": "mm", "marker_bcma_positive": "yes"},
    )
    assert response["Location"] == step_url("status")
    status_page = client.get(step_url("status")).content.decode()
    assert "lenalidomide" in status_page and "consolidation" not in status_page


def test_add_another_treatment_adds_a_blank_line_and_keeps_the_answers(client):
    walk_to_review(client)
    data = {
        "had_treatment": "yes",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-name": "R-CHOP",
        "transplants-TOTAL_FORMS": "1",
        "transplants-INITIAL_FORMS": "0",
    }
    response = post_step(client, "treatment", data, add_line="1")
    assert response.status_code == 302
    assert response["Location"].endswith("#treatment-lines-1-box")
    html = client.get(step_url("treatment")).content.decode()
    assert 'value="R-CHOP"' in html
    assert 'id="treatment-lines-1-box"' in html
    assert "Treatment 2" in html
    assert 'id="error-summary"' not in html


def test_the_review_page_shows_every_section_with_a_change_link(client):
    html = walk_to_review(client).content.decode()
    for step in STEPS[:-1]:
        assert f'href="{step_url(step)}?from=review"' in html
    assert "Diffuse large B-cell lymphoma (DLBCL)" in html
    assert "R-CHOP" in html
    assert "Send my answers" in html


def test_changing_a_section_from_review_comes_back_to_review(client):
    walk_to_review(client)
    page = client.get(step_url("health") + "?from=review")
    assert page.status_code == 200
    response = post_step(
        client, "health", {"ecog": "2", "active_infection": "no", "cns_involvement": "no"}
    )
    assert response["Location"] == step_url("review")
    assert "up and about more than half" in client.get(step_url("review")).content.decode()


def test_a_change_that_leaves_a_later_step_incomplete_goes_there_before_review(client):
    walk_to_review(client)
    client.get(step_url("diagnosis") + "?from=review")
    mm = {"disease": "mm", "biomarkers_for": "mm", "marker_bcma_positive": "unknown"}
    response = post_step(client, "diagnosis", mm)
    # Myeloma asks about lenalidomide, which the status step has no answer for yet.
    assert response["Location"] == step_url("status")
    response = post_step(client, "status", {"status": "relapsed", "lenalidomide_refractory": "yes"})
    assert response["Location"] == step_url("review")


def test_the_review_marks_an_unfinished_section(client):
    walk_to_review(client)
    post_step(client, "health", {"ecog": ""}, wizard_goto_step="treatment")
    html = client.get(step_url("review")).content.decode()
    assert "Not finished yet." in html
    assert "Complete “Current health”" in html


def test_sending_with_an_unfinished_section_goes_back_to_it_with_its_errors(client):
    review = walk_to_review(client)
    key = review.context["wizard"]["form"].expected_key
    post_step(client, "health", {"ecog": ""}, wizard_goto_step="review")
    response = post_step(client, "review", {"submission_key": key, "leave_blank": ""})
    assert response["Location"] == step_url("health")
    html = client.get(step_url("health")).content.decode()
    assert 'id="error-summary"' in html
    assert Case.objects.count() == 0


def test_a_draft_agreed_under_older_consent_wording_must_agree_again_before_sending(client):
    review = walk_to_review(client)
    draft = IntakeDraft.objects.get()
    draft.data["step_data"]["about"]["about-consent_version"] = ["2020-01-01+00000000"]
    draft.save()
    key = review.context["wizard"]["form"].expected_key
    response = post_step(client, "review", {"submission_key": key, "leave_blank": ""})
    assert response["Location"] == step_url("about")
    html = client.get(step_url("about")).content.decode()
    assert "has changed since you agreed" in html
    assert f'value="{CONSENT_VERSION}"' in html
    assert post_step(client, "about")["Location"] == step_url("diagnosis")


def test_get_on_the_done_address_never_submits(client):
    walk_to_review(client)
    response = client.get(step_url("done"))
    assert response["Location"] == step_url("review")
    assert Case.objects.count() == 0


def test_a_post_without_the_wizards_management_data_is_a_bad_request(client):
    response = client.post(step_url("about"), {"about-first_name": "x"})
    assert response.status_code == 400


def test_a_post_naming_an_unknown_step_starts_over_instead_of_failing(client):
    response = client.post(step_url("about"), {"intake-current_step": "nonsense"})
    assert response.status_code == 302
    assert response["Location"] == step_url("about")


def test_start_again_forgets_the_draft(client):
    post_step(client, "about")
    response = client.get(reverse("intake") + "?reset=1")
    assert response.status_code == 302
    assert ABOUT["email"] not in client.get(step_url("about")).content.decode()
    assert "intake_draft" not in client.session


def test_the_diagnosis_step_rejects_a_date_before_birth_from_step_1(client):
    post_step(client, "about")
    response = post_step(client, "diagnosis", {**DIAGNOSIS, "diagnosed_on": "1950-01"})
    # The patient fills it in (tests/intake/helpers.py): the message says "your" (issue #16).
    assert "before your date of birth" in response.content.decode()


def test_the_step_page_is_readable_without_javascript(client):
    html = client.get(step_url("about")).content.decode()
    # Every action is a real submit button inside the form.
    assert re.search(r'<button type="submit"[^>]*id="next"', html)
    assert 'name="wizard_save"' in html
    assert 'enctype="multipart/form-data"' in html
    assert payload("about", {})["intake-current_step"] == "about"


def test_a_nul_character_typed_into_an_unfinished_step_is_dropped_not_a_crash(client):
    """PostgreSQL's JSON cannot store U+0000 (found by the hypothesis test)."""
    data = {"had_treatment": "yes", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0"}
    data["lines-0-name"] = "R-\x00CHOP"
    response = post_step(client, "treatment", data, add_line="1")
    assert response.status_code == 302
    stored = IntakeDraft.objects.get().data["step_data"]["treatment"]
    assert stored["treatment-lines-0-name"] == ["R-CHOP"]
