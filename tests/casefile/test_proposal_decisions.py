"""Proposals, not decisions: accepting a proposed fact makes it an amendment with its document
as the source; a conflict with the patient's answer needs a confirmation; dismissing changes
nothing; a decided or vanished proposal cannot be decided again."""

from __future__ import annotations

import pytest

from screening.models import Amendment, Case, CaseEvent, EventKind, ProposalState
from screening.triage.proposal_actions import (
    ProposalConflict,
    ProposalError,
    accept_proposal,
    dismiss_proposal,
)
from tests.factories import FactProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cd22_proposal(flow_report):
    return FactProposalFactory(document=flow_report)


def test_accepting_makes_an_amendment_from_the_document_and_rescreens(
    cd22_case, cd22_proposal, coordinator
):
    decision = accept_proposal(cd22_case, cd22_proposal.pk, by=coordinator)

    amendment = Amendment.objects.get()
    assert amendment == decision.amendment.amendment
    assert (amendment.document, amendment.page, amendment.new_value) == (
        cd22_proposal.document,
        1,
        True,
    )
    assert amendment.quote == "The blasts are positive for CD22 (92%)."
    assert amendment.source_label.startswith("flow cytometry report of ")
    cd22_proposal.refresh_from_db()
    assert cd22_proposal.state == ProposalState.ACCEPTED
    assert cd22_proposal.decided_by == coordinator and cd22_proposal.decided_at is not None
    assert Case.objects.get(pk=cd22_case.pk).latest_run.verdicts["besponsa"] == "eligible"


def test_a_proposal_contradicting_the_patient_is_a_conflict_until_confirmed(
    cd22_case, flow_report, coordinator
):
    proposal = FactProposalFactory(
        document=flow_report, field="biomarkers.cd19_positive", value=False, quote="CD19 negative"
    )  # the patient said CD19 positive

    with pytest.raises(ProposalConflict, match="The patient's answer was “present”"):
        accept_proposal(cd22_case, proposal.pk, by=coordinator)
    assert not Amendment.objects.exists()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PROPOSED

    accept_proposal(cd22_case, proposal.pk, by=coordinator, confirm_conflict=True)
    case = Case.objects.get(pk=cd22_case.pk)
    assert case.profile["biomarkers"]["cd19_positive"] is False
    assert case.intake_profile["biomarkers"]["cd19_positive"] is True  # the answer stays


def test_dismissing_changes_no_fact_and_is_on_the_timeline(cd22_case, cd22_proposal, coordinator):
    dismiss_proposal(cd22_case, cd22_proposal.pk, by=coordinator)

    cd22_proposal.refresh_from_db()
    assert cd22_proposal.state == ProposalState.DISMISSED
    assert not Amendment.objects.exists()
    event = CaseEvent.objects.get(case=cd22_case, kind=EventKind.PROPOSAL_DECIDED)
    assert event.message == "Proposal dismissed: CD22 positive (flow-cytometry.pdf, p. 1)"


def test_a_decided_proposal_cannot_be_decided_again(cd22_case, cd22_proposal, coordinator):
    dismiss_proposal(cd22_case, cd22_proposal.pk, by=coordinator)
    with pytest.raises(ProposalError, match="already dismissed by Ines Holloway"):
        accept_proposal(cd22_case, cd22_proposal.pk, by=coordinator)


def test_a_proposal_of_a_quarantined_document_cannot_be_accepted(
    cd22_case, cd22_proposal, coordinator
):
    cd22_proposal.document.scan_status = "quarantined"
    cd22_proposal.document.save()
    with pytest.raises(ProposalError, match="no longer on this case"):
        accept_proposal(cd22_case, cd22_proposal.pk, by=coordinator)


def test_accepting_a_value_already_recorded_marks_it_accepted_without_an_amendment(
    cd22_case, flow_report, coordinator
):
    proposal = FactProposalFactory(
        document=flow_report, field="biomarkers.cd19_positive", value=True, quote="CD19+"
    )
    decision = accept_proposal(cd22_case, proposal.pk, by=coordinator)
    assert decision.amendment is None
    assert not Amendment.objects.exists()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED
