"""Stored matches: a case matched against the imported catalogue, re-matched in batches when
the catalogue changes (a newly matching recruiting trial adds a timeline event), and
`match_trials` printing the shape outsiders evaluate."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from screening.models import CaseEvent, CaseStatus, EventKind, TrialMatch
from screening.trials.catalogue import import_export_text
from screening.trials.matching import catalogue_version, match_cases, rematch_open_cases
from tests.factories import CaseFactory
from tests.rules.profiles import make_patient
from tests.trials.studies import SAMPLE_PATH, sample_document, study

pytestmark = pytest.mark.django_db

T_ALL = make_patient(
    diagnosis="t_all",
    disease_status="refractory",
    prior_lines=2,
    age_years=30,
    prior_therapies=["chemotherapy"],
)
NEW_T_ALL_TRIAL = study(
    "NCT90000030",
    conditions=("T-cell Acute Lymphoblastic Leukemia",),
    criteria="Inclusion Criteria:\n\n* Relapsed or refractory T-ALL\n",
    sites=(("Synthetic Hospital", "Shanghai", "China", "RECRUITING"),),
)


def _matches(case):
    return dict(case.trial_matches.values_list("trial__nct_id", "verdict"))


def _trial_events(case):
    return list(case.events.filter(kind=EventKind.TRIALS_MATCHED).values_list("message", flat=True))


def test_a_case_is_matched_and_a_second_run_changes_nothing():
    import_export_text(SAMPLE_PATH.read_text())
    case = CaseFactory(profile=T_ALL, country="CN", status=CaseStatus.IN_REVIEW)
    report = match_cases([case.pk])
    assert report.created == 2
    assert _matches(case) == {"NCT04984356": "needs_review", "NCT07109518": "needs_review"}
    assert _trial_events(case) == [
        "Newly matching recruiting trial(s): NCT04984356 (needs review), NCT07109518 (needs review)"
    ]
    case.refresh_from_db()
    assert case.trials_matched_version == catalogue_version()
    again = match_cases([case.pk])
    assert (again.matched, again.created) == (0, 0)
    assert match_cases([case.pk], force=True).created == 0
    assert len(_trial_events(case)) == 1


def test_a_catalogue_change_rematches_open_cases_in_batches_and_names_the_new_trial(
    django_capture_on_commit_callbacks, eager_tasks
):
    import_export_text(SAMPLE_PATH.read_text())
    cases = [
        CaseFactory(profile=T_ALL, country="CN", status=CaseStatus.IN_REVIEW) for _ in range(5)
    ]
    closed = CaseFactory(profile=T_ALL, country="CN", status=CaseStatus.CLOSED)
    match_cases([c.pk for c in cases])
    document = sample_document()
    document["studies"].append(NEW_T_ALL_TRIAL)
    assert import_export_text(json.dumps(document)).created == ["NCT90000030"]
    with django_capture_on_commit_callbacks(execute=True) as batches:
        assert rematch_open_cases(batch_size=2) == 5
    assert len(batches) == 3
    for case in cases:
        assert _matches(case)["NCT90000030"] == "eligible"
        assert (
            _trial_events(case)[-1]
            == "Newly matching recruiting trial(s): NCT90000030 (possible match)"
        )
    assert _matches(closed) == {}
    assert rematch_open_cases() == 0


def test_a_trial_that_stops_recruiting_leaves_the_cases_list_without_an_event(
    django_capture_on_commit_callbacks, eager_tasks
):
    import_export_text(SAMPLE_PATH.read_text())
    case = CaseFactory(profile=T_ALL, country="CN", status=CaseStatus.IN_REVIEW)
    match_cases([case.pk])
    document = sample_document()
    ucd7 = next(s for s in document["studies"] if "NCT07109518" in json.dumps(s))
    ucd7["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    import_export_text(json.dumps(document))
    events_before = CaseEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        rematch_open_cases()
    assert _matches(case) == {"NCT04984356": "needs_review"}
    assert CaseEvent.objects.count() == events_before


def test_a_case_whose_profile_cannot_be_read_gets_no_matches():
    import_export_text(SAMPLE_PATH.read_text())
    case = CaseFactory(profile={"age_years": "old"}, status=CaseStatus.IN_REVIEW)
    report = match_cases([case.pk])
    assert (report.matched, report.unreadable) == (1, 1)
    assert TrialMatch.objects.count() == 0


def test_travel_countries_widen_the_sites_that_count():
    import_export_text(SAMPLE_PATH.read_text())
    home_only = CaseFactory(profile=T_ALL, country="US", status=CaseStatus.IN_REVIEW)
    travels = CaseFactory(
        profile=T_ALL, country="US", travel_countries=["CN"], status=CaseStatus.IN_REVIEW
    )
    match_cases([home_only.pk, travels.pk])
    assert "NCT07109518" not in _matches(home_only)
    assert "NCT07109518" in _matches(travels)


def test_screening_a_case_matches_its_trials(django_capture_on_commit_callbacks, eager_tasks):
    from screening.pipeline.screen import screen_case

    import_export_text(SAMPLE_PATH.read_text())
    case = CaseFactory(profile=T_ALL, country="CN")
    with django_capture_on_commit_callbacks(execute=True):
        screen_case(case.pk)
    assert set(_matches(case)) == {"NCT04984356", "NCT07109518"}


def test_match_trials_prints_every_trial_for_every_case_in_the_agreed_shape(tmp_path, capsys):
    import_export_text(SAMPLE_PATH.read_text())
    path = tmp_path / "cases.json"
    path.write_text(
        json.dumps(
            [
                {"id": "t-all-china", "patient": T_ALL, "country": "CN"},
                {
                    "id": "t-all-us",
                    "patient": T_ALL,
                    "country": "United States",
                    "travel_countries": ["China"],
                },
            ]
        )
    )
    call_command("match_trials", str(path))
    output = json.loads(capsys.readouterr().out)
    assert [case["id"] for case in output] == ["t-all-china", "t-all-us"]
    for case in output:
        assert set(case) == {"id", "trials"}
        assert len(case["trials"]) == 12
        for trial in case["trials"]:
            assert set(trial) == {"nct_id", "verdict", "criteria"}
            assert trial["verdict"] in {"eligible", "needs_review", "not_eligible"}
            for criterion in trial["criteria"]:
                assert set(criterion) == {"name", "section", "outcome", "explanation", "source"}
    verdicts = {t["nct_id"]: t["verdict"] for t in output[1]["trials"]}
    assert verdicts["NCT07109518"] == "needs_review"
    assert verdicts["NCT05396885"] == "not_eligible"


def test_match_trials_reports_invalid_cases_in_their_place(tmp_path, capsys):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([{"id": "bad", "patient": {"age_years": 3}, "country": "Atlantis"}]))
    with pytest.raises(CommandError) as error:
        call_command("match_trials", str(path))
    assert error.value.returncode == 2
    (case,) = json.loads(capsys.readouterr().out)
    assert case["trials"] == []
    assert "country: 'Atlantis' is not a country (an ISO code or a name)" in case["errors"]
