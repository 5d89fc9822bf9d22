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
    rr_cll_after_btki_and_bcl2i,
    rr_follicular_after_two_lines,
    rr_myeloma_triple_exposed,
    second_line_dlbcl,
)

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


LIKELY_B_ALL = {"tecartus": "eligible", "aucatzyl": "eligible", "besponsa": "needs_review"}
ONLY_REVIEW = {"besponsa": "needs_review", "kymriah": "not_eligible"}
NOTHING = {"kymriah": "not_eligible", "besponsa": "not_eligible"}


@pytest.mark.parametrize(
    "status", ["refractory", "second_or_later_relapse", "relapsed_after_transplant"]
)
@pytest.mark.parametrize("verdicts", [LIKELY_B_ALL, ONLY_REVIEW], ids=["likely", "review"])
def test_refractory_or_multiply_relapsed_acute_leukemia_with_an_option_is_urgent(status, verdicts):
    decision = assess_priority(relapsed_b_all_adult(disease_status=status), verdicts)
    assert decision.priority == Priority.URGENT
    assert decision.reason.startswith(
        "Refractory or multiply relapsed acute leukemia with a product to act on (B-ALL, "
    )


def test_the_reason_is_one_line_naming_disease_status_and_products():
    decision = assess_priority(relapsed_b_all_adult(disease_status="refractory"), LIKELY_B_ALL)
    assert decision.reason == (
        "Refractory or multiply relapsed acute leukemia with a product to act on (B-ALL, "
        "refractory (not responding to treatment)); likely eligible: Tecartus, Aucatzyl"
    )
    assert "\n" not in decision.reason


@pytest.mark.parametrize(
    ("profile", "verdicts"),
    [
        (relapsed_b_all_adult(), LIKELY_B_ALL),  # a first relapse
        (kmt2a_acute_leukemia("aml"), ONLY_REVIEW),
        (kmt2a_acute_leukemia("t_all", disease_status="refractory"), NOTHING),
    ],
    ids=["first_relapse", "first_relapse_review", "refractory_no_product"],
)
def test_other_relapsed_or_refractory_acute_leukemia_is_high(profile, verdicts):
    decision = assess_priority(profile, verdicts)
    assert decision.priority == Priority.HIGH
    assert decision.reason.startswith("Relapsed or refractory acute leukemia (")


def test_aggressive_lymphoma_is_high_only_with_a_likely_product():
    profile = second_line_dlbcl()
    assert assess_priority(profile, ONLY_REVIEW).priority == Priority.STANDARD

    decision = assess_priority(profile, {"yescarta": "eligible", "breyanzi": "eligible"})

    assert decision.priority == Priority.HIGH
    assert decision.reason.endswith("likely eligible: Yescarta, Breyanzi")


def test_mrd_positive_b_all_is_high_with_a_likely_product_and_standard_without():
    profile = mrd_positive_b_all()
    assert assess_priority(profile, ONLY_REVIEW).priority == Priority.STANDARD
    decision = assess_priority(profile, {"blincyto": "eligible"})
    assert decision.priority == Priority.HIGH
    assert decision.reason.startswith("MRD-positive B-ALL in remission")


def test_myeloma_is_standard_and_high_with_a_likely_product():
    profile = rr_myeloma_triple_exposed()
    assert assess_priority(profile, ONLY_REVIEW).priority == Priority.STANDARD
    assert assess_priority(profile, {"carvykti": "eligible"}).priority == Priority.HIGH


@pytest.mark.parametrize(
    "profile",
    [rr_follicular_after_two_lines(), rr_cll_after_btki_and_bcl2i()],
    ids=["fl", "cll"],
)
def test_indolent_disease_is_standard_even_with_a_likely_product(profile):
    decision = assess_priority(profile, {"breyanzi": "eligible"})
    assert decision.priority == Priority.STANDARD
    assert decision.reason.startswith("No time-critical finding (")
    assert decision.reason.endswith("likely eligible: Breyanzi")


def test_an_unscreenable_profile_is_standard_and_says_why():
    assert assess_priority({}, {}).priority == Priority.STANDARD
    assert assess_priority(make_patient(diagnosis=None), {}).reason == (
        "No time-critical finding (not screened automatically)"
    )


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


@pytest.mark.django_db
def test_the_demo_queue_has_a_priority_that_sorts():
    from collections import Counter

    from screening.management.demo import seed_demo_data
    from screening.models import Case, CaseStatus

    seed_demo_data()

    open_cases = Case.objects.exclude(status=CaseStatus.CLOSED)
    shares = Counter(open_cases.values_list("priority", flat=True))
    total = open_cases.count()
    assert set(shares) == {Priority.URGENT, Priority.HIGH, Priority.STANDARD}
    assert shares[Priority.URGENT] <= total * 0.15
    assert max(shares.values()) <= total * 0.5
    assert all(
        reason and "\n" not in reason
        for reason in open_cases.values_list("priority_reason", flat=True)
    )
