"""Messages between the person behind a case and their coordinator: written on the status page
(screening/patient/messages.py), answered in the case file (screening/triage/messages.py).

A message is stored once per form: the form carries a random key, unique per case, so a
double click (or a resent POST) finds the message the first one stored.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageDirection(models.TextChoices):
    FROM_PATIENT = "from_patient", _("From the patient")
    TO_PATIENT = "to_patient", _("To the patient")


class PatientMessage(models.Model):
    case = models.ForeignKey(
        "screening.Case", on_delete=models.CASCADE, related_name="patient_messages"
    )
    direction = models.CharField(max_length=20, choices=MessageDirection.choices)
    # The coordinator who answered; empty for the person's own messages (they never sign in).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # A document the person attached (it is one of the case's documents too).
    document = models.ForeignKey(
        "screening.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    # The form's one-time key (32 hex characters): the same key on the same case is one message.
    idempotency_key = models.CharField(max_length=64)
    # When a coordinator first opened the case file after the person wrote (their messages
    # only); the reading is in the access log.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "idempotency_key"], name="patient_message_once_per_key"
            )
        ]
        indexes = [models.Index(fields=["case", "created_at"], name="message_case_created_idx")]

    def __str__(self) -> str:
        return f"{self.direction} message on case {self.case_id}"

    @property
    def from_patient(self) -> bool:
        return self.direction == MessageDirection.FROM_PATIENT
