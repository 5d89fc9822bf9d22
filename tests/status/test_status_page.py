"""The status page per persona: only the link's own case, plain 404s, private headers."""

import pytest
from django.utils import timezone

from screening.core.timeline import record_event
from screening.core.tokens import issue_status_token, revoke_status_tokens
from screening.core.workflow import move_case
from screening.models import CaseEvent, CaseStatus, EventKind, Note, Outcome
from screening.pipeline.runs import store_screening_run
from screening.rules.results import MEDICAL_ADVICE_NOTICE
from tests.rules.profiles import relapsed_b_all_adult, rr_myeloma_four_lines, third_line_dlbcl
from tests.status.conftest import make_patient

pytestmark = pytest.mark.django_db


def assert_private(response):
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]


def test_the_person_with_the_link_sees_their_own_case(client, patient):
    response = client.get(patient.url)
    assert response.status_code == 200
    assert patient.case.reference in response.text
    assert "Received" in response.text
    assert_private(response)


def test_a_head_request_answers_like_a_get(client, patient):
    response = client.head(patient.url)
    assert response.status_code == 200
    assert_private(response)


def test_another_patients_link_shows_only_that_patients_case(client, patient, other_patient):
    response = client.get(other_patient.url)
    assert response.status_code == 200
    assert other_patient.case.reference in response.text
    assert patient.case.reference not in response.text


def test_anonymous_without_a_token_gets_a_plain_404(client, db):
    assert client.get("/status/").status_code == 404


@pytest.mark.parametrize("token", ["nonsense", "x" * 43, "x" * 200, "%00", "a' OR 1=1 --"])
def test_a_nonsense_token_gets_the_plain_404_page(client, patient, token):
    response = client.get(f"/status/{token}/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "token" not in response.text.lower()
    assert_private(response)


def test_a_path_instead_of_a_token_gets_a_404(client, patient):
    assert client.get("/status/..%2F..%2Fetc/").status_code == 404
    assert client.get(f"/status/{patient.token}/extra/").status_code == 404


def test_a_revoked_token_gets_the_same_plain_404(client, patient):
    revoke_status_tokens(patient.case)
    response = client.get(patient.url)
    assert response.status_code == 404
    assert patient.case.reference not in response.text
    assert client.get("/status/nonsense/").text == response.text


def test_a_new_token_works_after_the_old_one_is_revoked(client, patient):
    revoke_status_tokens(patient.case)
    fresh = issue_status_token(patient.case)
    assert client.get(f"/status/{fresh}/").status_code == 200


def test_before_screening_it_says_the_result_is_not_ready(client, patient):
    response = client.get(patient.url)
    assert "not ready yet" in response.text
    assert MEDICAL_ADVICE_NOTICE not in response.text


def test_the_screening_is_shown_in_plain_words_with_the_notice(client, patient):
    store_screening_run(patient.case)
    response = client.get(patient.url)
    text = response.text
    assert MEDICAL_ADVICE_NOTICE in text
    assert "This is not medical advice" in text
    likely = text.split("Likely eligible on the label")[1].split("Not eligible on the label")[0]
    assert "Besponsa (inotuzumab ozogamicin)" in likely
    assert "Tecartus (brexucabtagene autoleucel)" in likely
    not_eligible = text.split("Not eligible on the label")[1].split("What has happened")[0]
    # Kymriah's B-ALL indication is for people up to 25: the reason is the age, not the disease.
    kymriah = not_eligible.split("Kymriah")[1].split("</li>")[0]
    assert "25 or younger" in kymriah
    assert "not covered by this indication" not in kymriah
    # A product for another disease gets the one line saying so.
    assert "not covered by this indication" in not_eligible.split("Abecma")[1].split("</li>")[0]


def test_a_product_needing_review_lists_each_missing_fact_and_the_document_that_settles_it(
    client,
):
    profile = relapsed_b_all_adult()
    profile["biomarkers"]["cd19_positive"] = None
    person = make_patient(profile=profile)
    store_screening_run(person.case)
    text = client.get(person.url).text
    review = text.split("Needs review: some facts are missing")[1].split("What has happened")[0]
    assert "CD19" in review
    assert "flow cytometry or immunohistochemistry report" in review


def test_a_treatment_line_navigator_did_not_recognise_is_asked_about_by_its_number(client):
    """The issue's story: four lines typed, the fourth unknown to Navigator. The page asks about
    that line, never that the whole treatment history is missing."""
    profile = rr_myeloma_four_lines(unrecognised_lines=[4])
    person = make_patient(profile=profile, disease="mm")
    store_screening_run(person.case)
    text = client.get(person.url).text
    review = text.split("Needs review: some facts are missing")[1].split("What has happened")[0]
    assert "the drugs given in treatment line 4" in review
    assert "treatment summary or medication history naming the drugs of that line" in review
    assert "prior treatments received" not in review


def test_a_lymphoma_case_shows_its_own_products(client):
    person = make_patient(profile=third_line_dlbcl(), disease="dlbcl")
    store_screening_run(person.case)
    text = client.get(person.url).text
    likely = text.split("Likely eligible on the label")[1].split("Not eligible on the label")[0]
    assert "Yescarta" in likely


def test_coordinator_only_data_never_reaches_the_page(client, patient, coordinator):
    case = patient.case
    case.assigned_to = coordinator
    case.priority_reason = "PRIVATE-PRIORITY-REASON"
    case.referring_physician = "Dr PRIVATE-PHYSICIAN"
    case.travel_needs = "PRIVATE-TRAVEL"
    case.save()
    Note.objects.create(case=case, author=coordinator, text="PRIVATE-NOTE about the family")
    record_event(case, EventKind.NOTE, "PRIVATE-EVENT note added", actor=coordinator)
    move_case(case, CaseStatus.SCREENING, by=coordinator, reason="PRIVATE-REASON for the move")
    record_event(
        case,
        EventKind.SCREENING_STARTED,
        "PRIVATE-MESSAGE of a visible event",
        patient_visible=True,
    )
    text = client.get(patient.url).text
    assert "PRIVATE" not in text
    assert coordinator.last_name not in text
    assert coordinator.username not in text
    assert coordinator.email not in text
    # The first name of the single point of contact is shown, nothing more.
    assert "Your coordinator is Maren." in text


def test_the_timeline_shows_visible_events_in_plain_words_in_order(client, patient):
    case = patient.case
    record_event(case, EventKind.SUBMITTED, "x", patient_visible=True)
    move_case(case, CaseStatus.SCREENING)
    record_event(case, EventKind.ASSIGNED, "Assigned to someone", patient_visible=False)
    text = client.get(patient.url).text
    timeline = text.split("What has happened so far")[1].split("Your documents")[0]
    assert timeline.index("We received your information.") < timeline.index(
        "Status: Being screened."
    )
    assert "Assigned" not in timeline


def test_records_requested_lists_exactly_what_to_upload(client, records_requested):
    response = client.get(records_requested.url)
    text = response.text
    items = text.split('id="requested-items"')[1].split("</ul>")[0]
    assert "Flow cytometry or immunohistochemistry report" in items
    assert "it shows the CD19 expression" in items
    assert "Treatment summary" in items
    assert items.count("<li>") == 2
    assert "Please include the most recent bone marrow report." in text
    assert "Send the records" in text
    assert 'aria-current="step"' in text


def test_a_fulfilled_request_is_no_longer_listed(client, records_requested):
    records_requested.request.fulfilled_at = timezone.now()
    records_requested.request.save()
    text = client.get(records_requested.url).text
    assert 'id="requested-items"' not in text
    assert "Please upload the records your coordinator asked for." in text


def test_an_open_case_offers_to_add_documents_and_a_closed_one_does_not(client, patient):
    assert "Add more documents" in client.get(patient.url).text
    case = patient.case
    for status in (CaseStatus.SCREENING, CaseStatus.AWAITING_REVIEW):
        move_case(case, status)
    move_case(case, CaseStatus.CLOSED, outcome=Outcome.WITHDRAWN)
    text = client.get(patient.url).text
    assert "Add more documents" not in text
    assert 'type="file"' not in text
    assert "This case is closed" in text
    assert "Withdrawn." in text


def test_the_steps_mark_what_is_done_and_what_is_next(client, patient):
    case = patient.case
    move_case(case, CaseStatus.SCREENING)
    move_case(case, CaseStatus.AWAITING_REVIEW)
    text = client.get(patient.url).text
    steps = text.split("status-steps")[1].split("</ol>")[0]
    assert steps.count("(done)") == 2
    assert steps.count("(now)") == 1
    assert steps.count("(still to come)") == 2


def test_no_event_message_is_shown_verbatim(client, patient):
    CaseEvent.objects.create(
        case=patient.case,
        kind=EventKind.RECORDS_RECEIVED,
        message="coordinator-facing wording",
        data={"count": 3},
        patient_visible=True,
    )
    text = client.get(patient.url).text
    assert "coordinator-facing wording" not in text
    assert "We received the 3 documents you sent." in text
