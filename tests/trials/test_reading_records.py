"""Reading v2 study objects, exports and age limits: every sample reads; bad input is refused
with a message naming the field; odd ages parse or are reported, never crash."""

from __future__ import annotations

import json

import pytest

from screening.rules.trials import ExportError, StudyError, load_export, parse_study
from screening.rules.trials.ages import compare_maximum, compare_minimum, parse_age
from screening.rules.trials.ctgov import age_problems
from tests.trials.studies import SAMPLE_PATH, sample_studies, sample_study, study


def test_every_sample_record_reads():
    records = [parse_study(raw) for raw in sample_studies()]
    assert len(records) == 12
    alpha3 = next(r for r in records if r.nct_id == "NCT06500273")
    assert alpha3.title == "" and alpha3.official_title.startswith("A Randomized")
    assert [s.city for s in alpha3.sites] == ["Los Angeles", "Chicago"]
    gamma_delta = next(r for r in records if r.nct_id == "NCT05554939")
    assert gamma_delta.sponsor == ""  # the record has no sponsor module: not an error


def test_site_contacts_are_never_read():
    raw = sample_study("NCT06500273")
    raw["protocolSection"]["contactsLocationsModule"]["locations"][0]["contacts"] = [
        {"name": "A Person", "email": "person@example.org"}
    ]
    record = parse_study(raw)
    assert "person@example.org" not in repr(record)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p.pop("statusModule"), "statusModule is missing"),
        (lambda p: p.pop("eligibilityModule"), "eligibilityModule is missing"),
        (lambda p: p.pop("conditionsModule"), "conditionsModule is missing"),
        (
            lambda p: p["statusModule"].update(overallStatus="PAUSED"),
            "statusModule.overallStatus has the unknown value 'PAUSED'",
        ),
        (
            lambda p: p["designModule"].update(phases=["PHASE9"]),
            "designModule.phases has the unknown value 'PHASE9'",
        ),
        (
            lambda p: p["eligibilityModule"].update(sex="OTHER"),
            "eligibilityModule.sex has the unknown value 'OTHER'",
        ),
        (
            lambda p: p["conditionsModule"].update(conditions="Myeloma"),
            "conditionsModule.conditions should be a list of text",
        ),
        (
            lambda p: p["eligibilityModule"].update(minimumAge=18),
            "eligibilityModule.minimumAge should be text",
        ),
    ],
)
def test_a_record_it_cannot_read_is_refused_with_the_field_named(mutate, message):
    raw = sample_study("NCT05396885")
    mutate(raw["protocolSection"])
    with pytest.raises(StudyError) as error:
        parse_study(raw)
    assert error.value.nct_id == "NCT05396885"
    assert message in str(error.value)


def test_a_record_without_an_nct_id_is_refused():
    raw = sample_study("NCT05396885")
    raw["protocolSection"]["identificationModule"]["nctId"] = "12345"
    with pytest.raises(StudyError, match="is not an NCT id"):
        parse_study(raw)
    with pytest.raises(StudyError, match="protocolSection is missing"):
        parse_study({"derivedSection": {}})


def test_a_truncated_export_is_refused_whole():
    text = SAMPLE_PATH.read_text(encoding="utf-8")
    with pytest.raises(ExportError, match="not valid JSON"):
        load_export(text[: len(text) // 2])
    with pytest.raises(ExportError, match="expected an API page"):
        load_export(json.dumps({"hello": 1}))


def test_an_export_may_be_a_page_a_list_or_one_study():
    studies, token = load_export(json.dumps({"studies": [], "nextPageToken": "abc"}))
    assert (studies, token) == ([], "abc")
    one = sample_study("NCT05396885")
    assert load_export(json.dumps([one]))[0] == [one]
    assert load_export(json.dumps(one))[0] == [one]


@pytest.mark.parametrize(
    ("text", "years", "problem"),
    [
        ("18 Years", 18, None),
        ("18 years", 18, None),
        ("6 Months", 0.5, None),
        ("1 Month", 1 / 12, None),
        ("2 Weeks", 14 / 365.25, None),
        ("N/A", None, None),
        ("", None, None),
        (None, None, None),
        ("eighteen", None, "'eighteen' is not an age"),
        ("18", None, "'18' is not an age"),
    ],
)
def test_ages_in_odd_forms_parse_or_are_reported(text, years, problem):
    limit, found = parse_age(text)
    if years is None:
        assert limit is None
    else:
        assert limit.years == pytest.approx(years)
    assert (found is None) if problem is None else problem in found


def test_an_unreadable_age_is_reported_by_the_record():
    record = parse_study(study("NCT90000003", minimum_age="eighteen"))
    assert age_problems(record) == [
        "NCT90000003: eligibilityModule.minimumAge 'eighteen' is not an age the registry uses "
        "(such as '18 Years' or '6 Months')"
    ]


def test_a_maximum_is_inclusive_in_its_own_unit():
    thirty_nine, _ = parse_age("39 Years")
    assert compare_maximum(39, thirty_nine) == "met"
    assert compare_maximum(40, thirty_nine) == "not_met"
    six_months, _ = parse_age("6 Months")
    assert compare_maximum(6 / 12, six_months) == "met"
    assert compare_maximum(7 / 12, six_months) == "not_met"
    eighteen_months, _ = parse_age("18 Months")
    # A completed age of 1 year is anything from 12 to 23 months.
    assert compare_maximum(1, eighteen_months) == "unknown"
    assert compare_minimum(1, eighteen_months) == "unknown"
    assert compare_minimum(2, eighteen_months) == "met"
