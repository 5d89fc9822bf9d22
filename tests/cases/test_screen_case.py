import pytest

from screening.core.tokens import (
    find_case_by_status_token,
    issue_status_token,
    revoke_status_tokens,
)
from screening.models import CaseEvent, CaseStatus, EventKind, ProductVerdict, ScreeningRun
from screening.pipeline.runs import profile_hash, summarise_verdicts
from screening.pipeline.screen import screen_case
from screening.rules import PRODUCT_KEYS
from screening.rules.ruleset import RULESET_VERSION
from tests.factories import CaseFactory
from tests.rules.profiles import third_line_dlbcl

pytestmark = pytest.mark.django_db


def test_it_screens_a_submitted_case_and_awaits_review():
    case = CaseFactory(profile=third_line_dlbcl())

    screen_case(case.pk)

    case.refresh_from_db()
    run = ScreeningRun.objects.get(case=case)
    assert case.status == CaseStatus.AWAITING_REVIEW
    assert case.latest_run == run
    assert run.ruleset_version == RULESET_VERSION
    assert run.profile_hash == profile_hash(case.profile)
    assert run.verdicts["kymriah"] == "eligible"
    assert run.results["kymriah"]["indications"][0]["criteria"]
    assert "Kymriah" in case.screening_summary.split(" · ")[0]
    assert ProductVerdict.objects.filter(run=run).count() == len(PRODUCT_KEYS)


def test_a_second_delivery_stores_nothing_new():
    case = CaseFactory()
    screen_case(case.pk)
    events = CaseEvent.objects.filter(case=case).count()

    screen_case(case.pk)

    assert ScreeningRun.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case).count() == events


def test_it_records_the_timeline_in_order():
    case = CaseFactory()
    screen_case(case.pk)
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == [
        EventKind.SCREENING_STARTED,
        EventKind.SCREENED,
        EventKind.PRIORITISED,
        EventKind.STATUS_CHANGED,
    ]


def test_profile_hash_ignores_key_order():
    assert profile_hash({"a": 1, "b": [1, 2]}) == profile_hash({"b": [1, 2], "a": 1})


def test_summary_names_likely_and_review_products():
    summary = summarise_verdicts(
        {"kymriah": "eligible", "besponsa": "eligible", "blincyto": "needs_review"}
    )
    assert summary == "Likely: Kymriah, Besponsa · Review: Blincyto"
    assert summarise_verdicts({"kymriah": "not_eligible"}) == "No product likely"


def test_a_status_token_opens_its_case_until_revoked():
    case, other = CaseFactory(), CaseFactory()
    token = issue_status_token(case)
    issue_status_token(other)

    assert find_case_by_status_token(token) == case
    assert find_case_by_status_token(token + "x") is None
    assert find_case_by_status_token("") is None
    assert revoke_status_tokens(case) == 1
    assert find_case_by_status_token(token) is None
