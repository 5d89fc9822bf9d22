"""Priority and due time: the documented business-day rules."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from screening.models import Priority
from screening.pipeline.priority import add_business_days, assess_priority, due_time
from tests.rules.profiles import (
    kmt2a_acute_leukemia,
    make_patient,
    mrd_positive_b_all,
    relapsed_b_all_adult,
    rr_myeloma_triple_exposed,
    second_line_dlbcl,
)

UTC = dt.UTC
NOTHING_LIKELY = {"kymriah": "not_eligible", "abecma": "needs_review"}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "profile",
    [relapsed_b_all_adult(), kmt2a_acute_leukemia("aml"), kmt2a_acute_leukemia("t_all")],
    ids=["b_all", "aml", "t_all"],
)
def test_relapsed_or_refractory_acute_leukemia_is_urgent(profile):
    decision = assess_priority(profile, NOTHING_LIKELY)
    assert decision.priority == Priority.URGENT
    assert decision.reason == "Relapsed or refractory acute leukemia"


def test_acute_leukemia_in_remission_is_standard_until_a_product_is_likely():
    profile = mrd_positive_b_all()
    assert assess_priority(profile, NOTHING_LIKELY).priority == Priority.STANDARD

    decision = assess_priority(profile, {"blincyto": "eligible"})

    assert decision.priority == Priority.HIGH
    assert decision.reason == "Likely eligible: Blincyto"


def test_relapsed_aggressive_lymphoma_is_high_and_a_likely_product_makes_it_urgent():
    profile = second_line_dlbcl()
    assert assess_priority(profile, NOTHING_LIKELY).priority == Priority.HIGH

    decision = assess_priority(profile, {"yescarta": "eligible", "breyanzi": "eligible"})

    assert decision.priority == Priority.URGENT
    assert decision.reason == (
        "Relapsed or refractory aggressive lymphoma; likely eligible: Yescarta, Breyanzi"
    )


def test_a_likely_product_never_raises_past_urgent():
    decision = assess_priority(relapsed_b_all_adult(), {"tecartus": "eligible"})
    assert decision.priority == Priority.URGENT


def test_myeloma_is_standard_and_high_with_a_likely_product():
    profile = rr_myeloma_triple_exposed()
    assert assess_priority(profile, NOTHING_LIKELY).priority == Priority.STANDARD
    assert assess_priority(profile, {"carvykti": "eligible"}).priority == Priority.HIGH


def test_an_unscreenable_profile_is_standard():
    assert assess_priority({}, {}).priority == Priority.STANDARD
    assert assess_priority(make_patient(diagnosis=None), {}).reason == "Standard"


@pytest.mark.parametrize(
    ("start", "priority", "due"),
    [
        # Monday morning: urgent the next business day, standard the third.
        ("2026-11-16T09:00", Priority.URGENT, "2026-11-17T17:00"),
        ("2026-11-16T09:00", Priority.HIGH, "2026-11-18T17:00"),
        ("2026-11-16T09:00", Priority.STANDARD, "2026-11-19T17:00"),
        # Late on Thursday: urgent Friday, standard over the weekend to Tuesday.
        ("2026-11-19T23:30", Priority.URGENT, "2026-11-20T17:00"),
        ("2026-11-19T23:30", Priority.STANDARD, "2026-11-24T17:00"),
        # Friday and the weekend: the next business day is Monday.
        ("2026-11-20T16:00", Priority.URGENT, "2026-11-23T17:00"),
        ("2026-11-21T10:00", Priority.URGENT, "2026-11-23T17:00"),
        ("2026-11-22T10:00", Priority.URGENT, "2026-11-23T17:00"),
        ("2026-11-22T10:00", Priority.STANDARD, "2026-11-25T17:00"),
    ],
)
def test_due_time_counts_business_days_to_five_in_the_afternoon(start, priority, due):
    assert due_time(at(start), priority) == at(due)


@override_settings(TIME_ZONE="America/New_York")
def test_business_days_are_counted_in_the_configured_time_zone():
    # Saturday 02:00 UTC is still Friday evening in New York: urgent is due Monday 17:00 there.
    with timezone.override(ZoneInfo("America/New_York")):
        due = add_business_days(at("2026-11-21T02:00"), 1)
    assert due == dt.datetime(2026, 11, 23, 17, 0, tzinfo=ZoneInfo("America/New_York"))
