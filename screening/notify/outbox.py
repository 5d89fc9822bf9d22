"""Sending the pipeline's emails from the outbox (screening.models.Notification), once.

A row is sent only by the delivery that claimed it with a conditional update (pending →
sending, with its claim time). The pipeline creates the row already claimed, in the same
transaction as the assignment, and sends right after that commits; anyone else (the notify
task after a manual reassignment, a redelivered task, the sweeper) claims it first. If sending
fails with a mail-transport error the claim is released so the task's retry can send it; if
the process dies mid-send the claim goes stale after CLAIM_STALE_AFTER and the sweeper
delivers it again (at most MAX_ATTEMPTS claims). So a retried or duplicated task never sends
twice; the one window left is a crash between the mail server accepting the message and the
row being marked sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from screening.models import CaseEvent, EventKind, Notification, NotificationState
from screening.notify.emails import send_email

logger = logging.getLogger(__name__)

# Longer than any send can take (EMAIL_TIMEOUT is 10 s per SMTP step), short enough that an
# email whose sender died goes out within a few minutes (the sweeper runs every minute).
CLAIM_STALE_AFTER = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 5
# Errors that mean the message did not leave: release the claim and let the task retry.
MAIL_TRANSPORT_ERRORS = (
    ConnectionError,
    TimeoutError,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPHeloError,
)


def case_admin_url(case) -> str:
    """The coordinator's link to the case in the admin (sign-in required)."""
    return settings.SITE_URL + reverse("admin:screening_case_change", args=[case.pk])


def _claimable(now: dt.datetime) -> Q:
    stale = Q(
        state=NotificationState.SENDING,
        claimed_at__lt=now - CLAIM_STALE_AFTER,
        attempts__lt=MAX_ATTEMPTS,
    )
    return Q(state=NotificationState.PENDING) | stale


def claimed_notification_fields() -> dict:
    """Fields for an outbox row created already claimed by the caller, who sends it next."""
    return {"state": NotificationState.SENDING, "claimed_at": timezone.now(), "attempts": 1}


def deliver_notification(notification_id: int) -> bool:
    """Claim and send one outbox email if nobody has; returns True if this call sent it."""
    now = timezone.now()
    claimed = Notification.objects.filter(_claimable(now), pk=notification_id).update(
        state=NotificationState.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("case", "recipient").get(pk=notification_id)
    return send_claimed_notification(notification)


def send_claimed_notification(notification: Notification) -> bool:
    """Send an outbox email this caller has claimed (state sending, its own claimed_at)."""
    case, recipient = notification.case, notification.recipient
    mine = Notification.objects.filter(
        pk=notification.pk, state=NotificationState.SENDING, claimed_at=notification.claimed_at
    )
    if recipient is None or not recipient.email or case.assigned_to_id != recipient.pk:
        mine.update(state=NotificationState.CANCELLED, last_error="no longer the assignee")
        return False
    context = {"case": case, "recipient": recipient, "case_url": case_admin_url(case)}
    try:
        # case=None: the timeline event is written below, in one transaction with the
        # "sent" mark, rather than in a transaction of its own.
        send_email(notification.template, recipient.email, context, case=None)
    except MAIL_TRANSPORT_ERRORS as exc:
        mine.update(state=NotificationState.PENDING, claimed_at=None, last_error=repr(exc)[:200])
        raise
    # The subject alone, for the timeline (send_email rendered the whole message).
    subject = " ".join(
        render_to_string(
            f"emails/{notification.template}/subject.txt",
            {"site_url": settings.SITE_URL, **context},
        ).split()
    )
    with transaction.atomic():
        mine.update(state=NotificationState.SENT, sent_at=timezone.now(), last_error="")
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case=case,
                    kind=EventKind.EMAIL_SENT,
                    message=f"Email '{subject}' sent to {recipient.email}"[:500],
                    data={"template": notification.template, "to": [recipient.email]},
                ),
                CaseEvent(
                    case=case,
                    kind=EventKind.NOTIFIED,
                    message=f"Coordinator {recipient.get_full_name() or recipient.get_username()}"
                    " notified",
                    data={"notification": notification.pk, "to": recipient.pk},
                ),
            ]
        )
    return True


def deliver_pending_notifications(case_id: int) -> int:
    """Send every claimable outbox email of one case; returns how many this call sent."""
    now = timezone.now()
    ids = Notification.objects.filter(_claimable(now), case_id=case_id).values_list("pk", flat=True)
    return sum(deliver_notification(pk) for pk in list(ids))


def overdue_notifications(older_than: dt.timedelta = CLAIM_STALE_AFTER):
    """Ids of outbox emails still unsent: pending for a while, or claimed and stale."""
    now = timezone.now()
    return Notification.objects.filter(
        _claimable(now), created_at__lt=now - older_than
    ).values_list("pk", flat=True)
