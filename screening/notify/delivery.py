"""Delivering outbox emails (screening/notify/outbox.py), each at most once as far as we can know.

A row is sent only by the delivery that claimed it with a conditional update (queued →
sending, with its claim time and one more attempt). Then:

1. the message is handed to the mail server (the Message-ID stored on the row, the same on
   every attempt);
2. the moment the server accepts it, the row is marked sent in its own commit: nothing else
   (no rendering, no timeline write, not even the connection's QUIT) happens between the
   server's "250" and that commit, so a worker killed at any other point cannot leave a sent
   email looking unsent;
3. then, in a second transaction, the timeline gets "email sent" (and "coordinator notified"
   for an assignee's notice) and the stored copy loses its secrets. A delivery that died
   before this step is finished by the next one, without sending again.

A transient failure (connection refused or dropped, timeout, a 4xx reply) releases the claim
with `next_attempt_at` set by exponential backoff (1 minute doubling, capped at 4 hours; the
sweeper enqueues due rows every minute). A permanent refusal (a 5xx reply to the sender, the
recipients or the message), or MAX_ATTEMPTS transient ones, marks it failed with the server's
reason and puts that on the timeline. A delivery that dies mid-send leaves a claim that goes
stale after `claim_stale_after()`; the sweeper hands it out again. The one window left is a
worker dying after the server accepted the message and before the mark commits (or a reply
lost on the network): that email may be sent again, with the same Message-ID.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time

from django.conf import settings
from django.core.mail import get_connection
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from screening.models import CaseEvent, EventKind, Notification, NotificationState
from screening.notify.emails import build_message, redacted_copy

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
RETRY_FIRST = dt.timedelta(minutes=1)
RETRY_CAP = dt.timedelta(hours=4)
FINISHED_STATES = (NotificationState.SENT, NotificationState.FAILED)


def claim_stale_after() -> dt.timedelta:
    """How long a claim holds: longer than any send can take (EMAIL_TIMEOUT bounds each of the
    dozen SMTP steps of one message)."""
    return dt.timedelta(seconds=12 * settings.EMAIL_TIMEOUT)


def retry_delay(attempts: int) -> dt.timedelta:
    """Backoff after the `attempts`-th failed attempt: 1, 2, 4 … minutes, at most 4 hours."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_CAP)


def _claimable(now: dt.datetime) -> Q:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    stale = Q(
        state=NotificationState.SENDING,
        claimed_at__lt=now - claim_stale_after(),
        attempts__lt=MAX_ATTEMPTS,
    )
    return (Q(state=NotificationState.QUEUED) & due) | stale


def deliver_email(email_id: int) -> bool:
    """Claim and send one outbox email if nobody has; True if this call sent it.

    Safe to call any number of times, concurrently too (the task is redelivered after a
    worker dies; the sweeper enqueues it again).
    """
    now = timezone.now()
    claimed = Notification.objects.filter(_claimable(now), pk=email_id).update(
        state=NotificationState.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    row = (
        Notification.objects.select_related("case", "recipient", "sent_by")
        .filter(pk=email_id)
        .first()
    )
    if row is None:
        logger.warning("Outbox email %s is gone (its case or draft was deleted): dropped", email_id)
        return False
    if not claimed:
        if row.state in FINISHED_STATES and not row.finished:
            _finish(row)  # a delivery died between marking it and the timeline
        return False
    return send_claimed_email(row)


def send_claimed_email(row: Notification) -> bool:
    """Send an outbox email this caller has claimed (state sending, its own claimed_at); True
    if the mail server accepted it. Never raises for a mail failure (see the module doc)."""
    mine = Notification.objects.filter(
        pk=row.pk, state=NotificationState.SENDING, claimed_at=row.claimed_at
    )
    if row.recipient_id is not None and not _still_assigned(row):
        mine.update(
            state=NotificationState.CANCELLED,
            last_error="no longer the assignee",
            finished=True,
            **redacted_copy(row),
        )
        return False
    message = build_message(row)
    connection = get_connection()
    try:
        connection.open()
        connection.send_messages([message])
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row, see _refused
        _close_quietly(connection)
        _refused(row, mine, exc)
        return False
    _mark_sent(mine)
    _close_quietly(connection)
    row.state = NotificationState.SENT
    _finish(row)
    return True


def _still_assigned(row: Notification) -> bool:
    recipient, case = row.recipient, row.case
    return bool(
        recipient is not None
        and recipient.is_active
        and recipient.email
        and case is not None
        and case.assigned_to_id == recipient.pk
    )


def _mark_sent(mine) -> None:
    # SQLite may be busy with another writer for a moment: wait rather than give up, because a
    # sent email left looking unsent would be sent again.
    for attempt in range(5):
        try:
            mine.update(state=NotificationState.SENT, sent_at=timezone.now(), last_error="")
            return
        except OperationalError:
            if attempt == 4:
                raise
            time.sleep(0.5 * (attempt + 1))


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - the message's fate is already decided and recorded
        logger.info("Mail connection did not close cleanly", exc_info=True)


def smtp_failure(exc: Exception) -> tuple[bool, str]:
    """(permanent, reason) for an exception raised while sending."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = exc.recipients.values()
        permanent = bool(replies) and all(500 <= code < 600 for code, _ in replies)
        reason = "; ".join(
            f"{address}: {code} {_text(text)}" for address, (code, text) in exc.recipients.items()
        )
        return permanent, f"recipients refused: {reason}"
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return 500 <= exc.smtp_code < 600, f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        # Greeting, HELO or authentication refused: the server or our settings, not this
        # message. Retried, so fixing the settings lets everything queued go out.
        return False, f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return False, f"{type(exc).__name__}: {exc}"


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _refused(row: Notification, mine, exc: Exception) -> None:
    permanent, reason = smtp_failure(exc)
    if not isinstance(exc, smtplib.SMTPException | OSError):
        logger.exception("Unexpected error sending outbox email %s", row.pk)
    if permanent:
        _fail(row, mine, reason)
    elif row.attempts >= MAX_ATTEMPTS:
        _fail(row, mine, f"gave up after {row.attempts} attempts: {reason}")
    else:
        delay = retry_delay(row.attempts)
        mine.update(
            state=NotificationState.QUEUED,
            claimed_at=None,
            next_attempt_at=timezone.now() + delay,
            last_error=reason[:500],
        )
        logger.warning(
            "Outbox email %s not sent (%s); next attempt in %d s",
            row.pk,
            reason,
            delay.total_seconds(),
        )


def _fail(row: Notification, mine, reason: str) -> None:
    if mine.update(state=NotificationState.FAILED, last_error=reason[:500]):
        logger.warning("Outbox email %s (%s) failed: %s", row.pk, row.template, reason)
        row.state, row.last_error = NotificationState.FAILED, reason[:500]
        _finish(row)


def _finish(row: Notification) -> None:
    """Once: the sent or failed event on the case timeline, and the secrets out of the copy."""
    with transaction.atomic():
        if not Notification.objects.filter(
            pk=row.pk, state__in=FINISHED_STATES, finished=False
        ).update(finished=True, **redacted_copy(row)):
            return
        if row.case_id is not None:
            CaseEvent.objects.bulk_create(_events(row))


def _events(row: Notification) -> list[CaseEvent]:
    to = ", ".join(row.to)
    actor = row.sent_by if row.sent_by_id else None
    data = {"email": row.pk, "template": row.template, "to": list(row.to)}
    if row.state == NotificationState.FAILED:
        return [
            CaseEvent(
                case_id=row.case_id,
                kind=EventKind.EMAIL_FAILED,
                message=f"Email '{row.subject}' to {to} failed: {row.last_error}"[:500],
                actor=actor,
                data={**data, "reason": row.last_error},
            )
        ]
    events = [
        CaseEvent(
            case_id=row.case_id,
            kind=EventKind.EMAIL_SENT,
            message=f"Email '{row.subject}' sent to {to}"[:500],
            actor=actor,
            data=data,
            patient_visible=row.patient_visible,
        )
    ]
    if row.recipient_id is not None and row.recipient is not None:
        name = row.recipient.get_full_name() or row.recipient.get_username()
        events.append(
            CaseEvent(
                case_id=row.case_id,
                kind=EventKind.NOTIFIED,
                message=f"Coordinator {name} notified",
                data={"notification": row.pk, "to": row.recipient_id},
            )
        )
    return events


def deliver_pending_emails(case_id: int, template: str) -> int:
    """Send the case's claimable emails of this template, and finish any a dead delivery left
    half-recorded; returns how many this call sent."""
    now = timezone.now()
    rows = Notification.objects.filter(case_id=case_id, template=template)
    ids = list(rows.filter(_claimable(now)).values_list("pk", flat=True))
    for row in rows.filter(state__in=FINISHED_STATES, finished=False).select_related(
        "recipient", "sent_by"
    ):
        _finish(row)
    return sum(deliver_email(pk) for pk in ids)


def due_emails(now: dt.datetime | None = None):
    """Outbox emails a delivery should pick up now: never picked up (queued a while ago), due
    for another attempt, claimed by a delivery that died, or sent and not yet recorded; none
    the sweeper handed out within the last claim period (see `take_due_emails`)."""
    now = now or timezone.now()
    grace = now - claim_stale_after()
    never_picked_up = Q(
        state=NotificationState.QUEUED, next_attempt_at__isnull=True, created_at__lt=grace
    )
    retry_due = Q(state=NotificationState.QUEUED, next_attempt_at__lte=now)
    stale = _claimable(now) & Q(state=NotificationState.SENDING)
    unrecorded = Q(state__in=FINISHED_STATES, finished=False, claimed_at__lt=grace)
    not_just_swept = (
        Q(swept_at__isnull=True)
        | Q(swept_at__lt=grace)
        | Q(next_attempt_at__isnull=False, swept_at__lt=F("next_attempt_at"))
    )
    return Notification.objects.filter(
        never_picked_up | retry_due | stale | unrecorded, not_just_swept
    ).order_by("pk")


def take_due_emails(limit: int, now: dt.datetime | None = None) -> list[int]:
    """Ids of up to `limit` due emails, marked as handed out now (the sweeper enqueues them)."""
    now = now or timezone.now()
    ids = list(due_emails(now).values_list("pk", flat=True)[:limit])
    Notification.objects.filter(pk__in=ids).update(swept_at=now)
    return ids


def fail_abandoned_emails(now: dt.datetime | None = None) -> int:
    """Mark failed the emails whose every attempt died mid-send (MAX_ATTEMPTS stale claims)."""
    now = now or timezone.now()
    abandoned = Notification.objects.filter(
        state=NotificationState.SENDING,
        claimed_at__lt=now - claim_stale_after(),
        attempts__gte=MAX_ATTEMPTS,
    ).select_related("recipient", "sent_by")
    failed = 0
    for row in abandoned:
        mine = Notification.objects.filter(
            pk=row.pk, state=NotificationState.SENDING, claimed_at=row.claimed_at
        )
        _fail(row, mine, f"stopped after {row.attempts} attempts that never finished")
        failed += 1
    return failed
