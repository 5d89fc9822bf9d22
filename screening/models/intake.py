"""Intake drafts (save and resume), resume links, and the patient's private status tokens.

Tokens are never stored: only their sha256 (screening/core/tokens.py).
"""

from django.db import models


class IntakeDraft(models.Model):
    """An unfinished intake kept server-side, so a person can resume it from an emailed link."""

    # Random key held in the person's session; the wizard storage is keyed by it.
    key = models.CharField(max_length=64, unique=True)
    email = models.EmailField(blank=True)
    # The language the person reads the form in (one of settings.LANGUAGES), kept as they go:
    # the resume link is emailed in it and the case takes it when the form is sent.
    language = models.CharField(max_length=16, default="en")
    # The wizard's storage (step data, current step), JSON-safe.
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"draft {self.pk}"


class ResumeLink(models.Model):
    """A single-use, expiring link that restores a draft; only the token's hash is kept."""

    draft = models.ForeignKey(IntakeDraft, on_delete=models.CASCADE, related_name="resume_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"resume link for draft {self.draft_id}"


class StatusToken(models.Model):
    """The key to a person's own status page; revocable, stored hashed."""

    case = models.ForeignKey("screening.Case", on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"status token for case {self.case_id}"
