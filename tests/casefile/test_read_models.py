"""The case file's read models: the intake answers as given, and the facts with their sources."""

from __future__ import annotations

import pytest
from django.utils import timezone

from screening.models import Case
from screening.triage.amendments import FactSource, amend_fact, withdraw_amendment
from screening.triage.case_facts import case_facts
from screening.triage.intake_answers import read_intake_answers
from tests.casefile.answers import case_from_answers, myeloma_answers

pytestmark = pytest.mark.django_db


def answers_by_question(intake):
    read = read_intake_answers(intake)
    return {a.question: a.answer for section in read.sections for a in section.answers}


def test_every_answer_reads_in_the_wizards_words():
    answers = answers_by_question(myeloma_answers())
    # Issue #16 renamed the role "A relative or friend" (the form asks "a relative or friend").
    assert answers["Filled in by"] == "A relative or friend"
    assert answers["Their name"] == "Oriana Vantongeren"
    assert answers["The patient's name"] == "Bartholomew Vantongeren"
    assert answers["What is the diagnosis?"] == "Multiple myeloma"
    assert answers["Which best describes the disease now?"].endswith("(refractory)")
    assert answers["Anything else the coordinator should know? (optional)"] == (
        "Tires easily; lives two hours from the nearest centre."
    )
    assert answers["Are the myeloma cells BCMA-positive?"] == "Not tested or not sure"


def test_treatment_lines_are_a_table_with_what_the_derivation_read():
    read = read_intake_answers(myeloma_answers())
    first, second, third = read.lines
    assert (first.number, first.name, first.start, first.end, first.relapse) == (
        1,
        "VRd",
        "2020-06",
        "2021-01",
        "2021-09",
    )
    assert first.read_as == "immunomodulatory agent, proteasome inhibitor"
    assert second.classes == "anti-CD38 antibody, proteasome inhibitor"
    assert second.response == "Complete remission: no sign of the cancer"
    assert third.name == "Pomalyst and dexamethasone" and third.read_as == "not recognised"
    assert [t.answer for t in read.transplants] == [
        "Using the patient's own stem cells (autologous), 2021-02"
    ]


def test_a_case_not_made_by_the_wizard_has_no_answers_to_show():
    assert read_intake_answers({"source": "demo"}).given is False


def test_each_fact_says_where_its_value_came_from(coordinator):
    case = case_from_answers(myeloma_answers(), assigned_to=coordinator)
    amend_fact(
        case,
        "biomarkers.bcma_positive",
        True,
        FactSource(
            "treating_team",
            contact_name="Dr Ilse Brandvold",
            contact_method="call",
            contact_date=timezone.localdate(),
        ),
        by=coordinator,
    )
    case = Case.objects.select_related("latest_run").get(pk=case.pk)

    rows = {row.path: row for row in case_facts(case)}

    bcma = rows["biomarkers.bcma_positive"]
    assert (bcma.value_text, bcma.intake_text) == ("present", "unknown")
    assert bcma.source.startswith("call from Dr Ilse Brandvold (treating team) on ")
    assert "amended by Ines Holloway" in bcma.source
    assert bcma.amended and bcma.revision == 1
    assert rows["diagnosis"].source == "the intake answers" and not rows["diagnosis"].amended
    # By brand on every database (PostgreSQL's jsonb keeps no key order).
    assert rows["prior_therapies"].missing_for[:2] == ("Abecma", "Blenrep")

    withdraw_amendment(case, bcma.amendment.pk, by=coordinator, reason="Wrong patient")
    again = {row.path: row for row in case_facts(Case.objects.get(pk=case.pk))}
    assert again["biomarkers.bcma_positive"].revision == 2
    assert not again["biomarkers.bcma_positive"].amended
    assert len(again["biomarkers.bcma_positive"].history) == 1


def test_facts_cost_one_query_beyond_the_case(coordinator, django_assert_num_queries):
    case = case_from_answers(myeloma_answers(), assigned_to=coordinator)
    case = Case.objects.select_related("latest_run").get(pk=case.pk)
    with django_assert_num_queries(1):
        case_facts(case)
