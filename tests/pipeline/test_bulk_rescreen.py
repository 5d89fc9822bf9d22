"""The bulk re-screen job, in this process (the real-worker kill test is
test_bulk_rescreen_worker.py): every outdated open case screened once, in batches claimed with
conditional updates, runs and verdict rows written in bulk, one event per changed case."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from screening.intake.rederive import start_rescreen
from screening.models import (
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Notification,
    Priority,
    ProductVerdict,
    RescreenBatch,
    RescreenJob,
    ScreeningRun,
)
from screening.pipeline import runs
from screening.pipeline.bulk_rescreen import (
    claim_batch,
    rescreen_batch,
    rescreen_next_batch,
    resume_stalled_jobs,
)
from screening.pipeline.rescreen import rescreen_case
from screening.rules.data.products import PRODUCTS
from screening.rules.results import MEDICAL_ADVICE_NOTICE
from tests.factories import CaseFactory
from tests.pipeline.old_rules import (
    NEWLY_LIKELY,
    myeloma_after_two_lines,
    run_job,
    screened_cases,
    use_abecma_rules_before_april_2024,
)
from tests.rules.profiles import third_line_dlbcl

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_cases(monkeypatch, settings):
    """Three myeloma cases that become likely eligible, four DLBCL cases that do not change."""
    settings.RESCREEN_BATCH = 3
    profiles = [myeloma_after_two_lines()] * 3 + [third_line_dlbcl()] * 4
    return screened_cases(monkeypatch, profiles)


def test_every_outdated_open_case_is_rescreened_once_in_batches(mixed_cases):
    closed = CaseFactory(status=CaseStatus.CLOSED)
    job = run_job()

    assert (job.state, job.total, job.done) == ("done", 7, 7)
    assert (job.changed, job.newly_likely, job.raised, job.invalid) == (3, 3, 3, 0)
    batches = list(job.batches.order_by("number"))
    assert [len(b.case_ids) for b in batches] == [3, 3, 1]
    assert {b.state for b in batches} == {"done"}
    assert [b.attempts for b in batches] == [1, 1, 1]
    current = ScreeningRun.objects.filter(ruleset_version=runs.RULESET_VERSION)
    assert sorted(current.values_list("case_id", flat=True)) == [c.pk for c in mixed_cases]
    for run in current:
        assert run.case.latest_run_id == run.pk
        assert ProductVerdict.objects.filter(run=run).count() == len(PRODUCTS)
    assert not ScreeningRun.objects.filter(case=closed).exists()
    assert start_rescreen(reason="again") is None  # nothing left to do


def test_one_event_per_case_whose_verdicts_changed_with_the_per_product_diff(mixed_cases):
    job = run_job()

    myeloma, dlbcl = mixed_cases[:3], mixed_cases[3:]
    for case in myeloma:
        event = CaseEvent.objects.get(case=case, kind=EventKind.RESCREENED)
        assert event.data["changes"] == NEWLY_LIKELY
        assert event.message == (
            f"Re-screened under ruleset {job.ruleset_version}: Abecma: not eligible → likely "
            "eligible; Blenrep: not eligible → likely eligible; Tecvayli: not eligible → "
            "likely eligible"
        )
    assert not CaseEvent.objects.filter(case__in=dlbcl, kind=EventKind.RESCREENED).exists()
    for case in dlbcl:  # a new run all the same: the queue shows the current rules
        case.refresh_from_db()
        assert case.latest_run.ruleset_version == runs.RULESET_VERSION
        assert case.latest_run.changes == {}


def test_a_case_that_became_likely_is_raised_and_flagged_for_its_coordinator(mixed_cases):
    before = mixed_cases[0]

    run_job()

    case = Case.objects.get(pk=before.pk)
    assert case.priority == Priority.HIGH
    assert case.due_at <= before.due_at
    assert case.newly_likely == ["abecma", "blenrep", "tecvayli"]
    assert case.newly_likely_at is not None
    assert case.screening_summary.startswith("Likely: Abecma")
    raised = CaseEvent.objects.get(case=case, kind=EventKind.PRIORITISED, data__previous=3)
    assert raised.message.startswith("Priority raised: Standard → High")
    unchanged = Case.objects.get(pk=mixed_cases[-1].pk)
    assert (unchanged.newly_likely, unchanged.newly_likely_at) == ([], None)


def test_the_bulk_job_stores_exactly_what_the_single_case_path_stores(monkeypatch):
    one, other = screened_cases(monkeypatch, [myeloma_after_two_lines()] * 2)
    rescreen_case(one)

    job = run_job()

    assert job.total == 1  # the case already re-screened one by one is left out
    one, other = Case.objects.get(pk=one.pk), Case.objects.get(pk=other.pk)
    for field in ("results", "verdicts", "changes", "trigger", "ruleset_version"):
        assert getattr(one.latest_run, field) == getattr(other.latest_run, field), field
    assert (one.screening_summary, one.priority, one.priority_reason) == (
        other.screening_summary,
        other.priority,
        other.priority_reason,
    )
    messages = [
        CaseEvent.objects.get(case=case, kind=EventKind.RESCREENED).message for case in (one, other)
    ]
    assert messages[0] == messages[1]


def test_an_invalid_stored_profile_is_recorded_on_its_case_once_and_the_others_go_on(
    mixed_cases,
):
    broken = mixed_cases[1]
    Case.objects.filter(pk=broken.pk).update(profile={**broken.profile, "age_years": "twelve"})

    job = run_job()

    assert (job.done, job.invalid, job.changed) == (7, 1, 2)
    failed = CaseEvent.objects.get(case=broken, kind=EventKind.RESCREEN_FAILED)
    assert failed.message.startswith(
        f"Could not be re-screened under ruleset {job.ruleset_version}"
    )
    assert "age_years" in failed.message
    assert failed.data["ruleset"] == job.ruleset_version
    assert Case.objects.get(pk=broken.pk).latest_run.ruleset_version != job.ruleset_version
    # The hourly check does not start a job for it again (nor record it again).
    assert start_rescreen(reason="hourly") is None
    assert CaseEvent.objects.filter(kind=EventKind.RESCREEN_FAILED).count() == 1


def test_a_claim_taken_over_after_it_went_stale_writes_nothing(mixed_cases, settings):
    job = start_rescreen(reason="test")
    batch_id, first_token = claim_batch(job.pk)
    # The first worker stalls past the threshold (or died): its claim is taken over.
    RescreenBatch.objects.filter(pk=batch_id).update(
        claimed_at=timezone.now() - dt.timedelta(seconds=settings.SCREENING_STUCK_AFTER + 1)
    )
    taken_over, second_token = claim_batch(job.pk)
    assert taken_over == batch_id and second_token != first_token

    assert rescreen_batch(batch_id, first_token) is None  # the first worker wakes up: nothing
    assert not ScreeningRun.objects.filter(ruleset_version=runs.RULESET_VERSION).exists()
    report = rescreen_batch(batch_id, second_token)
    assert report.cases == 3
    assert ScreeningRun.objects.filter(ruleset_version=runs.RULESET_VERSION).count() == 3
    assert RescreenBatch.objects.get(pk=batch_id).attempts == 2
    assert RescreenJob.objects.get(pk=job.pk).done == 3


def test_a_live_claim_is_not_taken_and_a_finished_batch_is_not_done_again(mixed_cases):
    job = start_rescreen(reason="test")
    first = claim_batch(job.pk)
    second = claim_batch(job.pk)
    assert first[0] != second[0]  # the next batch, not the one being worked on
    rescreen_batch(*first)
    runs_written = ScreeningRun.objects.count()

    assert rescreen_batch(*first) is None  # a duplicate delivery of the same step
    assert ScreeningRun.objects.count() == runs_written


def test_a_newer_ruleset_supersedes_the_running_job(monkeypatch, mixed_cases):
    old_version = use_abecma_rules_before_april_2024(monkeypatch)
    Case.objects.filter(pk=mixed_cases[0].pk).update(status=CaseStatus.IN_REVIEW)
    old = start_rescreen(reason="test", all_cases=True)
    assert old.ruleset_version == old_version
    claim = claim_batch(old.pk)
    monkeypatch.undo()  # today's rules are deployed while it runs

    new = start_rescreen(reason="deploy")

    old.refresh_from_db()
    assert old.state == "superseded" and old.finished_at is not None
    assert set(old.batches.values_list("state", flat=True)) == {"cancelled"}
    assert rescreen_batch(*claim) is None  # a worker of the old rules finishing: nothing
    assert (new.state, new.total) == ("running", 7)
    assert start_rescreen(reason="again") == new  # one running job, not two


def test_a_worker_running_other_rules_leaves_the_job_to_the_others(monkeypatch, mixed_cases):
    job = start_rescreen(reason="test")
    use_abecma_rules_before_april_2024(monkeypatch)  # this process still runs the old rules

    assert rescreen_next_batch(job.pk) is False
    assert not RescreenBatch.objects.filter(job=job).exclude(state="pending").exists()


def test_a_batch_costs_the_same_queries_whatever_its_size(monkeypatch, settings):
    settings.RESCREEN_BATCH = 4
    myeloma, dlbcl = myeloma_after_two_lines(), third_line_dlbcl()
    screened_cases(monkeypatch, [myeloma, dlbcl, dlbcl, dlbcl, myeloma])
    job = start_rescreen(reason="test")  # batches of four cases and of one, each newly likely

    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert rescreen_next_batch(job.pk)
        counts.append(len(queries))

    assert counts[0] == counts[1] <= 21, counts
    assert RescreenJob.objects.get(pk=job.pk).done == 5


def test_the_sweeper_restarts_the_steps_of_a_job_that_stopped_progressing(
    mixed_cases, settings, django_capture_on_commit_callbacks
):
    job = start_rescreen(reason="test")
    assert resume_stalled_jobs() == 0  # it just started
    later = timezone.now() + dt.timedelta(seconds=settings.SCREENING_STUCK_AFTER + 1)

    with django_capture_on_commit_callbacks() as published:
        assert resume_stalled_jobs(now=later) == 1
        assert resume_stalled_jobs(now=later) == 0  # the clock restarted

    assert len(published) == settings.RESCREEN_WORKERS
    assert RescreenJob.objects.get(pk=job.pk).progressed_at == later


# --- The people whose case became likely eligible ----------------------------------------


def test_the_person_whose_case_became_likely_is_emailed_once_without_medical_details(
    mixed_cases, client
):
    run_job()

    myeloma = [Case.objects.get(pk=case.pk) for case in mixed_cases[:3]]
    emails = list(Notification.objects.filter(template="case_updated").order_by("case_id"))
    assert [email.case_id for email in emails] == [case.pk for case in myeloma]
    for email, case in zip(emails, myeloma, strict=True):
        assert email.to == [case.email]
        assert email.key == f"case_updated:run:{case.latest_run_id}"
        assert email.subject == f"Your Navigator case {case.reference} was updated"
        assert "label information Navigator compares your answers with was updated" in (
            email.body_text
        )
        for medical in ("Abecma", "Tecvayli", "Blenrep", "myeloma", "likely eligible"):
            assert medical not in email.body_text and medical not in email.body_html
        assert MEDICAL_ADVICE_NOTICE in email.body_text
        assert email.patient_visible
        assert CaseEvent.objects.filter(case=case, kind=EventKind.EMAIL_QUEUED).count() == 1
        update = CaseEvent.objects.get(case=case, kind=EventKind.RESCREENED)
        assert update.patient_visible and update.data["update"] is True
    # The link in the email opens the person's page: the update and the new summary.
    link = re.search(r"https?://\S+(/status/[^/\s]+/)", emails[0].body_text).group(1)
    page = client.get(link).text
    assert "Your case was updated: the preliminary screening changed." in page
    likely = page[page.index('id="screening-likely"') :]
    assert "Abecma" in likely[: likely.index("</ul>")]
    # Cases whose verdicts did not change: no email, nothing on their page.
    assert not Notification.objects.filter(
        case__in=mixed_cases[3:], template="case_updated"
    ).exists()


@pytest.mark.queue
def test_the_emails_of_a_batch_leave_in_one_delivery_task(
    mixed_cases, pipeline_queue, queued, django_capture_on_commit_callbacks
):
    job = start_rescreen(reason="test")  # its steps wait for a commit that never comes here

    with django_capture_on_commit_callbacks(execute=True):
        assert rescreen_next_batch(job.pk)  # the first batch: the three myeloma cases

    emails = sorted(
        Notification.objects.filter(template="case_updated").values_list("pk", flat=True)
    )
    deliveries = [args for name, args in queued(pipeline_queue) if "deliver" in name]
    assert deliveries == [emails] and len(emails) == 3
