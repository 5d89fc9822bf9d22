import pytest

from screening.core.workflow import ALLOWED_MOVES, InvalidMove, move_case
from screening.models import CaseEvent, CaseStatus, EventKind, Outcome
from tests.factories import CaseFactory, CoordinatorFactory

pytestmark = pytest.mark.django_db

S = CaseStatus
ALL_PAIRS = [(a, b) for a in S.values for b in S.values if a != b]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_it_allows_exactly_the_moves_in_the_table(current, target):
    case = CaseFactory(status=current)
    coordinator = CoordinatorFactory()
    outcome = Outcome.NOT_ELIGIBLE if target == S.CLOSED else ""

    if target in ALLOWED_MOVES[current]:
        moved = move_case(case, target, by=coordinator, reason="checked", outcome=outcome)
        assert moved.status == target
        event = CaseEvent.objects.get(case=case, kind=EventKind.STATUS_CHANGED)
        assert event.actor == coordinator
        assert event.data == {
            "from": current,
            "to": target,
            "reason": "checked",
            "outcome": outcome,
        }
    else:
        with pytest.raises(InvalidMove, match="cannot move"):
            move_case(case, target, by=coordinator, outcome=outcome)
        case.refresh_from_db()
        assert case.status == current
        assert not CaseEvent.objects.filter(case=case).exists()


def test_it_refuses_to_close_without_an_outcome():
    case = CaseFactory(status=S.IN_REVIEW)
    with pytest.raises(InvalidMove, match="needs an outcome"):
        move_case(case, S.CLOSED)


def test_it_refuses_a_duplicate_without_the_original():
    case = CaseFactory(status=S.IN_REVIEW)
    with pytest.raises(InvalidMove, match="duplicates"):
        move_case(case, S.CLOSED, outcome=Outcome.DUPLICATE)


def test_it_closes_a_duplicate_and_reopening_clears_the_outcome():
    original, copy = CaseFactory(), CaseFactory(status=S.AWAITING_REVIEW)
    closed = move_case(copy, S.CLOSED, outcome=Outcome.DUPLICATE, duplicate_of=original)
    assert (closed.outcome, closed.duplicate_of, closed.closed_at is not None) == (
        Outcome.DUPLICATE,
        original,
        True,
    )
    reopened = move_case(closed, S.IN_REVIEW, reason="not a duplicate after all")
    assert (reopened.outcome, reopened.duplicate_of, reopened.closed_at) == ("", None, None)


def test_it_stamps_the_first_review_once():
    case = CaseFactory(status=S.AWAITING_REVIEW)
    first = move_case(case, S.IN_REVIEW).first_reviewed_at
    move_case(case, S.AWAITING_REVIEW)
    assert move_case(case, S.IN_REVIEW).first_reviewed_at == first


def test_it_keeps_who_and_why_in_the_history():
    coordinator = CoordinatorFactory()
    case = CaseFactory(status=S.AWAITING_REVIEW)
    move_case(case, S.IN_REVIEW, by=coordinator, reason="starting review")
    latest = case.history.first()
    assert (latest.status, latest.history_change_reason) == (S.IN_REVIEW, "starting review")
