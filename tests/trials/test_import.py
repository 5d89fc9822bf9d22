"""import_trials: the sample export twice (the second run changes nothing), a status change,
bad input (truncated export, records missing modules or with unknown values, odd ages), and the
live path against a real local HTTP server (paging, retries, a failure mid-paging)."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from screening.models import Trial, TrialSite
from screening.rules.trials.ctgov import OVERALL_STATUSES
from screening.trials.catalogue import (
    import_export_text,
    import_from_registry,
    refresh_recruiting_trials,
)
from screening.trials.registry import RegistryClient
from tests.trials.registry_server import page
from tests.trials.studies import SAMPLE_PATH, sample_document, sample_studies, study

pytestmark = pytest.mark.django_db


def _snapshot():
    return [
        (
            t.nct_id,
            t.content_hash,
            t.changed_at,
            t.overall_status,
            list(t.sites.values_list("pk", flat=True)),
        )
        for t in Trial.objects.order_by("nct_id")
    ]


def test_importing_the_sample_twice_changes_nothing_the_second_time(capsys):
    call_command("import_trials", "--file", str(SAMPLE_PATH))
    assert "12 created, 0 updated, 0 unchanged, 0 skipped" in capsys.readouterr().out
    before = _snapshot()
    call_command("import_trials", "--file", str(SAMPLE_PATH))
    assert "0 created, 0 updated, 12 unchanged, 0 skipped" in capsys.readouterr().out
    assert _snapshot() == before


def test_the_import_stores_every_field_the_matcher_and_the_pages_read():
    import_export_text(SAMPLE_PATH.read_text())
    balli = Trial.objects.get(nct_id="NCT04150497")
    assert balli.overall_status == "RECRUITING"
    assert balli.phases == ["PHASE1"]
    assert balli.conditions == ["B-cell Acute Lymphoblastic Leukemia"]
    assert balli.interventions[0] == {
        "type": "BIOLOGICAL",
        "name": "UCART22",
        "other_names": [],
        "description": "",
    }
    assert (balli.minimum_age, balli.maximum_age, balli.sex) == ("18 Years", "", "ALL")
    assert balli.healthy_volunteers is False
    assert balli.eligibility_text.startswith("[FIXTURE SUMMARY")
    assert (balli.sponsor, balli.sponsor_class) == ("Cellectis S.A.", "INDUSTRY")
    assert balli.last_update == "2023-09-25"
    assert balli.category == "allogeneic"
    assert list(balli.sites.values_list("city", "country_code", "status")) == [
        ("Houston", "US", "RECRUITING"),
        ("Chicago", "US", "RECRUITING"),
        ("New York", "US", "RECRUITING"),
    ]
    assert Trial.objects.get(nct_id="NCT04796675").sites.get().country_code == "CN"


def test_a_study_that_stops_recruiting_is_marked_not_deleted():
    import_export_text(SAMPLE_PATH.read_text())
    document = sample_document()
    alpha3 = next(s for s in document["studies"] if "NCT06500273" in json.dumps(s))
    alpha3["protocolSection"]["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    report = import_export_text(json.dumps(document))
    assert (report.created, report.updated, len(report.unchanged)) == ([], ["NCT06500273"], 11)
    assert report.stopped_recruiting == ["NCT06500273"]
    trial = Trial.objects.get(nct_id="NCT06500273")
    assert trial.overall_status == "ACTIVE_NOT_RECRUITING"
    assert trial.recruiting_ended_at is not None
    assert trial.sites.count() == 2


def test_a_truncated_export_stops_the_import_and_imports_nothing(tmp_path, capsys):
    path = tmp_path / "export.json"
    text = SAMPLE_PATH.read_text()
    path.write_text(text[: len(text) - 200])
    with pytest.raises(CommandError) as error:
        call_command("import_trials", "--file", str(path))
    assert error.value.returncode == 2
    assert "not valid JSON" in capsys.readouterr().out
    assert Trial.objects.count() == 0


def test_a_record_it_cannot_read_is_skipped_whole_and_reported_and_the_rest_land():
    import_export_text(SAMPLE_PATH.read_text())
    document = sample_document()
    broken = document["studies"][0]  # NCT04416984, already stored
    del broken["protocolSection"]["eligibilityModule"]
    odd = document["studies"][1]
    odd["protocolSection"]["statusModule"]["overallStatus"] = "PAUSED_FOR_LUNCH"
    odd["protocolSection"]["conditionsModule"]["conditions"] = ["Changed"]
    before = Trial.objects.get(nct_id="NCT04416984").content_hash
    report = import_export_text(json.dumps(document))
    assert report.skipped == [
        "NCT04416984: eligibilityModule is missing",
        "NCT06500273: statusModule.overallStatus has the unknown value 'PAUSED_FOR_LUNCH'; "
        "known: " + ", ".join(sorted(OVERALL_STATUSES)),
    ]
    assert Trial.objects.get(nct_id="NCT04416984").content_hash == before
    assert Trial.objects.get(nct_id="NCT06500273").conditions == ["Large B-cell Lymphoma"]
    assert len(report.unchanged) == 10


def test_odd_ages_are_stored_and_reported_never_a_crash():
    document = {
        "studies": [
            study("NCT90000020", minimum_age="N/A"),
            study("NCT90000021", minimum_age="eighteen"),
        ]
    }
    report = import_export_text(json.dumps(document))
    assert report.created == ["NCT90000020", "NCT90000021"]
    assert report.warnings == [
        "NCT90000021: eligibilityModule.minimumAge 'eighteen' is not an age the registry uses "
        "(such as '18 Years' or '6 Months')"
    ]


def test_unread_country_names_and_conditions_are_reported():
    raw = study(
        "NCT90000022",
        conditions=("Zebra syndrome",),
        sites=(
            ("Clinic", "Atlantis", "Atlantis", "RECRUITING"),
            ("Clinic", "Seoul", "Korea, Republic of", ""),
        ),
    )
    report = import_export_text(json.dumps([raw]))
    assert report.warnings == [
        "NCT90000022: conditions not in the diagnosis table: Zebra syndrome",
        "NCT90000022: country names not understood: Atlantis",
    ]
    assert list(TrialSite.objects.values_list("country_code", flat=True)) == ["", "KR"]


def test_paging_follows_next_page_token_repeating_the_first_requests_parameters(registry):
    studies = sample_studies()
    registry.answer(
        lambda params, n: (
            page(studies[:7], token="page-2-token")
            if "pageToken" not in params
            else page(studies[7:])
        )
    )
    query = {"query.cond": "leukemia OR lymphoma", "filter.overallStatus": "RECRUITING"}
    report = import_from_registry(query)
    assert (len(report.created), report.pages, report.aborted) == (12, 2, "")
    first, second = registry.requests
    assert registry.paths == ["/api/v2/studies", "/api/v2/studies"]
    assert "pageToken" not in first
    assert second == {**first, "pageToken": "page-2-token"}
    assert first["query.cond"] == "leukemia OR lymphoma"
    assert first["filter.overallStatus"] == "RECRUITING"


def test_an_empty_page_with_a_token_is_not_the_end(registry):
    studies = sample_studies()
    registry.answer(
        lambda params, n: {
            None: page([], token="b"),
            "b": page(studies[:2], token="c"),
            "c": page(studies[2:3]),
        }[params.get("pageToken")]
    )
    report = import_from_registry({"query.cond": "myeloma"})
    assert (len(report.created), report.pages) == (3, 3)


def test_it_retries_on_429_and_5xx_with_backoff(registry):
    waits = []
    answers = iter([(429, {"Retry-After": "3"}, b""), (503, {}, b""), page(sample_studies()[:1])])
    registry.answer(lambda params, n: next(answers))
    client = RegistryClient(
        registry.base_url, min_interval=0, retries=4, backoff=2, sleep=waits.append
    )
    report = import_from_registry({"query.cond": "leukemia"}, client)
    assert report.created == ["NCT04416984"]
    assert waits == [3.0, 4.0]  # Retry-After, then 2 × 2^1
    assert len(registry.requests) == 3


def test_the_client_keeps_a_polite_interval_between_requests(registry):
    registry.answer(lambda params, n: page([], token="next") if n == 1 else page([]))
    waits = []
    ticks = iter([100.0, 100.5, 101.2])
    client = RegistryClient(
        registry.base_url, min_interval=1.2, sleep=waits.append, clock=lambda: next(ticks)
    )
    list(client.pages({"query.cond": "x"}))
    assert waits == [pytest.approx(0.7)]


def test_a_network_failure_mid_paging_stops_with_a_clear_message_keeping_whole_records(registry):
    studies = sample_studies()
    registry.answer(
        lambda params, n: (
            page(studies[:5], token="two") if "pageToken" not in params else (None, {}, b"")
        )
    )
    client = RegistryClient(registry.base_url, min_interval=0, retries=2, sleep=lambda s: None)
    report = import_from_registry({"query.cond": "leukemia"}, client)
    assert len(report.created) == 5
    assert report.aborted.startswith(
        "page 2: the registry did not answer after 3 attempts (network error"
    )
    assert Trial.objects.count() == 5
    assert all(t.sites.count() == len(_sites_of(t.nct_id)) for t in Trial.objects.all())


def _sites_of(nct_id):
    raw = next(s for s in sample_studies() if nct_id in json.dumps(s))
    return raw["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])


def test_the_command_runs_a_live_query_and_refuses_unknown_keys(registry, capsys):
    registry.answer(lambda params, n: page(sample_studies()[:2]))
    call_command(
        "import_trials", "--query", "query.intr=CAR-T", "--query", "filter.overallStatus=RECRUITING"
    )
    assert "2 created" in capsys.readouterr().out
    assert registry.requests[0]["query.intr"] == "CAR-T"
    with pytest.raises(CommandError, match="expected KEY=VALUE"):
        call_command("import_trials", "--query", "query.bogus=1")


def test_the_weekly_refresh_marks_an_open_study_the_recruiting_set_no_longer_returns(registry):
    import_export_text(SAMPLE_PATH.read_text())
    still_open = [s for s in sample_studies() if "NCT04150497" not in json.dumps(s)]
    closed = copy.deepcopy(next(s for s in sample_studies() if "NCT04150497" in json.dumps(s)))
    closed["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    registry.answer(
        lambda params, n: page([closed]) if "filter.ids" in params else page(still_open)
    )
    report = refresh_recruiting_trials()
    assert report.stopped_recruiting == ["NCT04150497"]
    assert registry.requests[1]["filter.ids"] == "NCT04150497"
    assert Trial.objects.get(nct_id="NCT04150497").overall_status == "COMPLETED"
