"""Referring organisations and what they do through the API (/api/v1/, screening/api/).

- `Organisation`: a hospital or clinic that refers cases, with the scopes its keys may carry
  and, optionally, the HTTPS endpoint its webhooks go to.
- `ApiKey`: one secret of an organisation. Only its SHA-256 is stored; the key itself is shown
  once when it is made (screening/core/api_keys.py).
- `ApiSubmission`: which organisation (and key) submitted a case; an organisation reads only
  the cases it submitted.
- `IdempotencyRecord`: the first response to a request sent with an `Idempotency-Key`, returned
  again for a repeat.
- `WebhookDelivery`: one webhook to send once (an outbox row, claimed before sending).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    CASES_SUBMIT = "cases:submit", _("Submit cases and their documents")
    CASES_READ = "cases:read", _("Read the cases it submitted; receive webhooks")
    SCREEN = "screen", _("Screen profiles without storing them")


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    # The scopes this organisation's keys may carry; removing one here takes it from every key.
    allowed_scopes = models.JSONField(default=list, blank=True)
    active = models.BooleanField(
        default=True, help_text=_("Inactive organisations' keys are refused.")
    )
    webhook_url = models.URLField(max_length=500, blank=True)
    # The HMAC key webhooks are signed with. It must be stored to sign with (unlike API keys);
    # it is shown once when made and never displayed again.
    webhook_secret = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="keys")
    name = models.CharField(
        max_length=100, blank=True, help_text=_("What the key is for, e.g. 'EHR integration'.")
    )
    # The key's first characters ("nav_ab12cd34"), for people to tell keys apart.
    prefix = models.CharField(max_length=20, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.organisation})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiSubmission(models.Model):
    """The organisation (and key) that submitted a case through the API."""

    class Source(models.TextChoices):
        JSON = "json", "JSON"
        FHIR = "fhir", "FHIR bundle"

    case = models.OneToOneField(
        "screening.Case", on_delete=models.CASCADE, related_name="api_submission"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="submissions"
    )
    api_key = models.ForeignKey(ApiKey, null=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.JSON)
    # For a FHIR bundle: what was mapped and what was not, as returned to the sender.
    mapping = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.case_id} from {self.organisation}"


class IdempotencyRecord(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # The method and path, and a fingerprint of the request: the same key with another request
    # is refused rather than answered with the wrong response.
    endpoint = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.key}"


class WebhookState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")  # claimed by one delivery; stale claims are retried
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")  # gave up after the last attempt
    CANCELLED = "cancelled", _("Cancelled")  # the endpoint was removed before it went out


class WebhookDelivery(models.Model):
    # The event id the receiver sees (Navigator-Webhook-Id), for its own de-duplication.
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    case = models.ForeignKey(
        "screening.Case", null=True, on_delete=models.CASCADE, related_name="+"
    )
    # The timeline event that called for it (unique: one delivery per event and organisation).
    case_event = models.ForeignKey(
        "screening.CaseEvent", null=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    payload = models.JSONField()
    url = models.URLField(max_length=500)
    state = models.CharField(
        max_length=20, choices=WebhookState.choices, default=WebhookState.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["case_event", "organisation"], name="webhook_one_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.organisation} ({self.state})"
