"""The email outbox: one row per email Navigator sends, written in the transaction of the change
that calls for it and delivered after the commit (screening/notify/outbox.py).

The row keeps what was sent (subject, text and HTML, rendered when it was queued, in its
language) so it can be reopened; links that carry a secret (status and resume links) are
removed from the stored copy once the message has left.
"""

from django.conf import settings
from django.db import models


class NotificationState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"  # claimed by one delivery; stale claims are retried
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"  # refused for good by the mail server, or retries exhausted
    CANCELLED = "cancelled", "Cancelled"  # e.g. the case was reassigned before it went out


class Notification(models.Model):
    # Unique business key, e.g. "coordinator_assigned:<assigned event id>": queueing the same
    # email twice for the same fact is impossible.
    key = models.CharField(max_length=100, unique=True)
    # What the email is about. Deleting the case or the draft deletes its emails: a message
    # still queued then is dropped with a log line.
    case = models.ForeignKey(
        "screening.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    draft = models.ForeignKey(
        "screening.IntakeDraft",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # A staff member the email is for as the case's assignee: if the case is reassigned
    # before it leaves, it is cancelled.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to = models.JSONField(default=list)
    template = models.CharField(max_length=50)
    language = models.CharField(max_length=16, blank=True)
    subject = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # Secret values (links with tokens) in the bodies, removed from them once sent.
    secrets = models.JSONField(default=list, blank=True)
    message_id = models.CharField(max_length=200, unique=True)
    # Whether the case timeline's "sent" event is shown to the patient too.
    patient_visible = models.BooleanField(default=False)
    state = models.CharField(
        max_length=20,
        choices=NotificationState.choices,
        default=NotificationState.QUEUED,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set after a transient failure: when to try again (the sweeper picks it up then).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When the sweeper last handed it to the delivery task again: at most once per claim
    # period, so a backlog does not fill the queue with copies.
    swept_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    # The sent or failed event is on the timeline and the secrets are gone from the copy.
    finished = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = "outbox email"
        verbose_name_plural = "outbox emails"

    def __str__(self) -> str:
        about = f"case {self.case_id}" if self.case_id else f"draft {self.draft_id}"
        return f"{self.template} for {about} ({self.state})"


class NotificationAttachment(models.Model):
    """A file sent with an outbox email (e.g. a case summary PDF), kept with it."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.filename
