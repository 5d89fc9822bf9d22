"""Each case action on the case page, and the bulk actions on the queue."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from screening.models import (
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Note,
    Outcome,
    ScreeningRun,
)
from tests.admin.conftest import screened_case
from tests.auth import staff_login
from tests.factories import CoordinatorFactory
from tests.rules.profiles import third_line_dlbcl

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:screening_case_changelist")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def act(client, case, name, data=None):
    response = client.post(reverse(f"admin:screening_case_{name}", args=[case.pk]), data or {})
    return response


# --- Assigning -----------------------------------------------------------------------------


def test_a_coordinator_takes_an_unassigned_case(client, coordinator):
    case = screened_case(assigned_to=None)
    staff_login(client, coordinator)

    page = client.get(reverse("admin:screening_case_change", args=[case.pk])).text
    assert "Assign to me" in page
    response = act(client, case, "assign", {"assignee": "me"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == coordinator
    event = CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED).last()
    assert event.actor == coordinator


def test_a_coordinator_cannot_take_a_case_someone_else_holds(client, coordinator, others_case):
    staff_login(client, coordinator)
    assert act(client, others_case, "assign", {"assignee": "me"}).status_code == 403
    others_case.refresh_from_db()
    assert others_case.assigned_to != coordinator


def test_a_coordinator_cannot_hand_a_case_to_someone_else(
    client, coordinator, other_coordinator, own_case
):
    staff_login(client, coordinator)
    response = act(client, own_case, "assign", {"assignee": other_coordinator.pk})
    assert response.status_code == 403
    own_case.refresh_from_db()
    assert own_case.assigned_to == coordinator


def test_a_lead_reassigns_a_case_and_the_timeline_says_from_whom_to_whom(
    client, lead, coordinator, other_coordinator, own_case
):
    staff_login(client, lead)
    response = act(client, own_case, "assign", {"assignee": other_coordinator.pk})

    assert response.status_code == 302
    own_case.refresh_from_db()
    assert own_case.assigned_to == other_coordinator
    event = CaseEvent.objects.filter(case=own_case, kind=EventKind.ASSIGNED).last()
    assert (event.actor, event.data["from"], event.data["to"]) == (
        lead,
        coordinator.pk,
        other_coordinator.pk,
    )


def test_a_lead_cannot_assign_to_an_inactive_account(client, lead, own_case, personas):
    staff_login(client, lead)
    response = act(client, own_case, "assign", {"assignee": personas.inactive.pk})
    assert any("valid choice" in m for m in messages_of(response))
    own_case.refresh_from_db()
    assert own_case.assigned_to == personas.coordinator


# --- Re-screening --------------------------------------------------------------------------


def test_re_screening_stores_a_new_run_when_the_answers_changed(client, coordinator, own_case):
    Case.objects.filter(pk=own_case.pk).update(profile=third_line_dlbcl())
    staff_login(client, coordinator)

    response = act(client, own_case, "rescreen")

    assert "Re-screened with the current rules." in messages_of(response)
    own_case.refresh_from_db()
    assert ScreeningRun.objects.filter(case=own_case).count() == 2
    assert own_case.latest_run.verdicts["yescarta"] == "eligible"
    assert "Yescarta" in own_case.screening_summary
    event = CaseEvent.objects.filter(case=own_case, kind=EventKind.RESCREENED).get()
    assert event.actor == coordinator
    assert "Yescarta" in event.message


def test_re_screening_unchanged_answers_stores_nothing(client, coordinator, own_case):
    staff_login(client, coordinator)
    response = act(client, own_case, "rescreen")
    assert any(m.startswith("Nothing new") for m in messages_of(response))
    assert ScreeningRun.objects.filter(case=own_case).count() == 1


def test_re_screening_a_profile_the_rules_cannot_read_says_why(client, coordinator, own_case):
    broken = {**own_case.profile, "age_years": "twelve"}
    Case.objects.filter(pk=own_case.pk).update(profile=broken)
    staff_login(client, coordinator)
    response = act(client, own_case, "rescreen")
    assert any("could not be screened" in m and "age_years" in m for m in messages_of(response))


# --- Duplicates ----------------------------------------------------------------------------


def test_likely_duplicates_are_suggested_by_email_and_by_birth_date_and_name(
    client, coordinator, own_case
):
    same_email = screened_case(email=own_case.email.upper())
    same_person = screened_case(
        email="another.address@example.org",
        date_of_birth=own_case.date_of_birth,
        first_name=own_case.first_name.lower(),
        last_name=own_case.last_name,
    )
    stranger = screened_case(email="stranger@example.org", date_of_birth=own_case.date_of_birth)
    staff_login(client, coordinator)

    page = client.get(reverse("admin:screening_case_change", args=[own_case.pk])).text
    suggestions = page[page.index("Likely the same person") : page.index("Mark duplicate")]

    assert same_email.reference in suggestions
    assert same_person.reference in suggestions
    assert stranger.reference not in suggestions


def test_marking_a_duplicate_closes_the_case_with_its_original(client, coordinator, own_case):
    original = screened_case(email=own_case.email)
    staff_login(client, coordinator)

    response = act(client, own_case, "duplicate", {"original": original.reference.lower()})

    assert any("closed as a duplicate" in m for m in messages_of(response))
    own_case.refresh_from_db()
    assert (own_case.status, own_case.outcome, own_case.duplicate_of) == (
        CaseStatus.CLOSED,
        Outcome.DUPLICATE,
        original,
    )


@pytest.mark.parametrize(
    ("reference", "message"),
    [("NAV-0000-0000", "No case with the reference"), ("self", "duplicate of itself")],
)
def test_a_duplicate_of_nothing_or_of_itself_is_refused(
    client, coordinator, own_case, reference, message
):
    staff_login(client, coordinator)
    reference = own_case.reference if reference == "self" else reference
    response = act(client, own_case, "duplicate", {"original": reference})
    assert any(message in m for m in messages_of(response))
    own_case.refresh_from_db()
    assert own_case.status == CaseStatus.IN_REVIEW


# --- Notes ---------------------------------------------------------------------------------


def test_a_note_is_kept_and_shown_on_the_timeline(client, coordinator, own_case):
    staff_login(client, coordinator)
    act(client, own_case, "note", {"text": "Hospital in Porto confirmed a bed for 3 March."})

    note = Note.objects.get(case=own_case)
    assert (note.author, note.text) == (
        coordinator,
        "Hospital in Porto confirmed a bed for 3 March.",
    )
    event = CaseEvent.objects.get(case=own_case, kind=EventKind.NOTE)
    assert not event.patient_visible
    page = client.get(reverse("admin:screening_case_change", args=[own_case.pk])).text
    assert "Hospital in Porto confirmed a bed for 3 March." in page


def test_an_empty_note_is_refused(client, coordinator, own_case):
    staff_login(client, coordinator)
    response = act(client, own_case, "note", {"text": "   "})
    assert messages_of(response)
    assert not Note.objects.filter(case=own_case).exists()


# --- Bulk actions --------------------------------------------------------------------------


def bulk(client, action, cases, query="?status=all", **data):
    return client.post(
        QUEUE + query,
        {"action": action, "_selected_action": [c.pk for c in cases], "index": 0, **data},
    )


def apply_bulk(client, action, cases, query="?status=all", **data):
    """The second step of an action with a form: what the intermediate page posts."""
    return client.post(
        QUEUE + query,
        {"action": action, "_selected_action": [c.pk for c in cases], "apply": "1", **data},
    )


def test_bulk_assign_to_me_takes_the_unassigned_and_reports_the_rest(
    client, coordinator, own_case, others_case
):
    free = screened_case(assigned_to=None)
    staff_login(client, coordinator)

    response = bulk(client, "assign_to_me", [free, own_case, others_case])
    messages = messages_of(response)

    free.refresh_from_db()
    others_case.refresh_from_db()
    assert free.assigned_to == coordinator
    assert others_case.assigned_to != coordinator
    assert any(free.reference in m and "Assigned to you" in m for m in messages)
    assert any(others_case.reference in m and "not yours" in m for m in messages)
    assert any(own_case.reference in m and "already assigned" in m for m in messages)


def test_bulk_status_change_asks_first_then_moves_what_it_may(
    client, coordinator, own_case, others_case
):
    awaiting = screened_case(assigned_to=coordinator, status=CaseStatus.AWAITING_REVIEW)
    closed = screened_case(assigned_to=coordinator, status=CaseStatus.CLOSED)
    staff_login(client, coordinator)
    selected = [own_case, awaiting, closed, others_case]

    form = bulk(client, "change_status", selected)
    assert form.status_code == 200
    assert "Change the status of cases" in form.text
    assert all(case.reference in form.text for case in selected)

    response = apply_bulk(
        client, "change_status", selected, target="referred", reason="agreed at the MDT"
    )
    messages = messages_of(response)
    for case in selected:
        case.refresh_from_db()
    assert own_case.status == CaseStatus.REFERRED
    assert awaiting.status == CaseStatus.REFERRED
    assert closed.status == CaseStatus.CLOSED
    assert others_case.status == CaseStatus.IN_REVIEW
    assert any(closed.reference in m and "cannot move" in m for m in messages)
    assert any(others_case.reference in m and "not yours" in m for m in messages)
    event = CaseEvent.objects.filter(case=awaiting, kind=EventKind.STATUS_CHANGED).last()
    assert (event.actor, event.data["reason"]) == (coordinator, "agreed at the MDT")


def test_bulk_status_change_without_a_reason_shows_the_form_again(client, coordinator, own_case):
    staff_login(client, coordinator)
    response = apply_bulk(client, "change_status", [own_case], target="referred", reason="")
    assert response.status_code == 200
    assert "This field is required" in response.text
    own_case.refresh_from_db()
    assert own_case.status == CaseStatus.IN_REVIEW


def test_only_leads_bulk_assign_to_a_coordinator(
    client, coordinator, other_coordinator, lead, own_case, others_case
):
    staff_login(client, coordinator)
    page = client.get(QUEUE).text
    assert 'value="assign_to_coordinator"' not in page
    bulk(client, "assign_to_coordinator", [own_case])
    own_case.refresh_from_db()
    assert own_case.assigned_to == coordinator

    staff_login(client, lead)
    assert 'value="assign_to_coordinator"' in client.get(QUEUE).text
    assert bulk(client, "assign_to_coordinator", [own_case, others_case]).status_code == 200
    newcomer = CoordinatorFactory()
    apply_bulk(client, "assign_to_coordinator", [own_case, others_case], assignee=newcomer.pk)
    own_case.refresh_from_db()
    others_case.refresh_from_db()
    assert own_case.assigned_to == newcomer == others_case.assigned_to


def test_bulk_re_screen_runs_each_permitted_case(client, coordinator, own_case, others_case):
    Case.objects.filter(pk__in=[own_case.pk, others_case.pk]).update(profile=third_line_dlbcl())
    staff_login(client, coordinator)

    messages = messages_of(bulk(client, "rescreen", [own_case, others_case]))

    assert ScreeningRun.objects.filter(case=own_case).count() == 2
    assert ScreeningRun.objects.filter(case=others_case).count() == 1
    assert any(own_case.reference in m and "Re-screened" in m for m in messages)
    assert any(others_case.reference in m and "not yours" in m for m in messages)


def test_bulk_actions_refuse_more_than_the_limit(client, lead, monkeypatch):
    from screening.admin import queue as case_admin

    monkeypatch.setattr(case_admin, "BULK_LIMIT", 2)
    selected = [screened_case(assigned_to=None) for _ in range(3)]
    staff_login(client, lead)
    messages = messages_of(bulk(client, "assign_to_me", selected))
    assert any("at most 2 cases" in m for m in messages)
    assert not Case.objects.filter(assigned_to=lead).exists()
