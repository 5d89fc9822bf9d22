"""How urgent a case is, and when a coordinator should have looked at it.

Priority says how fast the coordinator must act, from two things the screening knows: how fast
the disease moves in its current state, and whether an approved product is an option to act
on. The rules are data (PRIORITY_RULES, first match wins) read by one function, and every
decision carries a one-line reason naming the rule, the disease, its status and the products:

- **Urgent** (due the next business day): acute leukemia (B-ALL, T-ALL, AML, MPAL) that is
  refractory, in a second or later relapse or relapsed after a transplant, with a product
  likely eligible or needing review. The disease moves in days, the options are narrowing,
  and a CAR-T takes three to six weeks to make.
- **High** (second business day): any other relapsed or refractory acute leukemia (a first
  relapse, or no approved product: trials and the treating team's plan still need a prompt
  answer); relapsed or refractory aggressive lymphoma (DLBCL, HGBCL, PMBCL, other LBCL, MCL,
  PCNSL) or myeloma with a product likely eligible (a manufacturing slot and a referral are
  the next steps); MRD-positive B-ALL in remission with a product likely eligible (treatment
  works best before the relapse).
- **Standard** (third business day): everything else: indolent lymphomas and CLL, remission,
  newly diagnosed disease, and relapsed disease with nothing likely eligible yet (the
  coordinator asks for the missing facts in the normal course).

The due time is the end of a business day (17:00, Monday to Friday, in settings.TIME_ZONE;
there is no holiday calendar yet) counted from the day the clock starts. A case submitted on
Friday or at the weekend that is urgent is due Monday 17:00.

Re-screening only ever raises a priority (a coordinator may have raised it by hand), and a
raised priority never pushes the due time later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from screening.core.profile_fields import DISEASE_SHORT
from screening.models import Case, CaseEvent, EventKind, Priority
from screening.rules.data.products import PRODUCTS
from screening.rules.results import ELIGIBLE, NEEDS_REVIEW
from screening.rules.vocabulary import DISEASE_STATUSES, RELAPSED_OR_REFRACTORY

ACUTE_LEUKEMIAS = frozenset({"b_all", "t_all", "aml", "mpal"})
AGGRESSIVE_LYMPHOMAS = frozenset({"dlbcl", "hgbcl", "pmbcl", "lbcl_other", "mcl", "pcnsl"})
MULTIPLY_RELAPSED_OR_REFRACTORY = frozenset(
    {"refractory", "second_or_later_relapse", "relapsed_after_transplant"}
)
MRD_POSITIVE_REMISSION = frozenset(
    {"first_remission_mrd_positive", "second_remission_mrd_positive"}
)

# What a rule needs from the screening: a product likely eligible; a product likely
# eligible or needing review (an option to check); or nothing.
LIKELY, OPTION, ANYTHING = "likely", "option", "anything"


@dataclass(frozen=True)
class PriorityRule:
    priority: int
    diagnoses: frozenset[str]
    statuses: frozenset[str]
    needs: str
    reason: str


# First match wins; no match is standard.
PRIORITY_RULES = (
    PriorityRule(
        Priority.URGENT,
        ACUTE_LEUKEMIAS,
        MULTIPLY_RELAPSED_OR_REFRACTORY,
        OPTION,
        "Refractory or multiply relapsed acute leukemia with a product to act on",
    ),
    PriorityRule(
        Priority.HIGH,
        ACUTE_LEUKEMIAS,
        RELAPSED_OR_REFRACTORY,
        ANYTHING,
        "Relapsed or refractory acute leukemia",
    ),
    PriorityRule(
        Priority.HIGH,
        AGGRESSIVE_LYMPHOMAS,
        RELAPSED_OR_REFRACTORY,
        LIKELY,
        "Relapsed or refractory aggressive lymphoma with a product likely eligible",
    ),
    PriorityRule(
        Priority.HIGH,
        frozenset({"mm"}),
        RELAPSED_OR_REFRACTORY,
        LIKELY,
        "Relapsed or refractory myeloma with a product likely eligible",
    ),
    PriorityRule(
        Priority.HIGH,
        frozenset({"b_all"}),
        MRD_POSITIVE_REMISSION,
        LIKELY,
        "MRD-positive B-ALL in remission with a product likely eligible",
    ),
)
BASE_REASON = "No time-critical finding"

# Business days from the start day to the due day, per priority.
DUE_BUSINESS_DAYS = {Priority.URGENT: 1, Priority.HIGH: 2, Priority.STANDARD: 3}
END_OF_BUSINESS_DAY = dt.time(17, 0)
BUSINESS_WEEKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday..Friday (date.weekday())


@dataclass(frozen=True)
class PriorityDecision:
    priority: int
    reason: str


def _brands(verdicts: dict[str, str], verdict: str) -> list[str]:
    return [PRODUCTS[key].brand for key, v in verdicts.items() if v == verdict and key in PRODUCTS]


def _options_text(likely: list[str], review: list[str]) -> str:
    if likely:
        return "likely eligible: " + ", ".join(likely)
    if review:
        return "needs review: " + ", ".join(review)
    return "nothing likely eligible"


def _meets(needs: str, likely: list[str], review: list[str]) -> bool:
    if needs == LIKELY:
        return bool(likely)
    if needs == OPTION:
        return bool(likely or review)
    return True


def assess_priority(profile: dict, verdicts: dict[str, str]) -> PriorityDecision:
    """The priority and its one-line reason for a screening profile and its product verdicts,
    e.g. 'Refractory or multiply relapsed acute leukemia with a product to act on (B-ALL,
    refractory); likely eligible: Tecartus, Aucatzyl'."""
    diagnosis = (profile or {}).get("diagnosis")
    status = (profile or {}).get("disease_status")
    likely, review = _brands(verdicts, ELIGIBLE), _brands(verdicts, NEEDS_REVIEW)
    priority, summary = Priority.STANDARD, BASE_REASON
    for rule in PRIORITY_RULES:
        if (
            diagnosis in rule.diagnoses
            and status in rule.statuses
            and _meets(rule.needs, likely, review)
        ):
            priority, summary = rule.priority, rule.reason
            break
    if diagnosis is None and not verdicts:
        return PriorityDecision(int(priority), f"{BASE_REASON} (not screened automatically)")
    disease = str(DISEASE_SHORT.get(diagnosis, "diagnosis unknown"))
    state = DISEASE_STATUSES.get(status, "status unknown")
    reason = f"{summary} ({disease}, {state}); {_options_text(likely, review)}"
    return PriorityDecision(int(priority), reason[:300])


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


def _priority_event(case_id: int, decision: PriorityDecision, due, message: str, data: dict):
    """The PRIORITISED timeline event for a decision (unsaved)."""
    return CaseEvent(
        case_id=case_id,
        kind=EventKind.PRIORITISED,
        message=f"{message} ({decision.reason}); due {timezone.localtime(due):%a %d %b %Y %H:%M}"[
            :500
        ],
        data={"priority": decision.priority, "due_at": due.isoformat(), **data},
    )


def _set_priority(case: Case, decision: PriorityDecision, due, message: str, data: dict) -> None:
    Case.objects.filter(pk=case.pk).update(
        priority=decision.priority, priority_reason=decision.reason, due_at=due
    )
    case.priority, case.priority_reason, case.due_at = decision.priority, decision.reason, due
    _priority_event(case.pk, decision, due, message, data).save()


def prioritise_case(case: Case, verdicts: dict[str, str]) -> PriorityDecision:
    """Set a newly screened case's priority, reason and due time, and add a timeline event.

    Call inside the transaction that moves the case out of screening (which is the claim).
    """
    decision = assess_priority(case.profile, verdicts)
    due = due_time(case.submitted_at or timezone.now(), decision.priority)
    _set_priority(case, decision, due, f"Priority: {Priority(decision.priority).label}", {})
    return decision


@dataclass(frozen=True)
class PriorityRaise:
    """A re-screen's call for a higher priority: the decision, the new due time, and the
    priority it replaces."""

    decision: PriorityDecision
    due: dt.datetime
    previous: int

    def event(self, case_id: int) -> CaseEvent:
        return _priority_event(
            case_id,
            self.decision,
            self.due,
            f"Priority raised: {Priority(self.previous).label} → "
            f"{Priority(self.decision.priority).label}",
            {"previous": self.previous},
        )


def priority_raise(
    profile: dict, verdicts: dict[str, str], priority: int, due_at, *, now: dt.datetime
) -> PriorityRaise | None:
    """What raise_priority would do for a case at this priority and due time, without doing
    it: None when the new verdicts call for no higher priority."""
    decision = assess_priority(profile, verdicts)
    if decision.priority >= priority:
        return None
    due = due_time(now, decision.priority)
    if due_at is not None:
        due = min(due, due_at)
    return PriorityRaise(decision, due, priority)


def raise_priority(case: Case, verdicts: dict[str, str], *, now=None) -> PriorityDecision | None:
    """After a re-screen: raise the priority if the new verdicts call for a higher one.

    Never lowers it, and moves the due time earlier only (from now, for the new priority).
    Returns the decision when the priority was raised, else None.
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = Case.objects.select_for_update().only("priority", "due_at").get(pk=case.pk)
        raised = priority_raise(case.profile, verdicts, current.priority, current.due_at, now=now)
        if raised is None:
            return None
        Case.objects.filter(pk=case.pk).update(
            priority=raised.decision.priority,
            priority_reason=raised.decision.reason,
            due_at=raised.due,
        )
        case.priority, case.priority_reason = raised.decision.priority, raised.decision.reason
        case.due_at = raised.due
        raised.event(case.pk).save()
    return raised.decision
