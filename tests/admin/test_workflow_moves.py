"""Every status move through the admin: allowed ones happen with who and why; the rest are
refused with a message that says what is allowed, and change nothing."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from screening.core.workflow import ALLOWED_MOVES
from screening.models import Case, CaseEvent, CaseStatus, EventKind, Outcome
from tests.admin.conftest import screened_case
from tests.auth import staff_login

pytestmark = pytest.mark.django_db

S = CaseStatus
PAIRS = [(a, b) for a in S.values for b in S.values if a != b]


def post_move(client, case, target, *, reason="checked with the treating team", outcome=""):
    response = client.post(
        reverse("admin:screening_case_move", args=[case.pk]),
        {"target": target, "reason": reason, "outcome": outcome},
    )
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(("current", "target"), PAIRS)
def test_each_move_is_made_or_refused_as_the_workflow_says(client, lead, current, target):
    case = screened_case(assigned_to=lead, status=current)
    staff_login(client, lead)
    outcome = Outcome.NOT_ELIGIBLE if target == S.CLOSED else ""
    events_before = CaseEvent.objects.filter(case=case, kind=EventKind.STATUS_CHANGED).count()

    messages = post_move(client, case, target, outcome=outcome)
    case.refresh_from_db()

    if target == S.RECORDS_REQUESTED:
        # Only "Request records" reaches this status, so the patient is told what to send.
        assert case.status == current
        assert any("Request records" in m for m in messages)
    elif target in ALLOWED_MOVES[current]:
        assert case.status == target
        event = CaseEvent.objects.filter(case=case, kind=EventKind.STATUS_CHANGED).last()
        assert event.actor == lead
        assert event.data["reason"] == "checked with the treating team"
        assert case.history.first().history_change_reason == "checked with the treating team"
        assert any("moved to" in m for m in messages)
    else:
        assert case.status == current
        assert any("cannot move" in m and "Allowed:" in m for m in messages)
        assert (
            CaseEvent.objects.filter(case=case, kind=EventKind.STATUS_CHANGED).count()
            == events_before
        )


def test_a_move_without_a_reason_is_refused(client, coordinator, own_case):
    staff_login(client, coordinator)
    messages = post_move(client, own_case, S.REFERRED, reason="   ")
    own_case.refresh_from_db()
    assert own_case.status == S.IN_REVIEW
    assert messages


def test_closing_needs_an_outcome(client, coordinator, own_case):
    staff_login(client, coordinator)
    messages = post_move(client, own_case, S.CLOSED)
    own_case.refresh_from_db()
    assert own_case.status == S.IN_REVIEW
    assert any("needs an outcome" in m for m in messages)


def test_closing_with_an_outcome_records_it(client, coordinator, own_case):
    staff_login(client, coordinator)
    post_move(client, own_case, S.CLOSED, outcome=Outcome.WITHDRAWN, reason="family withdrew")
    own_case.refresh_from_db()
    assert (own_case.status, own_case.outcome) == (S.CLOSED, Outcome.WITHDRAWN)
    assert own_case.closed_at is not None


def test_a_nonsense_status_is_refused_plainly(client, coordinator, own_case):
    staff_login(client, coordinator)
    messages = post_move(client, own_case, "teleported")
    own_case.refresh_from_db()
    assert own_case.status == S.IN_REVIEW
    assert messages


def test_the_page_offers_only_the_moves_the_workflow_allows(client, coordinator):
    case = screened_case(assigned_to=coordinator, status=S.AWAITING_REVIEW)
    staff_login(client, coordinator)
    page = client.get(reverse("admin:screening_case_change", args=[case.pk])).text
    form = page[page.index('id="move-form"') : page.index("</form>", page.index('id="move-form"'))]
    offered = {v for v in S.values if f'value="{v}"' in form}
    assert offered == set(ALLOWED_MOVES[S.AWAITING_REVIEW]) - {S.RECORDS_REQUESTED}


def test_two_moves_from_the_same_page_do_not_both_happen(client, coordinator, own_case):
    staff_login(client, coordinator)
    post_move(client, own_case, S.REFERRED)
    messages = post_move(client, own_case, S.AWAITING_REVIEW)
    assert Case.objects.get(pk=own_case.pk).status == S.REFERRED
    assert any("cannot move" in m for m in messages)
