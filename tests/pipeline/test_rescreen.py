"""Re-screening when the rules change: a real change of rule data, not faked results.

`abecma_as_before_april_2024` deploys the rules as they stood before 4 Apr 2024: the Abecma
myeloma indication as it read until then (four or more prior lines instead of two; see the
indication's notes) and none of the indications approved since (Tecvayli with daratumumab,
Blenrep, ...), with the ruleset version computed from that data, exactly as a deploy of older
rules would.
"""

import dataclasses
from io import StringIO

import pytest
from django.core.management import call_command

from screening.models import Case, CaseEvent, CaseStatus, EventKind, Priority, ScreeningRun
from screening.pipeline import runs as screening_service
from screening.pipeline.rescreen import rescreen_case, rescreen_open_cases
from screening.pipeline.screen import screen_case
from screening.rules import engine, ruleset
from screening.rules.criteria import LinesAtLeast
from screening.rules.data import INDICATIONS
from screening.tasks import rescreen_open_cases_task
from tests.factories import CaseFactory, CoordinatorFactory
from tests.rules.profiles import relapsed_b_all_adult, rr_myeloma_triple_exposed

pytestmark = pytest.mark.django_db


APRIL_2024 = "2024-04-04"
# A two-line, triple-exposed myeloma that is not lenalidomide-refractory, screened today.
NEWLY_LIKELY = {
    "abecma": ["not_eligible", "eligible"],
    "tecvayli": ["not_eligible", "eligible"],
    "blenrep": ["not_eligible", "eligible"],
}


def _in_force_before_april_2024(indication, abecma) -> bool:
    return indication is abecma or indication.approved < APRIL_2024


def use_abecma_rules_before_april_2024(monkeypatch) -> str:
    """Deploy the rule data as it stood before 4 Apr 2024; returns its version."""
    current = next(i for i in INDICATIONS if i.id == "ABE-MM")
    old = dataclasses.replace(
        current,
        criteria=tuple(
            LinesAtLeast(4, "after four or more prior lines of therapy", basis="label; C3")
            if isinstance(c, LinesAtLeast)
            else c
            for c in current.criteria
        ),
    )
    plan = tuple(
        (
            product,
            tuple(
                old if i is current else i
                for i in indications
                if _in_force_before_april_2024(i, current)
            ),
        )
        for product, indications in engine._PLAN
    )
    data = ruleset.rule_data()
    data["indications"] = [
        (old if i is current else i).to_dict()
        for i in INDICATIONS
        if _in_force_before_april_2024(i, current)
    ]
    version = ruleset.ruleset_version(data)
    assert version != ruleset.RULESET_VERSION
    monkeypatch.setattr(engine, "_PLAN", plan)
    monkeypatch.setattr(engine, "RULESET_VERSION", version)
    monkeypatch.setattr(screening_service, "RULESET_VERSION", version)
    return version


@pytest.fixture
def abecma_as_before_april_2024(monkeypatch):
    return use_abecma_rules_before_april_2024(monkeypatch)


def myeloma_after_two_lines():
    # Two prior lines, not lenalidomide-refractory: Carvykti's label needs that, Abecma's
    # current label does not (two lines), its pre-2024 label did (four lines).
    return rr_myeloma_triple_exposed(lenalidomide_refractory=False)


@pytest.fixture
def screened_under_old_rules(abecma_as_before_april_2024, monkeypatch):
    CoordinatorFactory()
    case = CaseFactory(profile=myeloma_after_two_lines())
    screen_case(case.pk)
    case.refresh_from_db()
    monkeypatch.undo()  # deploy the current rules
    return case


def test_under_the_old_rules_no_product_is_likely_and_the_case_is_standard(
    screened_under_old_rules,
):
    case = screened_under_old_rules
    assert case.latest_run.verdicts["abecma"] == "not_eligible"
    assert "eligible" not in case.latest_run.verdicts.values()
    assert case.priority == Priority.STANDARD


def test_rescreening_records_each_change_and_raises_the_priority(screened_under_old_rules):
    case = screened_under_old_rules
    old_due = case.due_at

    report = rescreen_open_cases()

    assert (report.checked, report.rescreened, report.changed, report.raised) == (1, 1, 1, 1)
    case.refresh_from_db()
    run = case.latest_run
    assert run.ruleset_version == screening_service.RULESET_VERSION
    assert run.trigger == "rescreen"
    assert run.verdicts["abecma"] == "eligible"
    assert run.changes == NEWLY_LIKELY
    event = CaseEvent.objects.get(case=case, kind=EventKind.RESCREENED)
    assert event.message == (
        f"Re-screened under ruleset {run.ruleset_version}: Abecma: not eligible → likely "
        "eligible; Blenrep: not eligible → likely eligible; Tecvayli: not eligible → likely "
        "eligible"
    )
    assert event.data["changes"] == NEWLY_LIKELY
    assert case.priority == Priority.HIGH
    assert case.priority_reason == (
        "Relapsed or refractory myeloma with a product likely eligible (Myeloma, refractory "
        "(not responding to treatment)); likely eligible: Abecma, Tecvayli, Blenrep"
    )
    assert case.due_at <= old_due
    raised = CaseEvent.objects.filter(case=case, kind=EventKind.PRIORITISED).last()
    assert raised.message.startswith("Priority raised: Standard → High")


def test_rescreening_again_stores_nothing(screened_under_old_rules):
    rescreen_open_cases()
    events = CaseEvent.objects.count()

    report = rescreen_open_cases(all_cases=True)

    assert (report.checked, report.rescreened) == (1, 0)
    assert ScreeningRun.objects.count() == 2
    assert CaseEvent.objects.count() == events


def test_by_default_only_cases_screened_under_another_ruleset_are_checked(
    screened_under_old_rules,
):
    current = CaseFactory(profile=relapsed_b_all_adult())
    screen_case(current.pk)

    report = rescreen_open_cases()

    assert report.checked == 1  # the myeloma case only


def test_a_product_that_is_no_longer_likely_is_recorded_but_never_lowers_the_priority(
    monkeypatch,
):
    CoordinatorFactory()
    case = CaseFactory(profile=myeloma_after_two_lines())
    screen_case(case.pk)  # today's rules: Abecma, Tecvayli, Blenrep likely, priority high
    case.refresh_from_db()
    assert case.priority == Priority.HIGH
    use_abecma_rules_before_april_2024(monkeypatch)

    result = rescreen_case(case)

    assert result.rescreened and not result.raised
    assert result.changes == {key: [new, old] for key, (old, new) in NEWLY_LIKELY.items()}
    case.refresh_from_db()
    assert case.priority == Priority.HIGH
    event = CaseEvent.objects.get(case=case, kind=EventKind.RESCREENED)
    assert event.message.endswith("Tecvayli: likely eligible → not eligible")


def test_closed_and_unscreened_cases_are_not_rescreened(abecma_as_before_april_2024):
    closed = CaseFactory(status=CaseStatus.CLOSED)
    submitted = CaseFactory()

    report = rescreen_open_cases(all_cases=True)

    assert report.checked == 0
    assert not ScreeningRun.objects.filter(case__in=[closed, submitted]).exists()


def test_the_rescreen_command_reports_what_it_did(screened_under_old_rules):
    out = StringIO()
    call_command("rescreen", stdout=out)
    assert "1 open case(s) checked, 1 re-screened, 1 with a changed verdict, 1 raised" in (
        out.getvalue()
    )


def test_the_rescreen_command_rescreens_one_case_by_reference(screened_under_old_rules):
    out = StringIO()
    call_command("rescreen", "--case", screened_under_old_rules.reference.lower(), stdout=out)
    assert out.getvalue().strip().endswith("Tecvayli: not eligible → likely eligible")


@pytest.mark.queue
def test_the_rescreen_command_enqueues_one_task_per_case(
    screened_under_old_rules, pipeline_queue, queued, django_capture_on_commit_callbacks
):
    out = StringIO()
    # The command runs in autocommit, where each task is published at once; here the test's
    # transaction stands in for that commit.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rescreen", "--enqueue", stdout=out)
    assert queued(pipeline_queue) == [
        ("screening.rescreen_case_task", [screened_under_old_rules.pk])
    ]
    assert "Queued 1 case(s)" in out.getvalue()


@pytest.mark.queue
def test_the_rescreen_task_fans_out_one_task_per_outdated_case(
    screened_under_old_rules, pipeline_queue, queued
):
    assert rescreen_open_cases_task() == 1
    assert queued(pipeline_queue) == [
        ("screening.rescreen_case_task", [screened_under_old_rules.pk])
    ]


def test_an_unknown_reference_is_a_plain_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No case with reference 'NAV-NONE'"):
        call_command("rescreen", "--case", "NAV-NONE")


def test_a_case_is_returned_to_the_queue_state_untouched(screened_under_old_rules):
    rescreen_open_cases()
    case = Case.objects.get(pk=screened_under_old_rules.pk)
    assert case.status == CaseStatus.AWAITING_REVIEW
