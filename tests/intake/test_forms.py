"""Every intake form on its own: what it accepts, and the plain-words error for what it refuses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from screening.intake.consent import CONSENT_STATEMENTS, CONSENT_VERSION, wording_hash
from screening.intake.forms import (
    AboutForm,
    DiagnosisForm,
    DiseaseNowForm,
    DocumentsForm,
    HealthForm,
    ReviewForm,
    SaveForLaterForm,
    TreatmentForm,
)
from screening.intake.forms.fields import MonthField, parse_month
from screening.intake.vocabulary import RELEVANT_BIOMARKERS
from tests.intake.helpers import ABOUT, DIAGNOSIS, HEALTH, STATUS, TREATMENT


def bound(form_class, step, data, **kwargs):
    """A form bound the way the wizard binds it: prefixed keys in a QueryDict."""
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            query.setlist(f"{step}-{key}", value)
        else:
            query[f"{step}-{key}"] = value
    return form_class(data=query, prefix=step, **kwargs)


def month(months_back: int) -> str:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months_back
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def errors_of(form, field):
    return [str(error) for error in form.errors.get(field, [])]


# --- shared fields ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03", date(2024, 3, 1)),
        ("2024/3", date(2024, 3, 1)),
        ("03/2024", date(2024, 3, 1)),
        ("3.2024", date(2024, 3, 1)),
        (" 2024-12 ", date(2024, 12, 1)),
        ("2024-13", None),
        ("March 2024", None),
        ("", None),
    ],
)
def test_a_month_is_read_in_the_usual_ways(text, expected):
    assert parse_month(text) == expected


def test_a_month_in_the_future_or_before_1900_is_refused_in_plain_words():
    field = MonthField()
    with pytest.raises(Exception, match="in the future"):
        field.clean(month(-1))
    with pytest.raises(Exception, match="too long ago"):
        field.clean("1850-01")
    with pytest.raises(Exception, match="for example 2024-03"):
        field.clean("soon")
    assert field.clean(month(0)) == timezone.localdate().replace(day=1)


# --- step 1: about you and consent ------------------------------------------------------------


def test_the_about_form_accepts_a_complete_answer_and_reports_consent():
    form = bound(AboutForm, "about", ABOUT)
    assert form.is_valid(), form.errors
    assert form.answers()["date_of_birth"] == "1963-04-02"
    assert form.answers()["country"] == "US"
    assert form.consent() == {
        "version": CONSENT_VERSION,
        "processing": True,
        "sharing": True,
        "not_medical_advice": True,
    }


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("ana.lopez", "needs an @"),
        ("@example.org", "needs an @"),
        ("ana@example", "full domain"),
        ("ana@.org", "full domain"),
        ("ana@example.", "full domain"),
        ("ana lopez@example.org", "does not look like an email address"),
    ],
)
def test_an_email_without_a_domain_or_an_at_gets_a_specific_message(email, message):
    form = bound(AboutForm, "about", {**ABOUT, "email": email})
    assert not form.is_valid()
    assert message in errors_of(form, "email")[0]


def test_a_date_of_birth_in_the_future_is_refused():
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    form = bound(AboutForm, "about", {**ABOUT, "date_of_birth": tomorrow})
    assert errors_of(form, "date_of_birth") == ["The date of birth cannot be in the future."]


def test_an_age_over_120_is_refused_with_a_hint_to_check_the_year():
    form = bound(AboutForm, "about", {**ABOUT, "date_of_birth": "1890-01-01"})
    assert "older than 120" in errors_of(form, "date_of_birth")[0]


def dob_parts(day, month, year) -> dict:
    """The date of birth as the page sends it: three boxes (issue #16)."""
    about = {key: value for key, value in ABOUT.items() if key != "date_of_birth"}
    return {
        **about,
        "date_of_birth_day": day,
        "date_of_birth_month": month,
        "date_of_birth_year": year,
    }


def test_the_date_of_birth_is_typed_as_day_month_and_year():
    form = bound(AboutForm, "about", dob_parts("2", "4", "1963"))
    assert form.is_valid(), form.errors
    assert form.answers()["date_of_birth"] == "1963-04-02"


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("30", "2", "2001"), "That date does not exist. Check the day and the month."),
        (("30", "", "2001"), "Enter the day, the month and the year."),
        (("3O", "2", "2001"), "Enter the day, month and year as numbers, for example 25 7 1980."),
        (("3", "2", "01"), "Enter the year with four digits, for example 1980."),
    ],
)
def test_a_date_of_birth_that_is_not_a_date_says_how_to_write_one(parts, message):
    # Changed by issue #16: three boxes (day, month, year) replace the browser's date picker,
    # whose format did not match the hint; the messages speak of the boxes.
    form = bound(AboutForm, "about", dob_parts(*parts))
    assert errors_of(form, "date_of_birth") == [message]


def test_a_whole_date_of_birth_from_a_document_says_its_format():
    form = bound(AboutForm, "about", {**ABOUT, "date_of_birth": "2001-02-30"})
    assert errors_of(form, "date_of_birth") == [
        "Enter a real date as YYYY-MM-DD, for example 1980-07-25."
    ]


@pytest.mark.parametrize(
    ("phone", "message"),
    [("call me", "only have digits"), ("12 34", "too short"), ("1" * 18, "too long")],
)
def test_a_bad_phone_number_says_what_is_wrong(phone, message):
    form = bound(AboutForm, "about", {**ABOUT, "phone": phone})
    assert message in errors_of(form, "phone")[0]


def test_processing_consent_and_the_not_medical_advice_acknowledgement_are_required():
    data = {k: v for k, v in ABOUT.items() if not k.startswith("consent_")}
    form = bound(AboutForm, "about", {**data, "consent_version": CONSENT_VERSION})
    assert not form.is_valid()
    assert "agree" in errors_of(form, "consent_processing")[0]
    assert "understand" in errors_of(form, "consent_not_medical_advice")[0]
    assert "consent_sharing" not in form.errors


def test_sharing_consent_is_optional_and_recorded_as_not_given():
    data = {k: v for k, v in ABOUT.items() if k != "consent_sharing"}
    form = bound(AboutForm, "about", data)
    assert form.is_valid(), form.errors
    assert form.consent()["sharing"] is False


def test_answers_agreed_under_older_consent_wording_must_agree_again():
    form = bound(AboutForm, "about", {**ABOUT, "consent_version": "2020-01-01+00000000"})
    assert not form.is_valid()
    assert "has changed since you agreed" in " ".join(errors_of(form, "consent_processing"))
    # Shown again, the page carries the current version, so agreeing again passes.
    assert form["consent_version"].value() == CONSENT_VERSION


def test_the_consent_version_changes_whenever_the_wording_does():
    changed = dict(CONSENT_STATEMENTS)
    changed["sharing"] = (changed["sharing"][0] + " ", False)
    assert wording_hash(changed) != wording_hash()
    assert CONSENT_VERSION.endswith(wording_hash())


def test_every_about_field_has_a_label():
    form = AboutForm(prefix="about")
    assert all(
        str(field.label).strip() for field in form.fields.values() if not field.widget.is_hidden
    )


# --- step 2: diagnosis ------------------------------------------------------------------------


def test_choosing_a_disease_first_brings_its_test_questions_without_an_error():
    form = bound(DiagnosisForm, "diagnosis", {"disease": "b_all"})
    assert not form.is_valid()
    assert form.needs_biomarkers
    assert not form.errors
    assert form.biomarker_keys == (
        "cd19_positive",
        "cd22_positive",
        "kmt2a_rearranged",
        "philadelphia_positive",
    )
    # Shown with "not tested or not sure" chosen, and marked as shown for B-ALL.
    assert form["marker_cd22_positive"].value() == "unknown"
    assert form["biomarkers_for"].value() == "b_all"


@pytest.mark.parametrize(
    ("disease", "markers"),
    [
        ("mm", ["bcma_positive"]),
        ("aml", ["kmt2a_rearranged", "npm1_mutated"]),
        ("dlbcl", ["cd19_positive"]),
        (
            "unsure",
            [
                "cd19_positive",
                "cd22_positive",
                "bcma_positive",
                "kmt2a_rearranged",
                "npm1_mutated",
                "philadelphia_positive",
            ],
        ),
    ],
)
def test_only_the_biomarkers_relevant_to_the_disease_are_asked(disease, markers):
    # Changed by issue #16: every test question is on the page (the script shows the chosen
    # disease's at once), but only the disease's own are asked, required and kept.
    form = bound(DiagnosisForm, "diagnosis", {"disease": disease})
    assert [
        name.removeprefix("marker_")
        for name in form.fields
        if name.startswith("marker_") and name not in form.hidden_questions
    ] == markers


def test_changing_the_disease_asks_the_new_diseases_questions_keeping_shared_answers():
    data = {"disease": "mpal", "biomarkers_for": "b_all", "marker_cd19_positive": "yes"}
    form = bound(DiagnosisForm, "diagnosis", data)
    assert form.needs_biomarkers and not form.is_valid()
    assert form["marker_cd19_positive"].value() == "yes"
    assert form["marker_npm1_mutated"].value() == "unknown"


def test_a_diagnosis_with_its_test_answers_is_valid_and_gives_answers():
    form = bound(DiagnosisForm, "diagnosis", DIAGNOSIS)
    assert form.is_valid(), form.errors
    assert form.answers() == {
        "disease": "dlbcl",
        "diagnosis": "dlbcl",
        "subtype_details": "germinal center type",
        "diagnosed_on": "2024-01",
        "biomarkers": {"cd19_positive": "yes"},
    }


def test_not_sure_of_the_diagnosis_is_a_valid_answer():
    data = {"disease": "unsure", "biomarkers_for": "unsure"}
    data |= {f"marker_{key}": "unknown" for key in RELEVANT_BIOMARKERS["unsure"]}
    form = bound(DiagnosisForm, "diagnosis", data)
    assert form.is_valid(), form.errors
    assert form.answers()["diagnosis"] is None


def test_a_diagnosis_before_birth_or_in_the_future_is_refused():
    form = bound(
        DiagnosisForm,
        "diagnosis",
        {**DIAGNOSIS, "diagnosed_on": "1962-01"},
        birth_date=date(1963, 4, 2),
    )
    assert "before the patient's date of birth" in errors_of(form, "diagnosed_on")[0]
    form = bound(DiagnosisForm, "diagnosis", {**DIAGNOSIS, "diagnosed_on": month(-2)})
    assert "in the future" in errors_of(form, "diagnosed_on")[0]


def test_a_disease_that_is_not_offered_is_refused():
    form = bound(DiagnosisForm, "diagnosis", {"disease": "flu", "biomarkers_for": "flu"})
    assert not form.is_valid()
    assert "disease" in form.errors


# --- step 3: the disease now ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diagnosis", "questions"),
    [
        ("b_all", {"mrd", "mrd_percent", "in_consolidation_phase"}),
        ("dlbcl", {"transplant_eligible"}),
        ("pcnsl", {"transplant_eligible"}),
        ("mm", {"lenalidomide_refractory"}),
        ("aml", {"no_satisfactory_alternative"}),
        ("fl", set()),
        (None, set()),
    ],
)
def test_the_disease_now_asks_only_what_matters_for_the_diagnosis(diagnosis, questions):
    form = DiseaseNowForm(prefix="status", diagnosis=diagnosis)
    assert set(form.fields) - {"status", "shown"} == questions


def test_an_mrd_level_needs_a_detectable_result():
    data = {
        "status": "first_remission",
        "mrd": "negative",
        "mrd_percent": "0.5",
        "in_consolidation_phase": "no",
    }
    form = bound(DiseaseNowForm, "status", data, diagnosis="b_all")
    assert "only when MRD was detectable" in errors_of(form, "mrd_percent")[0]


@pytest.mark.parametrize(
    ("level", "message"),
    [("150", "above 100"), ("-1", "below 0"), ("lots", "Enter a number"), ("0", "above 0 %")],
)
def test_a_bad_mrd_level_says_what_is_wrong(level, message):
    data = {
        "status": "first_remission",
        "mrd": "detectable",
        "mrd_percent": level,
        "in_consolidation_phase": "no",
    }
    form = bound(DiseaseNowForm, "status", data, diagnosis="b_all")
    assert message in errors_of(form, "mrd_percent")[0]


def test_a_detectable_mrd_gives_its_level_in_the_answers():
    data = {
        "status": "first_remission",
        "mrd": "detectable",
        "mrd_percent": "0.25",
        "in_consolidation_phase": "yes",
    }
    form = bound(DiseaseNowForm, "status", data, diagnosis="b_all")
    assert form.is_valid(), form.errors
    assert form.answers() == {
        "status": "first_remission",
        "mrd": "detectable",
        "mrd_percent": 0.25,
        "in_consolidation_phase": "yes",
    }


def test_the_disease_now_needs_a_status_and_its_questions_answered():
    # Changed by issue #16: a question the status does not call for is not asked, so an empty
    # page only needs its status.
    form = bound(DiseaseNowForm, "status", {}, diagnosis="dlbcl")
    assert not form.is_valid()
    assert set(form.errors) == {"status"}
    form = bound(DiseaseNowForm, "status", {"status": "relapsed"}, diagnosis="dlbcl")
    assert set(form.errors) == {"transplant_eligible"}
    assert bound(DiseaseNowForm, "status", STATUS, diagnosis="dlbcl").is_valid()


# --- step 4: treatment history ----------------------------------------------------------------


def treatment(**fields):
    return {**TREATMENT, **fields}


def test_a_treatment_history_with_lines_and_transplants_gives_answers():
    data = treatment(
        **{
            "lines-TOTAL_FORMS": "2",
            "lines-0-classes": ["chemotherapy", "anti_cd20"],
            "lines-1-name": "R-ICE",
            "lines-1-start": "2024-09",
            "lines-1-relapse": "2025-03",
            "transplants-0-kind": "autologous",
            "transplants-0-date": "2025-01",
            "other_treatments": ["cd19_car_t"],
        }
    )
    form = bound(TreatmentForm, "treatment", data)
    assert form.is_valid(), form.error_links()
    answers = form.answers()
    assert [line["name"] for line in answers["lines"]] == ["R-CHOP", "R-ICE"]
    assert answers["lines"][0]["classes"] == ["chemotherapy", "anti_cd20"]
    assert answers["lines"][1]["relapse"] == "2025-03"
    assert answers["transplants"] == [{"kind": "autologous", "date": "2025-01"}]
    assert answers["other_treatments"] == ["cd19_car_t"]


def test_an_end_month_before_the_start_is_refused():
    form = bound(TreatmentForm, "treatment", treatment(**{"lines-0-end": "2024-01"}))
    assert not form.is_valid()
    assert "The end month is before the start month." in form.lines.forms[0].errors["end"]
    assert any("Treatment 1" in link.message for link in form.error_links())


def test_a_relapse_before_the_treatment_started_is_refused():
    form = bound(TreatmentForm, "treatment", treatment(**{"lines-0-relapse": "2023-01"}))
    assert not form.is_valid()
    assert "cannot come back before" in " ".join(form.lines.forms[0].errors["relapse"])


def test_a_treatment_before_birth_is_refused():
    form = bound(TreatmentForm, "treatment", treatment(), birth_date=date(2024, 5, 1))
    assert not form.is_valid()
    assert "before the patient's date of birth" in " ".join(form.lines.forms[0].errors["start"])


def test_a_treatment_in_the_future_is_refused():
    form = bound(
        TreatmentForm, "treatment", treatment(**{"lines-0-start": month(-3), "lines-0-end": ""})
    )
    assert "in the future" in " ".join(form.lines.forms[0].errors["start"])


def test_a_line_needs_a_name_or_a_drug_class():
    form = bound(
        TreatmentForm, "treatment", treatment(**{"lines-0-name": "", "lines-0-end": "2024-08"})
    )
    assert not form.is_valid()
    assert "Give the name of the treatment" in " ".join(form.lines.forms[0].errors["name"])


def test_yes_without_any_treatment_listed_is_refused():
    data = treatment(
        **{"lines-0-name": "", "lines-0-start": "", "lines-0-end": "", "lines-0-best_response": ""}
    )
    form = bound(TreatmentForm, "treatment", data)
    assert not form.is_valid()
    assert "Add at least one treatment" in errors_of(form, "had_treatment")[0]


def test_no_treatment_with_treatments_listed_is_refused():
    form = bound(TreatmentForm, "treatment", treatment(had_treatment="no"))
    assert "“No, not yet” but also entered treatments" in errors_of(form, "had_treatment")[0]


def test_no_treatment_with_a_relapsed_disease_is_a_contradiction():
    data = {
        "had_treatment": "no",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "transplants-TOTAL_FORMS": "0",
        "transplants-INITIAL_FORMS": "0",
    }
    form = bound(TreatmentForm, "treatment", data, disease_status="relapsed")
    assert "which follows treatment" in errors_of(form, "had_treatment")[0]
    assert bound(TreatmentForm, "treatment", data, disease_status="newly_diagnosed").is_valid()


def test_a_line_marked_for_removal_is_left_out():
    data = treatment(
        **{"lines-TOTAL_FORMS": "2", "lines-1-name": "Mistake", "lines-1-DELETE": "on"}
    )
    form = bound(TreatmentForm, "treatment", data)
    assert form.is_valid(), form.error_links()
    assert [line["name"] for line in form.answers()["lines"]] == ["R-CHOP"]


def test_a_transplant_needs_its_kind():
    data = treatment(**{"transplants-0-date": "2025-01"})
    form = bound(TreatmentForm, "treatment", data)
    assert not form.is_valid()
    assert "Choose the kind of transplant" in " ".join(form.transplants.forms[0].errors["kind"])


def test_a_tampered_formset_count_is_capped_not_a_crash():
    form = bound(TreatmentForm, "treatment", treatment(**{"lines-TOTAL_FORMS": "100000"}))
    assert len(form.lines.forms) <= 30
    form.is_valid()


def test_quiet_shows_the_answers_without_errors():
    form = bound(TreatmentForm, "treatment", treatment(**{"lines-0-end": "2024-01"}))
    form.quiet()
    assert not form.errors and not form.lines.forms[0].errors and form.error_links() == []
    assert form.lines.forms[0]["end"].value() == "2024-01"


# --- step 5: current health -------------------------------------------------------------------


def test_the_health_form_maps_activity_to_ecog_in_plain_words():
    form = bound(HealthForm, "health", HEALTH)
    assert form.is_valid()
    assert form.answers()["ecog"] == "1"
    labels = dict(form.fields["ecog"].choices)
    assert "light work" in str(labels["1"])


def test_the_health_form_needs_each_question_answered_and_limits_notes():
    form = bound(HealthForm, "health", {"notes": "x" * 2001})
    assert not form.is_valid()
    assert set(form.errors) == {"ecog", "active_infection", "cns_involvement", "notes"}


# --- step 6 and 7, and save for later ---------------------------------------------------------


def test_the_documents_form_needs_nothing_and_offers_the_categories():
    form = bound(DocumentsForm, "documents", {})
    assert form.is_valid()
    assert {value for value, _ in form.fields["category"].choices} >= {
        "pathology",
        "flow_cytometry",
        "other",
    }
    assert "accept" in form.fields["files"].widget.attrs


def test_the_review_form_refuses_a_stale_submission_key():
    form = bound(ReviewForm, "review", {"submission_key": "old"}, submission_key="new")
    assert "out of date" in errors_of(form, "submission_key")[0]


def test_the_honeypot_must_stay_empty():
    form = bound(
        ReviewForm,
        "review",
        {"submission_key": "k", "leave_blank": "http://spam.example"},
        submission_key="k",
    )
    assert errors_of(form, "leave_blank") == ["This field must be left empty."]
    assert bound(
        ReviewForm, "review", {"submission_key": "k", "leave_blank": ""}, submission_key="k"
    ).is_valid()


def test_the_save_for_later_form_checks_the_email_and_the_honeypot():
    assert SaveForLaterForm({"email": "ana@example.org"}).is_valid()
    form = SaveForLaterForm({"email": "ana@", "leave_blank": "x"})
    assert form.errors["email"] == ["The part after the @ needs a full domain, like example.org."]
    assert form.errors["leave_blank"] == ["This field must be left empty."]


def test_every_step_form_has_a_title_and_labelled_fields():
    for form in (
        AboutForm(prefix="about"),
        DiagnosisForm(prefix="diagnosis", initial={"disease": "unsure"}),
        DiseaseNowForm(prefix="status", diagnosis="b_all"),
        TreatmentForm(prefix="treatment"),
        HealthForm(prefix="health"),
        DocumentsForm(prefix="documents"),
        ReviewForm(prefix="review"),
    ):
        assert str(form.title)
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                assert str(field.label).strip(), (type(form).__name__, name)
