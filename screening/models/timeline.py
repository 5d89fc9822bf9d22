"""The case timeline: every step, note, email and status move, with its time."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Received")
    SCREENING_STARTED = "screening_started", _("Being screened")
    SCREENED = "screened", _("Screened")
    PRIORITISED = "prioritised", _("Prioritised")
    ASSIGNED = "assigned", _("Assigned")
    NOTIFIED = "notified", _("Coordinator notified")
    RESCREENED = "rescreened", _("Re-screened")
    RESCREEN_FAILED = "rescreen_failed", _("Could not be re-screened")
    FACT_AMENDED = "fact_amended", _("Fact amended")
    AMENDMENT_WITHDRAWN = "amendment_withdrawn", _("Amendment withdrawn")
    PROFILE_REDERIVED = "profile_rederived", _("Profile re-derived")
    PROPOSAL_DECIDED = "proposal_decided", _("Proposed fact decided")
    DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
    DOCUMENT_PROCESSED = "document_processed", _("Document processed")
    STATUS_CHANGED = "status_changed", _("Status changed")
    RECORDS_REQUESTED = "records_requested", _("Records requested")
    RECORDS_RECEIVED = "records_received", _("Records received")
    NOTE = "note", _("Note")
    EMAIL_QUEUED = "email_queued", _("Email queued")
    EMAIL_SENT = "email_sent", _("Email sent")
    EMAIL_FAILED = "email_failed", _("Email failed")
    TRIALS_MATCHED = "trials_matched", _("Trials matched")
    MESSAGE_RECEIVED = "message_received", _("Message from the patient")
    MESSAGE_ANSWERED = "message_answered", _("Message to the patient")
    DOCUMENTS_DELETED = "documents_deleted", _("Documents deleted (retention period)")


class CaseEvent(models.Model):
    case = models.ForeignKey("screening.Case", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Plain words for coordinators; patient-visible events are also shown on the status page,
    # so their message must carry nothing a coordinator wrote privately.
    message = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    patient_visible = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="event_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%Y-%m-%d %H:%M}"
