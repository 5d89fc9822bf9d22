"""Coordinators' own records: their profile, notes on a case, and requests for records."""

from django.conf import settings
from django.db import models


class CoordinatorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator_profile"
    )
    # Language codes the coordinator works in, e.g. ["en", "es"]; assignment prefers a match.
    languages = models.JSONField(default=list, blank=True)
    # Off (holiday, leave) means no new assignments; existing cases stay.
    accepting_cases = models.BooleanField(default=True)
    # The morning email of their new, due-today and overdue cases (screening/triage/digest.py);
    # they may switch it off themselves.
    daily_digest = models.BooleanField(
        default=True,
        help_text="The morning email listing your new, due-today and overdue cases.",
    )

    def __str__(self) -> str:
        return f"{self.user} ({', '.join(self.languages) or 'no languages'})"


class Note(models.Model):
    case = models.ForeignKey("screening.Case", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"note on {self.case_id} by {self.author}"


class RecordsRequest(models.Model):
    """What a coordinator asked the patient to upload; fulfilled when they upload."""

    case = models.ForeignKey(
        "screening.Case", on_delete=models.CASCADE, related_name="records_requests"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    # Missing-fact keys (rules facts) and document categories asked for.
    facts = models.JSONField(default=list, blank=True)
    categories = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"records request on {self.case_id}"
