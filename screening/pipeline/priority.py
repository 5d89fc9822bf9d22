"""How urgent a case is, and when a coordinator should have looked at it.

The rules are data (below) read by one function, so they can be read, changed and tested in
one place:

1. A base priority from the disease: relapsed or refractory acute leukemia is urgent;
   relapsed or refractory aggressive lymphoma is high; everything else is standard.
2. A product that the screening finds likely eligible raises the priority one level
   (standard → high → urgent): there is a concrete option to move on.
3. The due time is the end of a business day (17:00, Monday to Friday, in settings.TIME_ZONE;
   there is no holiday calendar yet) counted from the day the clock starts: urgent → the next
   business day, high → the second, standard → the third. A case submitted on Friday or at
   the weekend that is urgent is due Monday 17:00.

Re-screening only ever raises a priority (a coordinator may have raised it by hand), and a
raised priority never pushes the due time later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from screening.core.timeline import record_event
from screening.models import Case, EventKind, Priority
from screening.rules.data.products import PRODUCTS
from screening.rules.results import ELIGIBLE
from screening.rules.vocabulary import RELAPSED_OR_REFRACTORY

ACUTE_LEUKEMIAS = frozenset({"b_all", "t_all", "aml", "mpal"})
AGGRESSIVE_LYMPHOMAS = frozenset({"dlbcl", "hgbcl", "pmbcl", "lbcl_other", "mcl", "pcnsl"})


@dataclass(frozen=True)
class PriorityRule:
    priority: int
    diagnoses: frozenset[str]
    statuses: frozenset[str]
    reason: str


# First match wins; no match is standard.
PRIORITY_RULES = (
    PriorityRule(
        Priority.URGENT,
        ACUTE_LEUKEMIAS,
        RELAPSED_OR_REFRACTORY,
        "Relapsed or refractory acute leukemia",
    ),
    PriorityRule(
        Priority.HIGH,
        AGGRESSIVE_LYMPHOMAS,
        RELAPSED_OR_REFRACTORY,
        "Relapsed or refractory aggressive lymphoma",
    ),
)
BASE_REASON = "Standard"
# How many levels a likely-eligible product raises the priority.
LIKELY_ELIGIBLE_RAISE = 1

# Business days from the start day to the due day, per priority.
DUE_BUSINESS_DAYS = {Priority.URGENT: 1, Priority.HIGH: 2, Priority.STANDARD: 3}
END_OF_BUSINESS_DAY = dt.time(17, 0)
BUSINESS_WEEKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday..Friday (date.weekday())


@dataclass(frozen=True)
class PriorityDecision:
    priority: int
    reason: str


def assess_priority(profile: dict, verdicts: dict[str, str]) -> PriorityDecision:
    """The priority and its reason for a screening profile and its product verdicts."""
    diagnosis = (profile or {}).get("diagnosis")
    status = (profile or {}).get("disease_status")
    priority, reasons = Priority.STANDARD, []
    for rule in PRIORITY_RULES:
        if diagnosis in rule.diagnoses and status in rule.statuses:
            priority, reasons = rule.priority, [rule.reason]
            break
    likely = [PRODUCTS[key].brand for key, verdict in verdicts.items() if verdict == ELIGIBLE]
    if likely:
        priority = max(Priority.URGENT, priority - LIKELY_ELIGIBLE_RAISE)
        reasons.append("likely eligible: " + ", ".join(likely))
    reason = "; ".join(reasons) if reasons else BASE_REASON
    return PriorityDecision(int(priority), reason[:1].upper() + reason[1:300])


def is_business_day(day: dt.date) -> bool:
    return day.weekday() in BUSINESS_WEEKDAYS


def add_business_days(start: dt.datetime, days: int) -> dt.datetime:
    """End of the business day that is `days` business days after start's (local) day."""
    local = timezone.localtime(start)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return timezone.make_aware(dt.datetime.combine(day, END_OF_BUSINESS_DAY), local.tzinfo)


def due_time(start: dt.datetime, priority: int) -> dt.datetime:
    """When a case of this priority whose clock started at `start` is due."""
    return add_business_days(start, DUE_BUSINESS_DAYS[Priority(priority)])


def _set_priority(case: Case, decision: PriorityDecision, due, message: str, data: dict) -> None:
    Case.objects.filter(pk=case.pk).update(
        priority=decision.priority, priority_reason=decision.reason, due_at=due
    )
    case.priority, case.priority_reason, case.due_at = decision.priority, decision.reason, due
    record_event(
        case,
        EventKind.PRIORITISED,
        f"{message} ({decision.reason}); due {timezone.localtime(due):%a %d %b %Y %H:%M}",
        data={"priority": decision.priority, "due_at": due.isoformat(), **data},
    )


def prioritise_case(case: Case, verdicts: dict[str, str]) -> PriorityDecision:
    """Set a newly screened case's priority, reason and due time, and add a timeline event.

    Call inside the transaction that moves the case out of screening (which is the claim).
    """
    decision = assess_priority(case.profile, verdicts)
    due = due_time(case.submitted_at or timezone.now(), decision.priority)
    _set_priority(case, decision, due, f"Priority: {Priority(decision.priority).label}", {})
    return decision


def raise_priority(case: Case, verdicts: dict[str, str], *, now=None) -> PriorityDecision | None:
    """After a re-screen: raise the priority if the new verdicts call for a higher one.

    Never lowers it, and moves the due time earlier only (from now, for the new priority).
    Returns the decision when the priority was raised, else None.
    """
    decision = assess_priority(case.profile, verdicts)
    now = now or timezone.now()
    with transaction.atomic():
        current = Case.objects.select_for_update().only("priority", "due_at").get(pk=case.pk)
        if decision.priority >= current.priority:
            return None
        due = due_time(now, decision.priority)
        if current.due_at is not None:
            due = min(due, current.due_at)
        _set_priority(
            case,
            decision,
            due,
            f"Priority raised: {Priority(current.priority).label} → "
            f"{Priority(decision.priority).label}",
            {"previous": current.priority},
        )
    return decision
