"""The case page: everything a coordinator reads before acting, with the notice."""

import re

import pytest
from django.urls import reverse

from screening.models import Case, CaseStatus, DocumentCategory, ScanStatus, TextStatus
from screening.rules.results import MEDICAL_ADVICE_NOTICE
from screening.triage.actions import add_note
from tests.admin.conftest import screened_case
from tests.auth import staff_login
from tests.factories import DocumentFactory
from tests.rules.profiles import relapsed_b_all_adult, rr_myeloma_four_lines, third_line_dlbcl

pytestmark = pytest.mark.django_db


def case_page(client, case):
    response = client.get(reverse("admin:screening_case_change", args=[case.pk]))
    assert response.status_code == 200
    return response.text


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_it_shows_the_profile_in_plain_words(client, coordinator):
    case = screened_case(profile=third_line_dlbcl(), assigned_to=coordinator)
    staff_login(client, coordinator)
    page = text_of(case_page(client, case))

    assert "Diagnosis diffuse large B-cell lymphoma" in page
    assert "Prior lines of systemic therapy 2" in page
    assert "CD19 expression unknown" in page
    assert "Candidate for autologous stem cell transplant yes" in page


def test_it_lists_the_treatment_lines_the_intake_could_not_read(client, coordinator):
    profile = rr_myeloma_four_lines(
        prior_therapies=["proteasome_inhibitor", "imid", "anti_cd38", "bcma_bispecific"],
        unrecognised_lines=[4],
    )
    case = screened_case(profile=profile, assigned_to=coordinator)
    staff_login(client, coordinator)
    page = text_of(case_page(client, case))

    assert "Treatments received" in page
    assert "a BCMA bispecific antibody (teclistamab, elranatamab, linvoseltamab)" in page
    assert "Treatment lines not recognised 4: ask what was given" in page


def test_it_shows_the_screening_table_criterion_by_criterion_with_citations(client, coordinator):
    case = screened_case(profile=relapsed_b_all_adult(), assigned_to=coordinator)
    staff_login(client, coordinator)
    html = case_page(client, case)
    page = text_of(html)

    # product -> indication -> criterion, with outcome, explanation, label wording, citation
    assert "Besponsa (inotuzumab ozogamicin) — Likely eligible" in page
    assert "BES-ALL — Likely eligible" in page
    assert "CD22 expression Met CD22 expression: present, as the label requires." in page
    assert "BESPONSA (inotuzumab ozogamicin) US Prescribing Information, section 1" in page
    assert "Kymriah (tisagenlecleucel) — Not eligible" in page
    assert "age Not met Age 45 years does not meet the requirement: 25 or younger." in page
    # likely-eligible products come first and open; not-eligible ones are folded
    assert page.index("Besponsa (inotuzumab") < page.index("Kymriah (tisagenlecleucel)")
    assert MEDICAL_ADVICE_NOTICE in html


def test_it_lists_missing_facts_with_the_documents_that_settle_them_and_the_cautions(
    client, coordinator
):
    profile = relapsed_b_all_adult()
    profile["biomarkers"]["cd22_positive"] = None
    case = screened_case(profile=profile, assigned_to=coordinator)
    staff_login(client, coordinator)
    page = text_of(case_page(client, case))

    assert "CD22 expression flow cytometry report Besponsa" in page
    assert "Boxed warning: liver toxicity" in page or "Cautions" in page


def test_it_lists_documents_with_category_size_scan_text_and_a_download_link(
    client, coordinator, own_case
):
    document = DocumentFactory(
        case=own_case,
        category=DocumentCategory.FLOW_CYTOMETRY,
        original_name="flow-report.pdf",
        scan_status=ScanStatus.CLEAN,
        text_status=TextStatus.EXTRACTED,
        extracted_text="CD19 positive, CD22 positive blasts 84%",
        page_count=2,
    )
    quarantined = DocumentFactory(
        case=own_case, original_name="virus.pdf", scan_status=ScanStatus.QUARANTINED
    )
    staff_login(client, coordinator)
    html = case_page(client, own_case)
    page = text_of(html)

    assert "flow-report.pdf Flow cytometry report" in page
    assert "Scanned: clean Text extracted (2 pages)" in page
    assert "CD19 positive, CD22 positive blasts 84%" in page
    assert reverse("admin:screening_document_download", args=[document.pk]) in html
    assert reverse("admin:screening_document_download", args=[quarantined.pk]) not in html
    virus_row = page[page.index("virus.pdf") :]
    assert virus_row.index("Quarantined") < virus_row.index("Not available") < 200


def test_the_timeline_has_every_event_note_and_email(client, coordinator, own_case):
    add_note(own_case, "Spoke to the treating team in Leeds.", by=coordinator)
    staff_login(client, coordinator)
    page = text_of(case_page(client, own_case))

    timeline = page[page.index("Timeline") :]
    assert "Screened" in timeline
    assert "Assigned" in timeline
    assert "Email sent" in timeline  # the assignment email of the pipeline
    assert "Spoke to the treating team in Leeds." in timeline
    assert "Notes" in page


def test_it_shows_the_coordination_details(client, coordinator, own_case):
    Case.objects.filter(pk=own_case.pk).update(
        referring_physician="Dr Aurelia Voss",
        target_center="Northshore Cell Therapy Unit",
        interpreter_needed=True,
        interpreter_language="pt",
        travel_needs="Flight from Porto",
    )
    staff_login(client, coordinator)
    html = case_page(client, own_case)
    assert 'value="Dr Aurelia Voss"' in html
    assert 'value="Northshore Cell Therapy Unit"' in html
    assert "Flight from Porto</textarea>" in html
    assert 'name="interpreter_needed" id="id_interpreter_needed" checked' in html


def test_the_owner_can_edit_coordination_details_and_the_history_keeps_who(
    client, coordinator, lead, own_case
):
    staff_login(client, coordinator)
    url = reverse("admin:screening_case_change", args=[own_case.pk])
    form = {
        "priority": own_case.priority,
        "priority_reason": own_case.priority_reason,
        "due_at_0": "",
        "due_at_1": "",
        "phone": "+1 555 0100",
        "referring_hospital": "Northshore General Hospital",
        "treating_center_contacts": "",
        "travel_needs": "",
        "admission_needs": "",
        "interpreter_language": "",
        "_continue": "1",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content

    own_case.refresh_from_db()
    assert own_case.referring_hospital == "Northshore General Hospital"
    latest = own_case.history.first()
    assert latest.history_user == coordinator
    assert "referring_hospital" in latest.history_change_reason
    # Status and assignment are not form fields: only the actions change them.
    assert own_case.status == CaseStatus.IN_REVIEW
    assert own_case.assigned_to == coordinator

    staff_login(client, lead)
    history = client.get(reverse("admin:screening_case_history", args=[own_case.pk]))
    assert history.status_code == 200
    assert "referring_hospital" in history.text


def test_the_history_pages_carry_the_notice_and_are_logged(client, lead, own_case):
    from screening.models import AccessRecord

    staff_login(client, lead)
    listing = client.get(reverse("admin:screening_case_history", args=[own_case.pk]))
    version = own_case.history.first()
    past = client.get(
        reverse("admin:screening_case_simple_history", args=[own_case.pk, version.history_id])
    )
    for response in (listing, past):
        assert response.status_code == 200
        assert MEDICAL_ADVICE_NOTICE in response.text
    assert own_case.reference in past.text
    assert AccessRecord.objects.filter(user=lead, case=own_case).count() == 2


def test_nobody_reverts_a_case_from_its_history(client, lead, own_case):
    staff_login(client, lead)
    version = own_case.history.first()
    url = reverse("admin:screening_case_simple_history", args=[own_case.pk, version.history_id])
    assert client.post(url, {"status": "closed"}).status_code == 403


def test_an_unscreened_case_says_so(client, coordinator):
    from tests.factories import CaseFactory

    case = CaseFactory(assigned_to=coordinator)
    staff_login(client, coordinator)
    page = text_of(case_page(client, case))
    assert "This case has not been screened yet." in page
