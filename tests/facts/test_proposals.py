"""Proposals from processed documents: created once, refreshed while open, gone with their
document, and read by the case file with what they settle and whether they conflict."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from screening.documents.facts import EXTRACTOR_VERSION, Fact
from screening.documents.processing import process_document
from screening.documents.proposals import store_proposals
from screening.models import CaseEvent, EventKind, FactProposal, ProposalState, ScanStatus
from screening.pipeline.screen import screen_case
from screening.triage.proposals import conflicts, proposals_by_document
from tests.factories import CaseFactory, CoordinatorFactory, DocumentFactory
from tests.pipeline import pdfs

pytestmark = pytest.mark.django_db

FLOW_REPORT = pdfs.text_pdf(
    "FLOW CYTOMETRY IMMUNOPHENOTYPING REPORT",
    "RESULTS",
    "Blasts are positive for CD19 and CD22 (bright, 92% of blasts).",
    "INTERPRETATION",
    "B-lymphoblastic leukemia, CD19 and CD22 expressed.",
)


def _flow_document(case=None):
    return DocumentFactory(content=FLOW_REPORT, case=case or CaseFactory())


def test_processing_a_report_proposes_the_facts_it_states_with_quote_and_page():
    document = _flow_document()

    process_document(document.pk)

    proposals = {p.field: p for p in FactProposal.objects.filter(document=document)}
    assert set(proposals) == {"biomarkers.cd19_positive", "biomarkers.cd22_positive"}
    cd22 = proposals["biomarkers.cd22_positive"]
    assert cd22.value is True
    assert cd22.quote == "Blasts are positive for CD19 and CD22 (bright, 92% of blasts)."
    assert cd22.page == 1
    assert cd22.case_id == document.case_id
    assert cd22.state == ProposalState.PROPOSED
    assert cd22.extractor_version
    event = CaseEvent.objects.get(case=document.case, kind=EventKind.DOCUMENT_PROCESSED)
    assert event.message.endswith("; 2 fact(s) proposed")
    assert event.data["proposals"] == 2


def test_processing_a_document_twice_adds_no_second_proposal():
    document = _flow_document()
    process_document(document.pk)
    type(document).objects.filter(pk=document.pk).update(processed_at=None)

    process_document(document.pk)

    assert FactProposal.objects.filter(document=document).count() == 2


def test_the_database_refuses_two_proposals_for_one_field_of_a_document():
    document = _flow_document()
    process_document(document.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        FactProposal.objects.create(
            document=document,
            case=document.case,
            field="biomarkers.cd22_positive",
            value=False,
            quote="x",
        )


def test_reading_again_refreshes_open_proposals_and_keeps_decided_ones():
    document = _flow_document()
    process_document(document.pk)
    decided = FactProposal.objects.get(document=document, field="biomarkers.cd19_positive")
    decided.state = ProposalState.DISMISSED
    decided.decided_by = CoordinatorFactory()
    decided.decided_at = timezone.now()
    decided.save()

    store_proposals(document, [Fact("biomarkers.cd19_positive", False, "CD19 negative.", 2)])

    decided.refresh_from_db()
    assert (decided.value, decided.state) == (True, ProposalState.DISMISSED)
    # CD22 was open and is no longer read: it goes.
    assert not FactProposal.objects.filter(field="biomarkers.cd22_positive").exists()


def test_a_document_without_a_case_gets_no_proposals():
    document = DocumentFactory(content=FLOW_REPORT, case=None)
    process_document(document.pk)
    assert not FactProposal.objects.exists()


def test_a_deleted_document_takes_its_proposals_along():
    document = _flow_document()
    process_document(document.pk)
    document.delete()
    assert not FactProposal.objects.exists()


def test_a_quarantined_documents_proposals_disappear_from_the_case_file():
    document = _flow_document()
    process_document(document.pk)
    assert FactProposal.objects.visible().count() == 2

    type(document).objects.filter(pk=document.pk).update(scan_status=ScanStatus.QUARANTINED)

    assert FactProposal.objects.visible().count() == 0
    assert proposals_by_document(document.case) == []


def test_the_case_file_shows_what_each_proposal_settles_and_any_conflict(
    django_assert_num_queries,
):
    case = CaseFactory()
    case.profile["biomarkers"]["cd22_positive"] = None
    case.profile["biomarkers"]["cd19_positive"] = False  # the patient said negative
    case.save()
    screen_case(case.pk)
    case.refresh_from_db()
    document = _flow_document(case)
    process_document(document.pk)
    case = type(case).objects.select_related("latest_run").get(pk=case.pk)

    with django_assert_num_queries(1):
        (group,) = proposals_by_document(case)

    assert group.document == document
    rows = {row.field: row for row in group.rows}
    cd22 = rows["biomarkers.cd22_positive"]
    assert cd22.value_text == "CD22 positive"
    assert [(s.fact, s.products) for s in cd22.settles] == [("CD22 expression", ("Besponsa",))]
    assert cd22.conflict is False
    cd19 = rows["biomarkers.cd19_positive"]
    assert cd19.patient_value is False
    assert cd19.current_value is False
    assert cd19.conflict is True


def test_an_unknown_never_conflicts_and_mrd_compares_as_a_number():
    assert conflicts(None, True) is False
    assert conflicts(True, True) is False
    assert conflicts(0.12, 0.12) is False
    assert conflicts(0.12, 0.5) is True


def test_propose_facts_reads_documents_processed_before_the_extractor_once():
    document = _flow_document()
    process_document(document.pk)
    FactProposal.objects.all().delete()  # as if processed before proposals existed
    out = io.StringIO()

    call_command("propose_facts", stdout=out)
    call_command("propose_facts", stdout=io.StringIO())

    assert out.getvalue().strip() == "1 document(s) read; 2 proposal(s) stored."
    assert FactProposal.objects.filter(document=document).count() == 2


def test_propose_facts_rereads_proposals_of_an_older_extractor_and_skips_quarantined_ones():
    document = _flow_document()
    process_document(document.pk)
    FactProposal.objects.update(extractor_version="0")
    quarantined = _flow_document()
    process_document(quarantined.pk)
    FactProposal.objects.filter(document=quarantined).delete()
    type(quarantined).objects.filter(pk=quarantined.pk).update(scan_status=ScanStatus.QUARANTINED)

    call_command("propose_facts", stdout=io.StringIO())

    assert set(FactProposal.objects.values_list("extractor_version", flat=True)) == {
        EXTRACTOR_VERSION
    }
    assert not FactProposal.objects.filter(document=quarantined).exists()
