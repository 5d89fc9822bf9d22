"""Case summaries staff email (screening/summaries/): what was prepared and previewed, what was
sent through the outbox, and every use of a summary's download link."""

from django.conf import settings
from django.db import models


class SummaryRecipient(models.TextChoices):
    PATIENT = "patient", "The patient (the case's email address)"
    PHYSICIAN = "physician", "The referring physician"
    CENTER = "center", "The treating or target center's contact"
    OTHER = "other", "Another address"


class SummaryAudience(models.TextChoices):
    PATIENT = "patient", "Plain words (for the patient or family)"
    PHYSICIAN = "physician", "Clinical words (for a physician or center)"


class SummaryDelivery(models.TextChoices):
    ATTACHED = "attached", "PDF attached, summary in the email"
    LINK = "link", "Download link only, no medical details in the email"


class CaseSummary(models.Model):
    """One summary as previewed; `notification` is set once it is queued on the outbox (the
    outbox row then holds the message as sent, the stored bodies here are cleared)."""

    case = models.ForeignKey("screening.Case", on_delete=models.CASCADE, related_name="summaries")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    recipient_kind = models.CharField(max_length=20, choices=SummaryRecipient.choices)
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField()
    audience = models.CharField(max_length=20, choices=SummaryAudience.choices)
    language = models.CharField(max_length=16, default="en")
    cover_note = models.TextField(blank=True)
    delivery = models.CharField(max_length=20, choices=SummaryDelivery.choices)
    # The screening it summarises: sending refuses a preview the case has moved past.
    run = models.ForeignKey(
        "screening.ScreeningRun", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ruleset_version = models.CharField(max_length=64, blank=True)
    subject = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    pdf = models.BinaryField()
    pdf_filename = models.CharField(max_length=100)
    # The download link (delivery "link"): sha256 of its token, and when it stops working
    # (set when the summary is sent).
    link_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    notification = models.OneToOneField(
        "screening.Notification",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="summary",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "case summaries"

    def __str__(self) -> str:
        return f"summary of {self.case_id} for {self.recipient_email}"


class SummaryAccess(models.Model):
    """One use of a summary download link: downloaded, or refused and why."""

    class Outcome(models.TextChoices):
        SHOWN = "shown", "Page shown"
        DOWNLOADED = "downloaded", "Downloaded"
        WRONG_ADDRESS = "wrong_address", "Refused: not the address it was sent to"
        EXPIRED = "expired", "Refused: expired"
        UNKNOWN = "unknown", "Refused: no such link"

    summary = models.ForeignKey(
        CaseSummary, null=True, on_delete=models.SET_NULL, related_name="accesses"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.outcome} {self.summary_id} {self.at:%Y-%m-%d %H:%M}"
