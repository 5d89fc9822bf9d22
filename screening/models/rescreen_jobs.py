"""Bulk re-screening (screening/pipeline/bulk_rescreen.py): one job per ruleset change, its
open cases split into batches that workers claim, screen and finish one transaction each."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class RescreenJobState(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    # A newer ruleset arrived while it ran: its unfinished batches went to the newer job.
    SUPERSEDED = "superseded", "Superseded"


class RescreenJob(models.Model):
    ruleset_version = models.CharField(max_length=64)
    derivation_version = models.CharField(max_length=40, blank=True)
    state = models.CharField(
        max_length=20, choices=RescreenJobState.choices, default=RescreenJobState.RUNNING
    )
    reason = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Progress, counted in the transaction that finishes each batch.
    total = models.PositiveIntegerField(default=0)  # cases in the job's batches
    done = models.PositiveIntegerField(default=0)  # cases whose batch finished
    changed = models.PositiveIntegerField(default=0)  # a verdict changed
    raised = models.PositiveIntegerField(default=0)  # priority raised
    newly_likely = models.PositiveIntegerField(default=0)  # a product became likely eligible
    invalid = models.PositiveIntegerField(default=0)  # stored profile could not be screened
    skipped = models.PositiveIntegerField(default=0)  # closed (or reopened) meanwhile
    created_at = models.DateTimeField(auto_now_add=True)
    # When a batch last finished (or the sweeper last restarted the job's workers).
    progressed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Two starts at once (beat and a lead) make one job, not two.
            models.UniqueConstraint(
                fields=["state"], condition=Q(state="running"), name="one_running_rescreen_job"
            )
        ]

    def __str__(self) -> str:
        return f"re-screen {self.pk} ({self.ruleset_version}, {self.state})"


class RescreenBatchState(models.TextChoices):
    PENDING = "pending", "Pending"
    CLAIMED = "claimed", "Claimed"  # a worker is screening it (stale claims are taken over)
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"  # its job was superseded


class RescreenBatch(models.Model):
    job = models.ForeignKey(RescreenJob, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    case_ids = models.JSONField(default=list)
    state = models.CharField(
        max_length=20, choices=RescreenBatchState.choices, default=RescreenBatchState.PENDING
    )
    # Who holds the claim: the finishing update must still see this token, so a worker whose
    # claim went stale and was taken over writes nothing.
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    changed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="one_batch_number_per_job")
        ]
        indexes = [models.Index(fields=["job", "state", "number"], name="rescreen_batch_claim_idx")]

    def __str__(self) -> str:
        return f"batch {self.number} of job {self.job_id} ({self.state})"
