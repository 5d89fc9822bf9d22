"""Amending a fact: stored with its source, laid over the intake profile, re-screened at once
with a diff per product, withdrawable, and refused with a specific message when wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from screening.models import (
    Amendment,
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    ScreeningRun,
)
from screening.triage.amendments import (
    AmendmentError,
    FactSource,
    StaleFact,
    amend_fact,
    field_revision,
    withdraw_amendment,
)
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

CD22 = "biomarkers.cd22_positive"


def from_document(document, page=1):
    return FactSource("document", document=document, page=page)


def from_treating_team(name="Dr Amara Okafor", method="call", day=None):
    return FactSource(
        "treating_team",
        contact_name=name,
        contact_method=method,
        contact_date=day or timezone.localdate(),
    )


def test_the_case_needs_review_for_besponsa_until_cd22_is_known(cd22_case):
    assert cd22_case.latest_run.verdicts["besponsa"] == "needs_review"


def test_an_amendment_keeps_who_when_the_old_and_new_value_and_its_source(
    cd22_case, flow_report, coordinator
):
    outcome = amend_fact(cd22_case, CD22, True, from_document(flow_report), by=coordinator)

    amendment = Amendment.objects.get()
    assert amendment == outcome.amendment
    assert (amendment.field, amendment.old_value, amendment.new_value) == (CD22, None, True)
    assert amendment.created_by == coordinator
    assert amendment.created_at is not None
    assert amendment.document == flow_report and amendment.page == 1
    day = timezone.localtime(flow_report.uploaded_at).date().isoformat()
    assert amendment.source_label == f"flow cytometry report of {day}, p. 1"


def test_the_screened_profile_is_the_intake_profile_with_the_amendment_laid_over_it(
    cd22_case, flow_report, coordinator
):
    amend_fact(cd22_case, CD22, True, from_document(flow_report), by=coordinator)

    case = Case.objects.get(pk=cd22_case.pk)
    assert case.intake_profile["biomarkers"]["cd22_positive"] is None  # never overwritten
    assert case.profile["biomarkers"]["cd22_positive"] is True
    assert {k: v for k, v in case.profile.items() if k != "biomarkers"} == {
        k: v for k, v in case.intake_profile.items() if k != "biomarkers"
    }


def test_saving_rescreens_at_once_and_the_timeline_says_why_each_verdict_moved(
    cd22_case, flow_report, coordinator
):
    outcome = amend_fact(cd22_case, CD22, True, from_document(flow_report), by=coordinator)

    case = Case.objects.get(pk=cd22_case.pk)
    assert case.latest_run.trigger == "amendment"
    assert case.latest_run.verdicts["besponsa"] == "eligible"
    assert outcome.rescreen.changes == {"besponsa": ["needs_review", "eligible"]}
    day = timezone.localtime(flow_report.uploaded_at).date().isoformat()
    rescreened = CaseEvent.objects.filter(case=case, kind=EventKind.RESCREENED).last()
    assert rescreened.actor == coordinator
    assert rescreened.message == (
        "Re-screened after an amendment of CD22 expression: Besponsa: needs review → likely "
        f"eligible, because CD22 positive (flow cytometry report of {day}, p. 1)"
    )
    amended = CaseEvent.objects.get(case=case, kind=EventKind.FACT_AMENDED)
    assert amended.message.startswith("CD22 expression: unknown → present (source: flow")
    assert not amended.patient_visible


def test_the_case_history_has_a_row_with_who_and_why(cd22_case, flow_report, coordinator):
    amend_fact(cd22_case, CD22, True, from_document(flow_report), by=coordinator)

    row = Case.history.filter(id=cd22_case.pk).latest("history_date")
    assert row.history_user == coordinator
    assert row.history_change_reason.startswith("Amended CD22 expression: unknown → present")


def test_withdrawing_restores_the_earlier_value_and_verdict_and_is_recorded(
    cd22_case, flow_report, coordinator
):
    first_run = cd22_case.latest_run_id
    amendment = amend_fact(cd22_case, CD22, True, from_document(flow_report), by=coordinator)
    outcome = withdraw_amendment(
        cd22_case, amendment.amendment.pk, by=coordinator, reason="Report is for another patient"
    )

    amendment = Amendment.objects.get()
    assert amendment.withdrawn_by == coordinator and amendment.withdrawn_at is not None
    assert amendment.withdrawal_reason == "Report is for another patient"
    case = Case.objects.get(pk=cd22_case.pk)
    assert case.profile["biomarkers"]["cd22_positive"] is None
    # The same input was screened before: that run is the latest again, nothing recomputed.
    assert case.latest_run_id == first_run
    assert outcome.rescreen.changes == {"besponsa": ["eligible", "needs_review"]}
    withdrawn = CaseEvent.objects.get(case=case, kind=EventKind.AMENDMENT_WITHDRAWN)
    assert "Why: Report is for another patient" in withdrawn.message
    assert withdrawn.message.endswith("Now unknown (the intake answers)")
    history = Case.history.filter(id=case.pk).latest("history_date")
    assert history.history_change_reason.startswith("Amendment of CD22 expression withdrawn")


def test_a_later_amendment_wins_and_withdrawing_it_falls_back_to_the_earlier_one(
    cd22_case, flow_report, coordinator
):
    amend_fact(cd22_case, CD22, True, from_document(flow_report), by=coordinator)
    later = amend_fact(cd22_case, CD22, False, from_treating_team(), by=coordinator)
    assert Case.objects.get(pk=cd22_case.pk).latest_run.verdicts["besponsa"] == "not_eligible"

    withdraw_amendment(cd22_case, later.amendment.pk, by=coordinator, reason="Misheard")

    case = Case.objects.get(pk=cd22_case.pk)
    assert case.profile["biomarkers"]["cd22_positive"] is True
    assert case.latest_run.verdicts["besponsa"] == "eligible"


def test_a_withdrawal_twice_is_refused_with_who_withdrew_it(cd22_case, flow_report, coordinator):
    made = amend_fact(cd22_case, CD22, True, from_document(flow_report), by=coordinator)
    withdraw_amendment(cd22_case, made.amendment.pk, by=coordinator, reason="Wrong file")

    with pytest.raises(AmendmentError, match="already withdrawn by Ines Holloway"):
        withdraw_amendment(cd22_case, made.amendment.pk, by=coordinator, reason="Again")


def test_a_withdrawal_without_a_reason_is_refused(cd22_case, flow_report, coordinator):
    made = amend_fact(cd22_case, CD22, True, from_document(flow_report), by=coordinator)
    with pytest.raises(AmendmentError, match="Say why") as refused:
        withdraw_amendment(cd22_case, made.amendment.pk, by=coordinator, reason="  ")
    assert refused.value.field == "reason"
    assert Amendment.objects.get().is_active


def test_a_value_outside_the_vocabulary_is_refused_with_the_fields_message(
    cd22_case, flow_report, coordinator
):
    with pytest.raises(AmendmentError) as refused:
        amend_fact(cd22_case, CD22, "maybe", from_document(flow_report), by=coordinator)

    assert refused.value.field == "value"
    assert str(refused.value) == (
        "biomarkers.cd22_positive: 'maybe' is not allowed; expected true, false, or null if "
        "unknown."
    )
    assert not Amendment.objects.exists()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("diagnosis", "leukaemia", "diagnosis: 'leukaemia' is not allowed; expected one of"),
        ("age_years", 131, "age_years: 131 is not allowed; expected an age in years from 0"),
        ("prior_therapies", ["chemotherapy", "magic"], "prior_therapies[1]: 'magic'"),
        ("ecog", 5, "ecog: 5 is not allowed; expected an ECOG performance status"),
        ("mrd_percent", -1, "mrd_percent: -1 is not allowed; expected an MRD level"),
    ],
)
def test_each_field_refuses_its_own_bad_values(cd22_case, coordinator, path, value, message):
    with pytest.raises(AmendmentError, match=message.replace("[", r"\[").replace("]", r"\]")):
        amend_fact(cd22_case, path, value, from_treating_team(), by=coordinator)


def test_a_field_outside_the_schema_is_refused(cd22_case, coordinator):
    with pytest.raises(AmendmentError, match="is not a field of the screening profile") as err:
        amend_fact(
            cd22_case, "biomarkers.cd33_positive", True, from_treating_team(), by=coordinator
        )
    assert err.value.field == "field"


@pytest.mark.parametrize(
    ("source", "field", "message"),
    [
        (FactSource(""), "source", "Say where the value comes from"),
        (FactSource("document"), "document", "Choose the document"),
        (FactSource("treating_team", contact_method="call"), "contact_name", "Name who"),
        (
            FactSource("treating_team", contact_name="Dr Okafor", contact_method="call"),
            "contact_date",
            "Give the date",
        ),
        (
            FactSource("treating_team", contact_name="Dr Okafor", contact_date=dt.date(2026, 1, 2)),
            "contact_method",
            "call or a letter",
        ),
        (
            FactSource("patient", contact_date=timezone.localdate() + dt.timedelta(days=2)),
            "contact_date",
            "in the future",
        ),
    ],
)
def test_an_amendment_without_a_proper_source_is_refused(
    cd22_case, coordinator, source, field, message
):
    with pytest.raises(AmendmentError, match=message) as refused:
        amend_fact(cd22_case, CD22, True, source, by=coordinator)
    assert refused.value.field == field
    assert not Amendment.objects.exists()
    assert Case.objects.get(pk=cd22_case.pk).profile == cd22_case.profile


def test_a_document_of_another_case_or_quarantined_or_a_missing_page_is_refused(
    cd22_case, flow_report, others_case, coordinator
):
    foreign = DocumentFactory(case=others_case)
    quarantined = DocumentFactory(case=cd22_case, scan_status="quarantined")
    with pytest.raises(AmendmentError, match="another case"):
        amend_fact(cd22_case, CD22, True, from_document(foreign), by=coordinator)
    with pytest.raises(AmendmentError, match="quarantined"):
        amend_fact(cd22_case, CD22, True, from_document(quarantined), by=coordinator)
    with pytest.raises(AmendmentError, match="has 2 page") as refused:
        amend_fact(cd22_case, CD22, True, from_document(flow_report, page=3), by=coordinator)
    assert refused.value.field == "page"


def test_the_treating_team_and_the_patient_read_as_sources(cd22_case, coordinator):
    day = dt.date(2026, 12, 1)
    amend_fact(cd22_case, CD22, True, from_treating_team(day=day), by=coordinator)
    amend_fact(
        cd22_case,
        "ecog",
        2,
        FactSource("patient", contact_name="daughter", contact_method="email", contact_date=day),
        by=coordinator,
    )
    labels = list(Amendment.objects.values_list("source_label", flat=True))
    assert labels == [
        "call from Dr Amara Okafor (treating team) on 2026-12-01",
        "the patient (daughter), email of 2026-12-01",
    ]


def test_setting_the_value_it_already_has_is_refused(cd22_case, coordinator):
    with pytest.raises(AmendmentError, match="CD19 expression is already “present”"):
        amend_fact(
            cd22_case, "biomarkers.cd19_positive", True, from_treating_team(), by=coordinator
        )


def test_a_closed_case_is_not_amended(cd22_case, coordinator):
    Case.objects.filter(pk=cd22_case.pk).update(status=CaseStatus.CLOSED, outcome="withdrawn")
    with pytest.raises(AmendmentError, match="closed"):
        amend_fact(cd22_case, CD22, True, from_treating_team(), by=coordinator)


def test_the_second_of_two_coordinators_sees_the_first_change_and_is_asked_to_confirm(
    cd22_case, flow_report, coordinator, lead
):
    # Both opened the form at the same revision.
    seen = field_revision(cd22_case, CD22)
    amend_fact(cd22_case, CD22, True, from_document(flow_report), by=lead, seen_revision=seen)

    with pytest.raises(StaleFact) as stale:
        amend_fact(cd22_case, CD22, False, from_treating_team(), by=coordinator, seen_revision=seen)
    assert "Leda Marchetti changed CD22 expression" in str(stale.value)
    assert "it is now “present”" in str(stale.value)
    assert Amendment.objects.count() == 1  # the second one is not saved yet

    # Confirming (at the revision it was shown) saves it; the first stays in the record.
    amend_fact(
        cd22_case,
        CD22,
        False,
        from_treating_team(),
        by=coordinator,
        seen_revision=stale.value.revision,
    )
    assert list(Amendment.objects.values_list("new_value", "created_by")) == [
        (True, lead.pk),
        (False, coordinator.pk),
    ]


def test_amending_the_diagnosis_moves_the_case_in_the_queue_filters(cd22_case, coordinator):
    amend_fact(cd22_case, "diagnosis", "t_all", from_treating_team(), by=coordinator)
    assert Case.objects.get(pk=cd22_case.pk).disease == "t_all"


def test_prior_therapies_are_stored_sorted_without_repeats(cd22_case, coordinator):
    amend_fact(
        cd22_case,
        "prior_therapies",
        ["tki", "chemotherapy", "tki"],
        from_treating_team(),
        by=coordinator,
    )
    assert Amendment.objects.get().new_value == ["chemotherapy", "tki"]


def test_an_amendment_on_a_case_the_rules_could_not_read_lets_it_be_screened(coordinator):
    from tests.admin.conftest import screened_case
    from tests.rules.profiles import relapsed_b_all_adult

    broken = relapsed_b_all_adult(age_years="forty-five")
    case = screened_case(assigned_to=coordinator, status=CaseStatus.IN_REVIEW, profile=broken)
    assert case.latest_run is None

    outcome = amend_fact(case, "age_years", 45, from_treating_team(), by=coordinator)

    assert outcome.rescreen.rescreened
    case.refresh_from_db()
    assert case.latest_run is not None
    event = CaseEvent.objects.filter(case=case, kind=EventKind.RESCREENED).last()
    assert event.message.startswith("Screened after an amendment of Age: Likely:")
    assert ScreeningRun.objects.filter(case=case).count() == 1
