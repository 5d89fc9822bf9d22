"""Delivering the outbox inside a test, as the worker would.

Every email is queued on the outbox and sent by `screening.deliver_email_task` after the
commit. Tests of pages and actions have no worker: `deliver_outbox()` runs that task's body,
the real delivery, in this process for every email waiting, so `mail.outbox` holds what a
worker would have sent. The worker path itself is tested in tests/pipeline/ and tests/notify/.
"""

from __future__ import annotations

from screening.models import Notification, NotificationState
from screening.notify.delivery import deliver_email


def deliver_outbox() -> int:
    """Deliver every queued email now; returns how many went out."""
    waiting = Notification.objects.filter(state=NotificationState.QUEUED).order_by("pk")
    return sum(deliver_email(pk) for pk in list(waiting.values_list("pk", flat=True)))
