"""Who works a case: automatic assignment after screening, and reassignment by a person.

Automatic assignment picks, among active staff in the Coordinator group whose profile accepts
new cases, the ones who work in the case's language if there are any (else everyone), and of
those the one with the fewest open cases (ties: the longest-standing account). Every
assignment adds a timeline event and an outbox row for the coordinator's email in the same
transaction; the email itself leaves through the outbox (screening/notify/).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from screening.core.roles import COORDINATOR, LEAD
from screening.core.timeline import record_event
from screening.models import Case, CaseEvent, CaseStatus, EventKind, Notification
from screening.models.case import OPEN_STATUSES
from screening.notify.emails import case_admin_url
from screening.notify.outbox import cancel_queued_emails, queue_email

logger = logging.getLogger(__name__)

COORDINATOR_ASSIGNED_TEMPLATE = "coordinator_assigned"
# Screened, open cases: the ones a coordinator works.
ASSIGNABLE_STATUSES = tuple(
    s for s in OPEN_STATUSES if s not in (CaseStatus.SUBMITTED, CaseStatus.SCREENING)
)


class AssignmentError(Exception):
    """The case cannot be given to that person; the message says why in plain words."""


def coordinators(groups=(COORDINATOR,)):
    """Active staff users in these groups (whether or not they take new cases)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name__in=groups)
        .distinct()
    )


def choose_coordinator(case: Case):
    """The coordinator who should get this case now, or None if nobody takes new cases."""
    # A correlated count per coordinator reads only the (assigned_to, status) index.
    open_cases = (
        Case.objects.filter(assigned_to=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("assigned_to")
        .annotate(n=Count("pk"))
        .values("n")
    )
    candidates = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=True,
            groups__name=COORDINATOR,
            coordinator_profile__accepting_cases=True,
        )
        .annotate(open_cases=Coalesce(Subquery(open_cases), 0))
        .select_related("coordinator_profile")
    )
    if not candidates:
        return None
    speakers = [u for u in candidates if case.language in u.coordinator_profile.languages]
    return min(speakers or candidates, key=lambda u: (u.open_cases, u.pk))


def _display(user) -> str:
    return user.get_full_name() or user.get_username()


def _assign_locked(
    case: Case, user, *, by=None, reason: str = "", claim: bool = False
) -> tuple[bool, Notification | None]:
    """Assign a case whose row this transaction holds; returns (assigned, the outbox row for
    the assignee's email), the row created already claimed by the caller when `claim`, who
    then sends it; None if the assignee has no email address.

    Automatic assignment (`by` None) only applies to a case that is still unassigned in the
    database, whatever the caller read earlier; it returns (False, None) otherwise.
    """
    previous = case.assigned_to if case.assigned_to_id else None
    now = timezone.now()
    target = Case.objects.filter(pk=case.pk)
    if by is None and previous is None:
        target = target.filter(assigned_to__isnull=True)
    if not target.update(assigned_to=user, assigned_at=now):
        return False, None
    case.assigned_to, case.assigned_at = user, now
    if previous is not None:
        # An email not yet sent to the previous assignee is moot now.
        cancel_queued_emails(case, COORDINATOR_ASSIGNED_TEMPLATE, "reassigned before sending")
        message = f"Reassigned from {_display(previous)} to {_display(user)}"
    else:
        message = f"Assigned to {_display(user)}"
    if reason:
        message += f" ({reason})"
    event = record_event(
        case,
        EventKind.ASSIGNED,
        message,
        actor=by,
        data={"to": user.pk, "from": previous.pk if previous else None, "automatic": by is None},
    )
    if not user.email:
        logger.warning("%s has no email address: not told about case %s", user, case.pk)
        return True, None
    return True, queue_email(
        COORDINATOR_ASSIGNED_TEMPLATE,
        user.email,
        case=case,
        # Staff read Navigator in the site's language.
        language=settings.LANGUAGE_CODE,
        context={"recipient": user, "case_url": case_admin_url(case)},
        key=f"{COORDINATOR_ASSIGNED_TEMPLATE}:{event.pk}",
        assignee=user,
        claimed=claim,
    )


def assign_screened_case(case: Case, *, claim: bool = False) -> Notification | None:
    """Inside the transaction that moved `case` out of screening (which holds its row): give
    it to the best coordinator unless it was ever assigned. Returns the outbox row, or None
    (with `claim`, the row is created claimed by the caller, who sends it after commit).

    Two cases screened at the same moment may see the same open-case counts and go to the
    same coordinator; the imbalance is at most the number of workers and evens out.
    """
    if case.assigned_to_id is not None:
        return None
    if CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED).exists():
        return None  # someone unassigned it on purpose
    user = choose_coordinator(case)
    if user is None:
        logger.warning("No coordinator accepts new cases; case %s stays unassigned", case.pk)
        return None
    return _assign_locked(case, user, reason="automatic", claim=claim)[1]


def assign_new_case(case: Case) -> Notification | None:
    """Give a screened, never assigned case to the best coordinator (see module docstring).

    Idempotent: a case that has an assignee, or has ever been assigned (someone may have
    unassigned it on purpose), is left alone. Returns the outbox row, or None.
    """
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("assigned_to")
            .get(pk=case.pk)
        )
        if locked.status not in ASSIGNABLE_STATUSES:
            return None
        notification = assign_screened_case(locked)
    case.assigned_to, case.assigned_at = locked.assigned_to, locked.assigned_at
    return notification


def assign_case(case: Case, user, *, by=None, reason: str = "") -> bool:
    """Assign (or reassign) the case to `user`; the new assignee is emailed (outbox).

    Raises AssignmentError if `user` is not an active coordinator or lead, or the case is
    closed.
    Returns False when the case is already assigned to `user` (nothing changes).
    """
    if user is None or not coordinators((COORDINATOR, LEAD)).filter(pk=user.pk).exists():
        raise AssignmentError(_("Cases can only be assigned to an active coordinator."))
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("assigned_to")
            .get(pk=case.pk)
        )
        if locked.status == CaseStatus.CLOSED:
            raise AssignmentError(_("A closed case cannot be assigned; reopen it first."))
        if locked.assigned_to_id == user.pk:
            return False
        assigned, _notice = _assign_locked(locked, user, by=by, reason=reason)
        if not assigned:
            return False
    case.assigned_to, case.assigned_at = locked.assigned_to, locked.assigned_at
    return True
