"""The patient's side of an amendment: the status page's plain-language summary follows the
screening the coordinator's facts produced, and says it rests on more than the answers; when a
verdict moves the person is emailed that their case was updated (no medical details, the
status link) through the one "case updated" path (screening/notify/patient_updates.py)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import transaction

from screening.core.timeline import record_event
from screening.core.tokens import issue_status_token
from screening.models import Amendment, Case, EventKind, Notification
from screening.patient.status_page import event_text
from screening.triage.amendments import FactSource, amend_fact, withdraw_amendment
from screening.triage.proposal_actions import accept_proposal
from tests.factories import FactProposalFactory
from tests.outbox import deliver_outbox

pytestmark = pytest.mark.django_db


def status_page(client, case):
    token = issue_status_token(case)
    response = client.get(f"/status/{token}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_summary_follows_the_amended_screening_and_says_so(
    client, cd22_case, flow_report, coordinator
):
    before = status_page(client, cd22_case)
    assert "Based on your answers, as of" in before

    amend_fact(
        cd22_case,
        "biomarkers.cd22_positive",
        True,
        FactSource("document", document=flow_report, page=1),
        by=coordinator,
    )

    after = status_page(client, cd22_case)
    likely = after[after.index('id="screening-likely"') :]
    assert "Besponsa" in likely[: likely.index("</ul>")]
    assert "Based on your answers and the records your coordinator added" in after
    assert "flow cytometry report of" not in after  # no coordinator's wording reaches it


def test_an_update_reads_as_such_on_the_patients_timeline(cd22_case):
    event = record_event(
        cd22_case,
        EventKind.RESCREENED,
        "internal words",
        data={"update": True},
        patient_visible=True,
    )
    assert event_text(event) == "Your case was updated: the preliminary screening changed."
    plain = record_event(cd22_case, EventKind.RESCREENED, "x", patient_visible=True)
    assert event_text(plain) == "The preliminary screening is ready."


# --- The "case updated" email: one path for amendments, withdrawals and accepted proposals ---

MEDICAL_WORDS = ("Besponsa", "CD22", "eligible", "flow cytometry", "needs review")


def updates_of(case):
    return list(Notification.objects.filter(case=case, template="case_updated").order_by("pk"))


def patient_lines(case):
    return [event_text(event) for event in case.events.filter(patient_visible=True)]


def amend_cd22(case, document, coordinator, value=True):
    return amend_fact(
        case,
        "biomarkers.cd22_positive",
        value,
        FactSource("document", document=document, page=1),
        by=coordinator,
    )


def test_an_amendment_that_moves_a_verdict_emails_the_person_the_link_and_no_medical_details(
    client, cd22_case, flow_report, coordinator
):
    outcome = amend_cd22(cd22_case, flow_report, coordinator)
    assert outcome.verdicts_changed

    [email] = updates_of(cd22_case)
    assert email.to == [cd22_case.email] and email.patient_visible
    assert email.key == f"case_updated:event:{outcome.rescreen.event.pk}"
    assert deliver_outbox() == 1
    [sent] = mail.outbox
    assert sent.subject == f"Your Navigator case {cd22_case.reference} was updated"
    html = sent.alternatives[0][0]
    for text in (sent.subject, sent.body, html):
        assert not any(word.lower() in text.lower() for word in MEDICAL_WORDS), text
    assert "your coordinator added information" in sent.body
    link = re.search(r"https?://\S+(/status/[\w-]+/)", sent.body).group(1)
    assert client.get(link).status_code == 200
    # The re-screen's own event is the person's line: one event for the change, not two.
    rescreens = cd22_case.events.filter(kind=EventKind.RESCREENED)
    assert [event.pk for event in rescreens] == [outcome.rescreen.event.pk]
    assert "Your case was updated: the preliminary screening changed." in patient_lines(cd22_case)


def test_an_amendment_that_moves_no_verdict_tells_the_person_nothing(
    cd22_case, flow_report, coordinator
):
    outcome = amend_fact(
        cd22_case,
        "biomarkers.npm1_mutated",  # an AML marker: no product for B-ALL reads it
        True,
        FactSource("document", document=flow_report, page=2),
        by=coordinator,
    )
    assert not outcome.verdicts_changed
    assert updates_of(cd22_case) == []
    assert not cd22_case.events.filter(kind=EventKind.RESCREENED, patient_visible=True).exists()


def test_a_withdrawal_that_moves_the_verdict_back_tells_the_person_again(
    cd22_case, flow_report, coordinator
):
    amended = amend_cd22(cd22_case, flow_report, coordinator)
    withdrawn = withdraw_amendment(
        cd22_case, amended.amendment.pk, by=coordinator, reason="Another patient's report"
    )
    assert withdrawn.rescreen.changes == {"besponsa": ["eligible", "needs_review"]}
    assert [email.key for email in updates_of(cd22_case)] == [
        f"case_updated:event:{amended.rescreen.event.pk}",
        f"case_updated:event:{withdrawn.rescreen.event.pk}",
    ]
    # Back to the first result (its run reinstated), then on to it again: told each time.
    again = amend_cd22(cd22_case, flow_report, coordinator)
    assert again.verdicts_changed and len(updates_of(cd22_case)) == 3


def test_an_accepted_proposal_that_moves_a_verdict_emails_the_person(
    cd22_case, flow_report, coordinator
):
    proposal = FactProposalFactory(document=flow_report)
    accept_proposal(cd22_case, proposal.pk, by=coordinator)
    [email] = updates_of(cd22_case)
    assert email.sent_by == coordinator and email.to == [cd22_case.email]


def test_an_amendment_rolled_back_queues_no_email(cd22_case, flow_report, coordinator):
    with pytest.raises(RuntimeError), transaction.atomic():
        amend_cd22(cd22_case, flow_report, coordinator)
        raise RuntimeError("the surrounding change failed")
    assert updates_of(cd22_case) == [] and not Amendment.objects.exists()


def test_a_person_without_an_email_address_gets_the_status_page_line_only(
    cd22_case, flow_report, coordinator
):
    Case.objects.filter(pk=cd22_case.pk).update(email="")
    cd22_case.refresh_from_db()
    amend_cd22(cd22_case, flow_report, coordinator)
    assert updates_of(cd22_case) == []
    assert "Your case was updated: the preliminary screening changed." not in patient_lines(
        cd22_case
    )
