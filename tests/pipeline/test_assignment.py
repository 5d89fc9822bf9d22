"""Assignment: fewest open cases, preferring the patient's language; reassignment."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from screening.models import (
    CaseEvent,
    CaseStatus,
    CoordinatorProfile,
    EventKind,
    Notification,
    NotificationState,
)
from screening.notify.delivery import deliver_email
from screening.pipeline.assignment import (
    AssignmentError,
    assign_case,
    assign_new_case,
    choose_coordinator,
)
from tests.factories import CaseFactory, CoordinatorFactory, LeadFactory, UserFactory

pytestmark = pytest.mark.django_db

SCREENED = CaseStatus.AWAITING_REVIEW


def open_cases(user, n, status=SCREENED):
    for _ in range(n):
        CaseFactory(assigned_to=user, status=status)


def test_it_picks_the_coordinator_with_the_fewest_open_cases():
    busy = CoordinatorFactory(languages=["en"])
    free = CoordinatorFactory(languages=["en"])
    open_cases(busy, 2)
    open_cases(free, 1)
    open_cases(free, 5, status=CaseStatus.CLOSED)  # closed cases do not count

    assert choose_coordinator(CaseFactory(language="en")) == free


def test_it_prefers_a_coordinator_who_speaks_the_patients_language():
    english = CoordinatorFactory(languages=["en"])
    spanish = CoordinatorFactory(languages=["en", "es"])
    open_cases(spanish, 3)

    assert choose_coordinator(CaseFactory(language="es")) == spanish
    assert choose_coordinator(CaseFactory(language="en")) == english


def test_without_a_speaker_it_falls_back_to_the_least_loaded():
    first = CoordinatorFactory(languages=["en"])
    second = CoordinatorFactory(languages=["fr"])
    open_cases(first, 1)

    assert choose_coordinator(CaseFactory(language="de")) == second


def test_it_skips_coordinators_who_are_away_inactive_not_staff_or_not_coordinators():
    away = CoordinatorFactory(languages=["es"])
    CoordinatorProfile.objects.filter(user=away).update(accepting_cases=False)
    inactive = CoordinatorFactory(languages=["es"], is_active=False)
    not_staff = CoordinatorFactory(languages=["es"], is_staff=False)
    outsider = UserFactory(is_staff=True)
    CoordinatorProfile.objects.create(user=outsider, languages=["es"])
    lead_only = LeadFactory(groups=["Lead"], languages=["es"])
    assert {away, inactive, not_staff, outsider, lead_only}

    assert choose_coordinator(CaseFactory(language="es")) is None

    working = CoordinatorFactory(languages=["en"])
    assert choose_coordinator(CaseFactory(language="es")) == working


def test_ties_go_to_the_longest_standing_coordinator():
    older = CoordinatorFactory()
    CoordinatorFactory()
    assert choose_coordinator(CaseFactory()) == older


def test_automatic_assignment_happens_once_per_case():
    coordinator = CoordinatorFactory()
    case = CaseFactory(status=SCREENED)

    first = assign_new_case(case)
    second = assign_new_case(case)

    assert first is not None and second is None
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED).count() == 1
    assert Notification.objects.get(case=case).recipient == coordinator


def test_a_case_unassigned_on_purpose_is_not_reassigned_automatically():
    CoordinatorFactory()
    case = CaseFactory(status=SCREENED)
    assign_new_case(case)
    case.refresh_from_db()
    type(case).objects.filter(pk=case.pk).update(assigned_to=None)

    assert assign_new_case(case) is None


def test_reassignment_records_who_and_emails_only_the_new_coordinator(
    django_capture_on_commit_callbacks,
):
    first = CoordinatorFactory(email="first@example.org")
    second = CoordinatorFactory(email="second@example.org")
    lead = LeadFactory()
    case = CaseFactory(status=SCREENED)
    pending = assign_new_case(case)  # not yet delivered when the lead steps in

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        changed = assign_case(case, second, by=lead, reason="speaks Portuguese")

    assert changed is True
    assert len(callbacks) == 1  # the email task is enqueued after commit
    case.refresh_from_db()
    assert case.assigned_to == second
    event = CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED).last()
    assert event.actor == lead
    assert event.message == (
        f"Reassigned from {first.get_full_name()} to {second.get_full_name()} (speaks Portuguese)"
    )
    pending.refresh_from_db()
    assert pending.state == NotificationState.CANCELLED
    new = Notification.objects.get(case=case, state=NotificationState.QUEUED)
    assert deliver_email(pending.pk) is False
    assert deliver_email(new.pk) is True
    assert [m.to for m in mail.outbox] == [["second@example.org"]]


def test_assigning_to_the_current_assignee_changes_nothing():
    coordinator = CoordinatorFactory()
    case = CaseFactory(status=SCREENED, assigned_to=coordinator)
    assert assign_case(case, coordinator) is False
    assert not CaseEvent.objects.filter(case=case).exists()


def test_a_lead_may_be_assigned_a_case_by_hand():
    lead = LeadFactory(groups=["Lead"])
    case = CaseFactory(status=SCREENED)
    assert assign_case(case, lead) is True


@pytest.mark.parametrize("who", ["patient", "inactive", "no_group"])
def test_it_refuses_to_assign_to_someone_who_is_not_an_active_coordinator(who):
    if who == "patient":
        user = UserFactory()
    elif who == "inactive":
        user = CoordinatorFactory(is_active=False)
    else:
        user = UserFactory(is_staff=True)
        Group.objects.get_or_create(name="Coordinator")
    case = CaseFactory(status=SCREENED)

    with pytest.raises(AssignmentError, match="active coordinator"):
        assign_case(case, user)


def test_it_refuses_to_assign_a_closed_case():
    case = CaseFactory(status=CaseStatus.CLOSED)
    with pytest.raises(AssignmentError, match="closed"):
        assign_case(case, CoordinatorFactory())
