"""Re-screening when the rules change: a real change of rule data, not faked results.

`abecma_as_before_april_2024` deploys the rules as they stood before 4 Apr 2024
(tests/pipeline/old_rules.py). The bulk job itself is tested in test_bulk_rescreen.py; here,
one case through it, the single-case path and the command.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from screening.intake.rederive import run_rescreen_here, start_rescreen
from screening.models import (
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Priority,
    RescreenJob,
    ScreeningRun,
)
from screening.pipeline import runs as screening_service
from screening.pipeline.rescreen import rescreen_case
from screening.pipeline.screen import screen_case
from screening.tasks import start_rescreen_task
from tests.factories import CaseFactory, CoordinatorFactory
from tests.pipeline.old_rules import (
    NEWLY_LIKELY,
    myeloma_after_two_lines,
    use_abecma_rules_before_april_2024,
)
from tests.rules.profiles import relapsed_b_all_adult

pytestmark = pytest.mark.django_db


@pytest.fixture
def abecma_as_before_april_2024(monkeypatch):
    return use_abecma_rules_before_april_2024(monkeypatch)


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


def rescreen_open_cases(*, all_cases=False):
    """What the hourly check and `manage.py rescreen` do: the bulk job, here in-process."""
    job = start_rescreen(reason="test", all_cases=all_cases)
    if job is not None:
        run_rescreen_here(job.pk)
        job.refresh_from_db()
    return job


def test_rescreening_records_each_change_and_raises_the_priority(screened_under_old_rules):
    case = screened_under_old_rules
    old_due = case.due_at

    job = rescreen_open_cases()

    assert (job.total, job.done, job.changed, job.raised, job.newly_likely) == (1, 1, 1, 1, 1)
    assert job.state == "done"
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

    job = rescreen_open_cases(all_cases=True)

    assert (job.total, job.done, job.changed) == (1, 1, 0)
    assert ScreeningRun.objects.count() == 2
    assert CaseEvent.objects.count() == events


def test_by_default_only_cases_screened_under_another_ruleset_are_checked(
    screened_under_old_rules,
):
    current = CaseFactory(profile=relapsed_b_all_adult())
    screen_case(current.pk)

    job = rescreen_open_cases()

    assert job.total == 1  # the myeloma case only


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

    assert rescreen_open_cases(all_cases=True) is None
    assert not ScreeningRun.objects.filter(case__in=[closed, submitted]).exists()


def test_the_rescreen_command_reports_what_it_did(screened_under_old_rules):
    out = StringIO()
    call_command("rescreen", stdout=out)
    assert "1 of 1 case(s) done, 1 with a changed verdict, 1 newly likely, 1 raised" in (
        out.getvalue()
    )
    assert out.getvalue().strip().startswith("Re-screen job")

    out = StringIO()
    call_command("rescreen", stdout=out)
    assert "Nothing to re-screen" in out.getvalue()


def test_the_rescreen_command_rescreens_one_case_by_reference(screened_under_old_rules):
    out = StringIO()
    call_command("rescreen", "--case", screened_under_old_rules.reference.lower(), stdout=out)
    assert out.getvalue().strip().endswith("Tecvayli: not eligible → likely eligible")


@pytest.mark.queue
def test_the_rescreen_command_leaves_the_job_to_the_workers_with_enqueue(
    screened_under_old_rules, pipeline_queue, queued, django_capture_on_commit_callbacks
):
    out = StringIO()
    # The command runs in autocommit, where each task is published at once; here the test's
    # transaction stands in for that commit.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rescreen", "--enqueue", stdout=out)
    job = RescreenJob.objects.get()
    assert queued(pipeline_queue) == [("screening.rescreen_job_task", [job.pk])]
    assert "Left to the workers" in out.getvalue()
    assert job.done == 0


@pytest.mark.queue
def test_the_hourly_task_starts_one_job_and_queues_its_steps_not_one_task_per_case(
    screened_under_old_rules, pipeline_queue, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert start_rescreen_task() == 1
        assert start_rescreen_task() == 1  # the same running job, nothing queued again
    job = RescreenJob.objects.get()
    assert queued(pipeline_queue) == [("screening.rescreen_job_task", [job.pk])]


def test_an_unknown_reference_is_a_plain_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No case with reference 'NAV-NONE'"):
        call_command("rescreen", "--case", "NAV-NONE")


def test_a_case_is_returned_to_the_queue_state_untouched(screened_under_old_rules):
    rescreen_open_cases()
    case = Case.objects.get(pk=screened_under_old_rules.pk)
    assert case.status == CaseStatus.AWAITING_REVIEW
