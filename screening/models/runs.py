"""Screening runs: what the rules said about a case, under which ruleset, for which profile."""

from django.db import models

from screening.rules.results import ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE


class ScreeningRun(models.Model):
    case = models.ForeignKey("screening.Case", on_delete=models.CASCADE, related_name="runs")
    ruleset_version = models.CharField(max_length=64)
    # The intake derivation that produced the profile screened (blank: not derived).
    derivation_version = models.CharField(max_length=40, blank=True)
    # sha256 of the canonical JSON of the profile screened.
    profile_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    trigger = models.CharField(max_length=20, default="submit")  # submit / rescreen / manual
    # Full explained results: product -> verdict, indications, criteria, missing, cautions.
    results = models.JSONField(default=dict)
    # Product -> verdict for this run, and what changed against the previous run.
    verdicts = models.JSONField(default=dict)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            # Idempotency: one run per case, ruleset and profile.
            models.UniqueConstraint(
                fields=["case", "ruleset_version", "profile_hash"], name="one_run_per_input"
            )
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.ruleset_version}"


class ProductVerdict(models.Model):
    """One row per product per run, so the queue can filter by product and verdict cheaply."""

    VERDICT_CHOICES = [
        (ELIGIBLE, "Likely eligible"),
        (NEEDS_REVIEW, "Needs review"),
        (NOT_ELIGIBLE, "Not eligible"),
    ]
    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="product_rows")
    case = models.ForeignKey("screening.Case", on_delete=models.CASCADE, related_name="+")
    product = models.CharField(max_length=20)
    verdict = models.CharField(max_length=20, choices=VERDICT_CHOICES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "product"], name="one_verdict_per_product")
        ]
        indexes = [models.Index(fields=["product", "verdict", "run"], name="verdict_filter_idx")]

    def __str__(self) -> str:
        return f"{self.product}: {self.verdict}"
