"""Re-derivation: when the intake derivation changes, open cases are derived again from their
stored answers and re-screened with a diff, amendments kept. The "deploy" here is a real change
to the regimen table (a brand name added) with the version that change would carry."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from screening.intake import derivation, rederive
from screening.intake.rederive import (
    cases_to_rederive,
    rederive_and_rescreen,
    rederive_case,
    run_rescreen_here,
    start_rescreen,
)
from screening.models import (
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Notification,
    RescreenJob,
    ScreeningRun,
)
from screening.tasks import rescreen_job_task, start_rescreen_task
from screening.triage.amendments import FactSource, amend_fact
from tests.casefile.answers import case_from_answers, myeloma_answers
from tests.factories import CaseFactory, CoordinatorFactory

pytestmark = pytest.mark.django_db

FIXED_VERSION = "derive+f1xedf1xed00"
CLASSES = ["anti_cd38", "autologous_sct", "imid", "proteasome_inhibitor"]
CURRENT_VERSION = derivation.DERIVATION_VERSION  # before any test deploys a fix


@pytest.fixture
def myeloma_case():
    CoordinatorFactory()
    case = case_from_answers(myeloma_answers())
    # "Pomalyst" is not in the table: its line is asked about, the other lines are known.
    assert case.profile["unrecognised_lines"] == [3]
    assert case.profile["prior_therapies"] == CLASSES
    assert case.latest_run.verdicts["abecma"] == "needs_review"
    return case


@pytest.fixture
def regimen_table_fixed(monkeypatch):
    """Deploy the fix: Pomalyst (pomalidomide's brand) is an IMiD."""
    monkeypatch.setitem(derivation.REGIMEN_CLASSES, "pomalyst", ("imid",))
    monkeypatch.setattr(derivation, "DERIVATION_VERSION", FIXED_VERSION)
    monkeypatch.setattr(rederive, "DERIVATION_VERSION", FIXED_VERSION)
    return FIXED_VERSION


def rescreen_open_cases():
    """The hourly check's bulk job, here in-process: derives outdated cases again first."""
    job = start_rescreen(reason="test")
    if job is not None:
        run_rescreen_here(job.pk)
        job.refresh_from_db()
    return job


def test_a_submitted_case_records_the_derivation_it_was_derived_with(myeloma_case):
    assert myeloma_case.derivation_version == derivation.DERIVATION_VERSION
    assert myeloma_case.latest_run.derivation_version == derivation.DERIVATION_VERSION
    assert derivation.DERIVATION_VERSION.startswith("derive+")


def test_a_fix_to_the_regimen_table_reaches_an_open_case_with_a_diff(
    myeloma_case, regimen_table_fixed
):
    job = rescreen_open_cases()

    assert (job.total, job.done, job.changed, job.invalid) == (1, 1, 1, 0)
    assert job.derivation_version == FIXED_VERSION
    case = Case.objects.get(pk=myeloma_case.pk)
    assert case.derivation_version == FIXED_VERSION
    assert case.intake_profile["prior_therapies"] == CLASSES
    assert case.intake_profile["unrecognised_lines"] == []
    assert case.profile["unrecognised_lines"] == []
    assert case.latest_run.trigger == "rederive"
    assert case.latest_run.derivation_version == FIXED_VERSION
    assert case.latest_run.verdicts["abecma"] == "eligible"
    derived = CaseEvent.objects.get(case=case, kind=EventKind.PROFILE_REDERIVED)
    assert derived.message.startswith(
        f"Profile derived again from the answers ({CURRENT_VERSION} → "
        f"{FIXED_VERSION}): Treatment lines not recognised: 3 → none"
    )
    rescreened = CaseEvent.objects.filter(case=case, kind=EventKind.RESCREENED).last()
    assert rescreened.message.startswith(
        "Re-screened after the answers were derived again: Abecma: needs review → likely "
        "eligible, because treatment lines not recognised: none"
    )
    assert "Carvykti: needs review → likely eligible" in rescreened.message


def test_the_person_is_told_their_answers_are_read_more_accurately_not_that_labels_changed(
    myeloma_case, regimen_table_fixed
):
    rescreen_open_cases()

    [email] = Notification.objects.filter(case=myeloma_case, template="case_updated")
    assert "Navigator now reads your answers more accurately" in email.body_text
    assert "label information" not in email.body_text
    for medical in ("Abecma", "Carvykti", "Pomalyst", "likely eligible"):
        assert medical not in email.body_text and medical not in email.body_html


def test_amendments_still_lie_over_the_profile_derived_again(myeloma_case, regimen_table_fixed):
    coordinator = CoordinatorFactory()
    Case.objects.filter(pk=myeloma_case.pk).update(assigned_to=coordinator)
    amend_fact(
        myeloma_case,
        "lenalidomide_refractory",
        False,
        FactSource(
            "treating_team",
            contact_name="Dr Ilse Brandvold",
            contact_method="letter",
            contact_date=timezone.localdate(),
        ),
        by=coordinator,
    )

    rederive_case(myeloma_case)

    case = Case.objects.get(pk=myeloma_case.pk)
    assert case.intake_profile["lenalidomide_refractory"] is True
    assert case.profile["lenalidomide_refractory"] is False
    assert case.profile["prior_therapies"] == case.intake_profile["prior_therapies"]
    assert case.latest_run.verdicts["carvykti"] == "not_eligible"  # the amendment decides
    assert case.latest_run.verdicts["abecma"] == "eligible"


def test_a_new_version_that_derives_the_same_profile_changes_nothing_but_the_version(
    myeloma_case, monkeypatch
):
    monkeypatch.setattr(rederive, "DERIVATION_VERSION", "derive+c0mmentonly0")
    runs, events = ScreeningRun.objects.count(), CaseEvent.objects.count()

    result = rederive_case(myeloma_case)

    assert result.rederived and not result.intake_changes
    assert Case.objects.get(pk=myeloma_case.pk).derivation_version == "derive+c0mmentonly0"
    assert (ScreeningRun.objects.count(), CaseEvent.objects.count()) == (runs, events)


def test_an_up_to_date_case_is_not_derived_again(myeloma_case):
    assert not cases_to_rederive().exists()
    assert not rederive_case(myeloma_case).rederived


def test_cases_not_derived_from_answers_and_closed_cases_are_left_alone(regimen_table_fixed):
    demo_like = CaseFactory(status=CaseStatus.IN_REVIEW, derivation_version="")
    closed = case_from_answers(myeloma_answers(), status=CaseStatus.CLOSED)

    assert list(cases_to_rederive()) == []
    assert not rederive_case(demo_like).rederived
    assert Case.objects.get(pk=closed.pk).derivation_version == CURRENT_VERSION


def test_the_age_is_derived_as_of_the_day_the_case_was_submitted(myeloma_case, regimen_table_fixed):
    # Submitted two years ago, when the person was 56.
    submitted = timezone.now() - dt.timedelta(days=730)
    Case.objects.filter(pk=myeloma_case.pk).update(submitted_at=submitted)
    birth = dt.date.fromisoformat(myeloma_answers()["about"]["date_of_birth"])
    expected = derivation.age_in_years(birth, timezone.localdate(submitted))

    rederive_case(myeloma_case)

    assert Case.objects.get(pk=myeloma_case.pk).profile["age_years"] == expected


def test_answers_that_no_longer_derive_are_reported_once_and_the_profile_is_kept(
    regimen_table_fixed, caplog
):
    answers = myeloma_answers()
    case = case_from_answers(answers)
    broken = {**answers, "about": {**answers["about"], "date_of_birth": "14 March 1968"}}
    Case.objects.filter(pk=case.pk).update(intake=broken)

    job = rescreen_open_cases()

    assert (job.total, job.done, job.changed) == (1, 1, 0)
    after = Case.objects.get(pk=case.pk)
    assert after.profile == case.profile and after.derivation_version == FIXED_VERSION
    event = CaseEvent.objects.get(case=case, kind=EventKind.PROFILE_REDERIVED)
    assert "could not be derived again" in event.message
    assert rescreen_open_cases() is None  # not tried again every hour
    # The log says what kind of problem, never the answer (README "Data minimisation").
    [line] = [r.getMessage() for r in caplog.records if "derived again" in r.getMessage()]
    assert line == f"Case {case.pk} could not be derived again (ValueError)"
    assert "1968" not in caplog.text


def test_the_rescreen_job_task_derives_again_then_rescreens(myeloma_case, regimen_table_fixed):
    job = start_rescreen(reason="test")

    rescreen_job_task(job.pk)

    case = Case.objects.get(pk=myeloma_case.pk)
    assert case.derivation_version == FIXED_VERSION
    assert case.latest_run.verdicts["abecma"] == "eligible"


def test_rederive_and_rescreen_reports_the_derivation_diff(myeloma_case, regimen_table_fixed):
    result = rederive_and_rescreen(myeloma_case)
    assert result.changes["abecma"] == ["needs_review", "eligible"]


def test_the_rescreen_command_derives_outdated_cases_first(myeloma_case, regimen_table_fixed):
    out = StringIO()
    call_command("rescreen", stdout=out)
    assert "1 of 1 case(s) done, 1 with a changed verdict" in out.getvalue()
    assert Case.objects.get(pk=myeloma_case.pk).derivation_version == FIXED_VERSION


@pytest.mark.queue
def test_the_hourly_task_starts_a_job_for_cases_with_an_outdated_derivation(
    myeloma_case, regimen_table_fixed, pipeline_queue, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert start_rescreen_task() == 1
    job = RescreenJob.objects.get()
    assert job.derivation_version == FIXED_VERSION
    assert queued(pipeline_queue) == [("screening.rescreen_job_task", [job.pk])]
