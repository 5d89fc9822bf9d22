"""Where people see trials: the case file's Trials section and the patient's status page,
each read in a fixed number of queries however many trials match."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from screening.core.roles import sync_roles
from screening.core.tokens import issue_status_token
from screening.models import CaseStatus
from screening.trials.catalogue import import_export_text
from screening.trials.matching import match_cases
from screening.trials.reads import case_trials, patient_trials, summary_trials
from tests.auth import staff_login
from tests.factories import CaseFactory, LeadFactory
from tests.rules.profiles import make_patient
from tests.trials.studies import sample_document, study

pytestmark = pytest.mark.django_db

T_ALL = make_patient(
    diagnosis="t_all",
    disease_status="refractory",
    prior_lines=2,
    age_years=30,
    prior_therapies=["chemotherapy"],
    cns_involvement=False,
    active_infection=False,
)


def t_all_trial(nct_id: str, sites) -> dict:
    return study(
        nct_id,
        title=f"Synthetic CD7 CAR-T for T-ALL ({nct_id})",
        conditions=("T-cell Acute Lymphoblastic Leukemia",),
        criteria=(
            "Inclusion Criteria:\n\n* Relapsed or refractory T-ALL\n* Adequate organ function\n\n"
            "Exclusion Criteria:\n\n* Active CNS disease"
        ),
        sites=sites,
    )


BOTH = (
    ("Synthetic Shanghai Hospital", "Shanghai", "China", "RECRUITING"),
    ("Synthetic Boston Center", "Boston", "United States", "RECRUITING"),
)


def load(extra: int = 0) -> None:
    document = sample_document()
    document["studies"].append(t_all_trial("NCT90000040", BOTH))
    document["studies"] += [t_all_trial(f"NCT9000005{i}", BOTH) for i in range(extra)]
    import_export_text(json.dumps(document))


def matched_case(**fields):
    case = CaseFactory(
        profile=T_ALL, country="US", travel_countries=["CN"], status=CaseStatus.IN_REVIEW, **fields
    )
    match_cases([case.pk])
    case.refresh_from_db()
    return case


def test_the_case_file_lists_matches_with_criteria_sites_nearest_first_and_the_registry_link():
    load()
    trials = case_trials(matched_case())
    assert [t.nct_id for t in trials.matching] == ["NCT90000040"]
    assert [t.nct_id for t in trials.review] == ["NCT04984356", "NCT07109518"]
    line = trials.matching[0]
    assert [s.city for s in line.sites] == ["Boston", "Shanghai"]  # home country first
    assert line.registry_url == "https://clinicaltrials.gov/study/NCT90000040"
    assert [r["source"] for r in line.for_trial_team] == ["Adequate organ function"]
    cns = next(r for r in line.criteria if r["name"] == "CNS disease")
    assert (cns["outcome"], cns["source"]) == ("met", "Active CNS disease")
    assert trials.countries == ["United States of America", "China"]


def test_the_case_page_shows_the_trials_section(client):
    sync_roles()
    load()
    case = matched_case()
    staff_login(client, LeadFactory())
    page = client.get(f"/admin/screening/case/{case.pk}/change/").content.decode()
    assert 'id="trials"' in page
    assert "NCT90000040" in page and "Possible match" in page
    assert "For the trial team to assess" in page
    assert 'href="https://clinicaltrials.gov/study/NCT07109518"' in page


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_the_reads_cost_the_same_queries_for_one_trial_as_for_nine():
    load(extra=6)
    few = CaseFactory(profile=T_ALL, country="FR", status=CaseStatus.IN_REVIEW)
    many = matched_case()
    match_cases([few.pk])
    assert case_trials(few).count == 1 and case_trials(many).count == 9
    assert _queries(lambda: case_trials(few)) == _queries(lambda: case_trials(many)) == 2
    assert _queries(lambda: patient_trials(few)) == _queries(lambda: patient_trials(many)) == 2


def test_the_case_page_costs_the_same_queries_however_many_trials_match(client):
    sync_roles()
    load(extra=6)
    few = CaseFactory(profile=T_ALL, country="FR", status=CaseStatus.IN_REVIEW)
    many = matched_case()
    match_cases([few.pk])
    staff_login(client, LeadFactory())
    client.get(f"/admin/screening/case/{few.pk}/change/")  # the session's first request does more
    counts = [
        _queries(lambda case=case: client.get(f"/admin/screening/case/{case.pk}/change/"))
        for case in (few, many)
    ]
    assert counts[0] == counts[1]


def test_the_status_page_lists_recruiting_matches_with_the_plain_note(client):
    load()
    case = matched_case()
    page = client.get(f"/status/{issue_status_token(case)}/").content.decode()
    assert "Clinical trials you could ask about" in page
    assert "Only a trial&#x27;s own team can decide whether someone can take part" in page
    for nct_id in ("NCT90000040", "NCT04984356", "NCT07109518"):
        assert nct_id in page
    assert "Boston (United States)" in page


def test_the_status_page_leaves_out_trials_that_stopped_recruiting_and_costs_fixed_queries(client):
    load(extra=6)
    case = matched_case()
    document = sample_document()
    closed = next(s for s in document["studies"] if "NCT07109518" in json.dumps(s))
    closed["protocolSection"]["statusModule"]["overallStatus"] = "SUSPENDED"
    import_export_text(json.dumps([closed]))
    assert "NCT07109518" not in {t.nct_id for t in patient_trials(case).trials}
    url = f"/status/{issue_status_token(case)}/"
    few = CaseFactory(profile=T_ALL, country="FR", status=CaseStatus.IN_REVIEW)
    match_cases([few.pk])
    few_url = f"/status/{issue_status_token(few)}/"
    assert _queries(lambda: client.get(url)) == _queries(lambda: client.get(few_url))


def test_a_case_not_yet_matched_says_so_rather_than_none():
    case = CaseFactory(profile=T_ALL, country="US")
    assert patient_trials(case).checked is False
    assert case_trials(case).checked is False


def test_the_summary_read_gives_the_status_pages_list():
    load()
    case = matched_case()
    assert [t.nct_id for t in summary_trials(case).trials] == [
        t.nct_id for t in patient_trials(case).trials
    ]
