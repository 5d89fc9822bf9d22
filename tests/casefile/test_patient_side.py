"""The patient's side of an amendment: the status page's plain-language summary follows the
screening the coordinator's facts produced, and says it rests on more than the answers."""

from __future__ import annotations

import pytest

from screening.core.timeline import record_event
from screening.core.tokens import issue_status_token
from screening.models import EventKind
from screening.patient.status_page import event_text
from screening.triage.amendments import FactSource, amend_fact

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
