"""Sending the pipeline's emails from the outbox (screening.models.Notification), once.

A delivery first claims the row with a conditional update (pending → sending); only the
delivery that wins the claim sends. If sending fails with a mail-transport error the claim is
released so a retry can send it; if the process dies mid-send the claim goes stale and the
sweeper retries it after CLAIM_STALE_AFTER (at most MAX_ATTEMPTS times). So a retried or
duplicated task never sends twice; the one window left is a crash between the mail server
accepting the message and the row being marked sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from screening.models import EventKind, Notification, NotificationState
from screening.services.emails import send_email
from screening.services.timeline import record_event

logger = logging.getLogger(__name__)

CLAIM_STALE_AFTER = dt.timedelta(minutes=10)
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
    """The coordinator's link to the case in the admin."""
    return f"{settings.SITE_URL}/admin/screening/case/{case.pk}/change/"


def _claimable(now: dt.datetime) -> Q:
    stale = Q(
        state=NotificationState.SENDING,
        claimed_at__lt=now - CLAIM_STALE_AFTER,
        attempts__lt=MAX_ATTEMPTS,
    )
    return Q(state=NotificationState.PENDING) | stale


def deliver_notification(notification_id: int) -> bool:
    """Send one outbox email if nobody has; returns True if this call sent it."""
    now = timezone.now()
    claimed = Notification.objects.filter(_claimable(now), pk=notification_id).update(
        state=NotificationState.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("case", "recipient").get(pk=notification_id)
    case, recipient = notification.case, notification.recipient
    mine = Notification.objects.filter(
        pk=notification_id, state=NotificationState.SENDING, claimed_at=now
    )
    if recipient is None or not recipient.email or case.assigned_to_id != recipient.pk:
        mine.update(state=NotificationState.CANCELLED, last_error="no longer the assignee")
        return False
    try:
        send_email(
            notification.template,
            recipient.email,
            {"recipient": recipient, "case_url": case_admin_url(case)},
            case=case,
        )
    except MAIL_TRANSPORT_ERRORS as exc:
        mine.update(state=NotificationState.PENDING, claimed_at=None, last_error=repr(exc)[:200])
        raise
    with transaction.atomic():
        mine.update(state=NotificationState.SENT, sent_at=timezone.now(), last_error="")
        record_event(
            case,
            EventKind.NOTIFIED,
            f"Coordinator {recipient.get_full_name() or recipient.get_username()} notified",
            data={"notification": notification_id, "to": recipient.pk},
        )
    return True


def deliver_pending_notifications(case_id: int) -> int:
    """Send every claimable outbox email of one case; returns how many this call sent."""
    now = timezone.now()
    ids = Notification.objects.filter(_claimable(now), case_id=case_id).values_list("pk", flat=True)
    return sum(deliver_notification(pk) for pk in list(ids))


def overdue_notifications(older_than: dt.timedelta):
    """Ids of outbox emails still unsent: pending for a while, or claimed and stale."""
    now = timezone.now()
    return Notification.objects.filter(
        _claimable(now), created_at__lt=now - older_than
    ).values_list("pk", flat=True)
