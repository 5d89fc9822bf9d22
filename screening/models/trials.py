"""Investigational programs: studies imported from ClinicalTrials.gov, their sites, and which
open cases each one matches (screening/trials/)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from screening.rules.trials.category import CATEGORIES
from screening.rules.trials.ctgov import OVERALL_STATUSES
from screening.rules.trials.matcher import ELIGIBLE, NEEDS_REVIEW
from screening.rules.trials.record import RegistryNames


class Trial(RegistryNames, models.Model):
    """One registry study, as last imported. Never deleted: a study that stops recruiting is
    marked (`overall_status`, `recruiting_ended_at`) and stays for the history of matches."""

    STATUS_CHOICES = sorted((s, s.replace("_", " ").capitalize()) for s in OVERALL_STATUSES)

    nct_id = models.CharField(max_length=11, unique=True)
    title = models.CharField(max_length=500, blank=True)
    official_title = models.TextField(blank=True)
    acronym = models.CharField(max_length=100, blank=True)
    overall_status = models.CharField(max_length=30, choices=STATUS_CHOICES, db_index=True)
    last_known_status = models.CharField(max_length=30, blank=True)
    why_stopped = models.TextField(blank=True)
    study_type = models.CharField(max_length=20, blank=True)
    phases = models.JSONField(default=list, blank=True)
    conditions = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    browse_terms = models.JSONField(default=list, blank=True)
    # [{"type", "name", "other_names", "description"}]
    interventions = models.JSONField(default=list, blank=True)
    # The registry's text ("18 Years"); empty = no limit.
    minimum_age = models.CharField(max_length=40, blank=True)
    maximum_age = models.CharField(max_length=40, blank=True)
    sex = models.CharField(max_length=10, default="ALL")
    healthy_volunteers = models.BooleanField(null=True, blank=True)
    eligibility_text = models.TextField(blank=True)
    sponsor = models.CharField(max_length=300, blank=True)
    sponsor_class = models.CharField(max_length=20, blank=True)
    collaborators = models.JSONField(default=list, blank=True)
    # As the registry gives it: YYYY-MM-DD or YYYY-MM.
    last_update = models.CharField(max_length=10, blank=True)
    category = models.CharField(
        max_length=20, choices=sorted(CATEGORIES.items()), default="other", db_index=True
    )
    # sha256 of the record as stored: an import that brings the same content changes nothing.
    content_hash = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    recruiting_ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["nct_id"]

    def __str__(self) -> str:
        return self.nct_id


class TrialSite(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites")
    facility = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    # ISO 3166-1 alpha-2 read from `country`; empty when the name could not be read.
    country_code = models.CharField(max_length=2, blank=True, db_index=True)
    status = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["trial", "pk"]

    def __str__(self) -> str:
        return f"{self.facility}, {self.city}, {self.country}"


class TrialMatch(models.Model):
    """A trial that matches a case (possible match) or needs review for it. Trials that do not
    match are not stored: pages read these rows, re-matching keeps them current."""

    VERDICT_CHOICES = [(ELIGIBLE, _("Possible match")), (NEEDS_REVIEW, _("Needs review"))]

    case = models.ForeignKey(
        "screening.Case", on_delete=models.CASCADE, related_name="trial_matches"
    )
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="matches")
    verdict = models.CharField(max_length=20, choices=VERDICT_CHOICES)
    matched_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "trial"], name="one_match_per_case_trial")
        ]
        indexes = [models.Index(fields=["trial", "verdict"], name="trial_match_trial_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} × {self.trial_id}: {self.verdict}"
