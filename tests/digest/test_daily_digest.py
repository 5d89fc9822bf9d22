"""The daily digest: each coordinator's overdue, due-today and new cases, the leads' team view,
no medical details, an opt-out, and one email per person and local day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from screening.models import CaseStatus, CoordinatorProfile, Notification
from screening.triage.digest import LIST_LIMIT, build_digests, send_daily_digests
from tests.factories import CaseFactory, CoordinatorFactory, LeadFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def morning(days: int = 0) -> dt.datetime:
    """07:00 local time (TIME_ZONE) today, or `days` later."""
    today = timezone.localdate()
    zone = timezone.get_default_timezone()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(7), tzinfo=zone)


def open_case(assignee, *, due, assigned=None, status=CaseStatus.AWAITING_REVIEW, **fields):
    now = morning()
    return CaseFactory(
        status=status,
        assigned_to=assignee,
        assigned_at=assigned or (now - 3 * DAY if assignee else None),
        due_at=due,
        **fields,
    )


def digest_of(user, now=None):
    return next(d for d in build_digests(now or morning()) if d.user.pk == user.pk)


def listed(section) -> list[str]:
    return [line.reference for line in section.lines]


def digest_email(user) -> Notification:
    return Notification.objects.get(template="daily_digest", to=[user.email])


def test_a_coordinator_gets_their_overdue_due_today_and_new_cases_and_nobody_elses():
    coordinator, colleague = CoordinatorFactory(), CoordinatorFactory()
    now = morning()
    overdue = open_case(coordinator, due=now - 2 * HOUR)
    due_today = open_case(coordinator, due=now + 8 * HOUR)
    new = open_case(coordinator, due=now + 3 * DAY, assigned=now - 2 * HOUR)
    new_and_overdue = open_case(coordinator, due=now - DAY, assigned=now - HOUR)
    open_case(coordinator, due=now + 3 * DAY)  # old, not due: not listed
    open_case(coordinator, due=now + DAY)  # due tomorrow: not listed
    open_case(coordinator, due=now - DAY, status=CaseStatus.CLOSED)
    open_case(colleague, due=now - DAY)

    own_overdue, own_today, own_new = digest_of(coordinator, now).sections

    assert listed(own_overdue) == [new_and_overdue.reference, overdue.reference]
    assert listed(own_today) == [due_today.reference]
    assert listed(own_new) == [new.reference]
    line = own_overdue.lines[1]
    assert (line.first_name, line.due_at) == (overdue.first_name, overdue.due_at)
    assert line.url.endswith(f"/admin/screening/case/{overdue.pk}/change/")
    assert [s.total for s in digest_of(colleague, now).sections] == [1, 0, 0]

    send_daily_digests(now)
    body = digest_email(coordinator).body_text
    for case in (overdue, due_today, new, new_and_overdue):
        assert case.reference in body
        assert f"/admin/screening/case/{case.pk}/change/" in body
    assert digest_email(coordinator).subject == (
        f"Navigator digest, {now:%-d %B %Y}: 2 overdue, 1 due today, 1 new"
    )


def test_a_lead_gets_the_teams_overdue_list_and_the_unassigned_count():
    lead = LeadFactory()
    one, two = CoordinatorFactory(first_name="Ana", last_name="Ruiz"), CoordinatorFactory()
    now = morning()
    late = [open_case(one, due=now - 3 * HOUR), open_case(two, due=now - 2 * DAY)]
    open_case(one, due=now + 2 * HOUR)  # due today, not overdue: not the lead's business
    open_case(None, due=now + DAY)
    open_case(None, due=now + DAY, status=CaseStatus.SUBMITTED)
    open_case(None, due=None, status=CaseStatus.CLOSED)

    digest = digest_of(lead, now)
    team = digest.sections[3]

    assert listed(team) == [late[1].reference, late[0].reference]
    assert team.lines[1].assignee == "Ana Ruiz"
    assert digest.unassigned == 2
    assert digest_of(one, now).unassigned is None  # coordinators get no team view

    send_daily_digests(now)
    email = digest_email(lead)
    assert "Overdue across the team (2)" in email.body_text
    assert "Open cases nobody is assigned to: 2" in email.body_text
    assert "?assigned=none" in email.body_html
    assert email.subject.endswith("nothing of your own; team: 2 overdue, 2 unassigned")
    assert email.case is None and email.language == "en"


def test_digests_carry_references_first_names_and_links_but_no_medical_details():
    coordinator, lead = CoordinatorFactory(), LeadFactory()
    now = morning()
    cases = [
        open_case(
            coordinator,
            due=now - HOUR,
            first_name="Maribel",
            last_name="Quintanilla",
            screening_summary="Likely: Kymriah, Besponsa · Review: Blincyto",
            priority_reason="Relapsed B-ALL with CNS involvement",
            intake={"diagnosis": "b_all", "biomarkers": {"cd19_positive": True}},
        ),
        open_case(
            coordinator,
            due=now + HOUR,
            first_name="Wen",
            last_name="Zhao",
            screening_summary="Likely: Carvykti · Not eligible: Abecma",
            priority_reason="Multiple myeloma, del(17p)",
            disease="mm",
        ),
    ]
    send_daily_digests(now)

    forbidden = [
        "Kymriah", "Besponsa", "Blincyto", "Carvykti", "Abecma", "Likely", "eligible",
        "B-ALL", "b_all", "myeloma", "17p", "CD19", "cd19", "CNS", "relapse", "Relapsed",
        "Quintanilla", "Zhao", "diagnos", "biomarker",
    ]  # fmt: skip
    for case in cases:
        forbidden += [case.email, case.profile["diagnosis"], str(case.date_of_birth)]
    for user in (coordinator, lead):
        email = digest_email(user)
        for text in (email.subject, email.body_text, email.body_html):
            found = [word for word in forbidden if word in text]
            assert found == [], (user, found)
        assert "no medical details" in email.body_text
    for case in cases:
        assert case.reference in digest_email(coordinator).body_text
    assert cases[0].reference in digest_email(lead).body_text  # the team's overdue case
    assert "Maribel" in digest_email(coordinator).body_html


def test_a_coordinator_who_switched_the_digest_off_gets_none():
    keeps, quiet = CoordinatorFactory(), CoordinatorFactory()
    CoordinatorProfile.objects.filter(user=quiet).update(daily_digest=False)
    now = morning()
    open_case(keeps, due=now - HOUR)
    open_case(quiet, due=now - HOUR)

    run = send_daily_digests(now)

    assert run.queued == 1
    assert [n.to for n in Notification.objects.filter(template="daily_digest")] == [[keeps.email]]
    email = digest_email(keeps)
    profile = CoordinatorProfile.objects.get(user=keeps)
    assert f"/admin/screening/coordinatorprofile/{profile.pk}/change/" in email.body_text


def test_people_with_nothing_to_report_or_no_address_or_no_account_get_no_email():
    idle = CoordinatorFactory()
    CoordinatorFactory(is_active=False)
    no_address = CoordinatorFactory(email="")
    open_case(no_address, due=morning() - HOUR)
    open_case(idle, due=morning() + 3 * DAY)

    run = send_daily_digests(morning())

    assert (run.queued, run.empty) == (0, 1)
    assert not Notification.objects.filter(template="daily_digest").exists()


def test_the_digest_is_queued_once_per_person_and_local_day(django_capture_on_commit_callbacks):
    coordinator = CoordinatorFactory()
    open_case(coordinator, due=morning() - HOUR)

    with django_capture_on_commit_callbacks() as published:
        first = send_daily_digests(morning())
    again = send_daily_digests(morning() + 5 * HOUR)  # a retry, or beat firing twice
    tomorrow = send_daily_digests(morning(days=1))

    assert (first.queued, again.queued, again.already_sent, tomorrow.queued) == (1, 0, 1, 1)
    keys = sorted(Notification.objects.values_list("key", flat=True))
    assert keys == [
        f"daily_digest:{coordinator.pk}:{timezone.localdate() + dt.timedelta(days=n)}"
        for n in (0, 1)
    ]
    assert len(published) == 1  # the delivery task, after the commit


def test_long_lists_name_the_first_cases_and_count_the_rest():
    coordinator = CoordinatorFactory()
    now = morning()
    for n in range(LIST_LIMIT + 3):
        open_case(coordinator, due=now - (n + 1) * HOUR)

    overdue = digest_of(coordinator, now).sections[0]

    assert (len(overdue.lines), overdue.total, overdue.more) == (LIST_LIMIT, LIST_LIMIT + 3, 3)
    send_daily_digests(now)
    assert "…and 3 more: " in digest_email(coordinator).body_text
    assert "?assigned=me&overdue=yes" in digest_email(coordinator).body_text


def test_building_every_digest_costs_the_same_few_queries_for_any_number_of_cases(
    django_assert_num_queries,
):
    lead, coordinators = LeadFactory(), CoordinatorFactory.create_batch(3)
    now = morning()
    for coordinator in coordinators:
        open_case(coordinator, due=now - HOUR)
    with django_assert_num_queries(5):  # recipients, profiles, cases, assignees, unassigned
        build_digests(now)
    for coordinator in [*coordinators, lead]:
        for n in range(8):
            open_case(coordinator, due=now - n * HOUR, assigned=now - HOUR)
    with django_assert_num_queries(5):
        digests = build_digests(now)
    assert len(digests) == 4


def test_a_lead_without_a_coordinator_profile_still_gets_the_digest():
    lead = LeadFactory()
    CoordinatorProfile.objects.filter(user=lead).delete()
    open_case(CoordinatorFactory(), due=morning() - HOUR)

    send_daily_digests(morning())

    email = digest_email(lead)
    assert "Overdue across the team (1)" in email.body_text
    assert "ask a lead to switch it off" in email.body_text
