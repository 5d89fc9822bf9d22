"""The notification outbox: one row per email the pipeline must send once.

A row is created in the same transaction as the change that calls for the email (an
assignment), so the email cannot be forgotten; sending claims the row with a conditional
update first, so a retried or duplicated task cannot send it twice.
"""

from django.conf import settings
from django.db import models


class NotificationState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"  # claimed by one delivery; stale claims are retried
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"  # e.g. the case was reassigned before it went out


class Notification(models.Model):
    # Unique business key, e.g. "coordinator_assigned:<assigned event id>": creating the row
    # twice for the same fact is impossible.
    key = models.CharField(max_length=100, unique=True)
    case = models.ForeignKey(
        "screening.Case", on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    template = models.CharField(max_length=50)
    state = models.CharField(
        max_length=20,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.template} for case {self.case_id} ({self.state})"
