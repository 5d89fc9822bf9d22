"""The case file page over HTTP: the header, the sections, the facts with amend links for whoever
may change the case, the documents with their proposals, and a query count that stays put."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from screening.admin.case_file import CASE_FILE_SECTIONS, CaseFileSection, add_section
from tests.casefile.answers import case_from_answers, myeloma_answers
from tests.factories import DocumentFactory, FactProposalFactory

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def page_of(client, case):
    response = client.get(reverse("admin:screening_case_change", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_header_names_the_patient_their_age_and_who_filled_the_form(login, coordinator):
    case = case_from_answers(
        myeloma_answers(), assigned_to=coordinator, patient_name="Bartholomew Vantongeren"
    )
    page = text_of(page_of(login(coordinator), case))
    assert f"Bartholomew Vantongeren, 58 years {case.reference}" in page
    assert "Filled in by Oriana Vantongeren (a relative or friend)" in page
    assert "Coordinator: Ines Holloway" in page
    assert "Relapsed or refractory myeloma" not in page or "High" in page


def test_the_sections_come_in_order_with_links_to_each(login, coordinator, cd22_case):
    html = page_of(login(coordinator), cd22_case)
    positions = [html.index(f'id="{section.key}"') for section in CASE_FILE_SECTIONS]
    assert positions == sorted(positions)
    for section in CASE_FILE_SECTIONS:
        assert f'href="#{section.key}"' in html
    assert html.index('id="screening"') < html.index('id="details"')


def test_a_stage_can_add_a_section(login, coordinator, cd22_case, monkeypatch, tmp_path, settings):
    template_dir = tmp_path / "templates"
    (template_dir / "extra").mkdir(parents=True)
    (template_dir / "extra" / "messages.html").write_text(
        '<section class="nav-section" id="messages"><h2>Messages</h2>{{ greeting }}</section>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], template_dir]}
    ]
    monkeypatch.setattr("screening.admin.case_file.CASE_FILE_SECTIONS", list(CASE_FILE_SECTIONS))
    add_section(
        CaseFileSection(
            "messages", "Messages", "extra/messages.html", context=lambda cf, r: {"greeting": "Hi"}
        ),
        after="requests",
    )
    html = page_of(login(coordinator), cd22_case)
    assert html.index('id="requests"') < html.index('id="messages"') < html.index('id="timeline"')
    assert 'href="#messages"' in html and ">Hi</section>" in html


def test_facts_have_amend_links_for_the_owner_only(
    login, coordinator, other_coordinator, cd22_case
):
    amend = reverse("admin:screening_case_amend", args=[cd22_case.pk, "biomarkers.cd22_positive"])
    assert amend in page_of(login(coordinator), cd22_case)
    assert amend not in page_of(login(other_coordinator), cd22_case)


def test_documents_show_what_each_proposal_settles(login, coordinator, cd22_case, flow_report):
    FactProposalFactory(document=flow_report)
    page = text_of(page_of(login(coordinator), cd22_case))
    assert "Facts proposed from flow-cytometry.pdf" in page
    assert "CD22 positive The blasts are positive for CD22 (92%). (p. 1)" in page
    assert "Settles: CD22 expression — Besponsa" in page


def test_a_conflicting_proposal_is_shown_as_such_with_no_plain_accept(
    login, coordinator, cd22_case, flow_report
):
    FactProposalFactory(
        document=flow_report, field="biomarkers.cd19_positive", value=False, quote="CD19 negative"
    )
    html = page_of(login(coordinator), cd22_case)
    page = text_of(html)
    assert "Conflict: the patient's answer was “present”" in page
    assert 'value="confirm"' in html and 'value="accept"' not in html


def test_accepting_from_the_page_rescreens_and_returns_to_the_documents(
    login, coordinator, cd22_case, flow_report
):
    proposal = FactProposalFactory(document=flow_report)
    url = reverse("admin:screening_case_decide_proposal", args=[cd22_case.pk, proposal.pk])
    response = login(coordinator).post(url, {"decision": "accept"})
    assert response.status_code == 302 and response["Location"].endswith("#documents")
    cd22_case.refresh_from_db()
    assert cd22_case.latest_run.verdicts["besponsa"] == "eligible"


def test_another_coordinator_cannot_decide_a_proposal(
    login, other_coordinator, cd22_case, flow_report
):
    proposal = FactProposalFactory(document=flow_report)
    url = reverse("admin:screening_case_decide_proposal", args=[cd22_case.pk, proposal.pk])
    assert login(other_coordinator).post(url, {"decision": "accept"}).status_code == 403


def test_the_case_page_costs_the_same_queries_with_more_documents_and_events(
    login, coordinator, cd22_case, flow_report
):
    client = login(coordinator)
    page_of(client, cd22_case)  # warm the session and the caches

    def count():
        with CaptureQueriesContext(connection) as queries:
            page_of(client, cd22_case)
        return len(queries)

    few = count()
    for number in range(5):
        document = DocumentFactory(case=cd22_case, original_name=f"report-{number}.pdf")
        FactProposalFactory(document=document, field="biomarkers.cd19_positive")
    from screening.triage.actions import add_note

    for number in range(5):
        add_note(cd22_case, f"Note {number}", by=coordinator)
    assert count() == few
