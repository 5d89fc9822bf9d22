"""The label watch (screening/labels/): each look at DailyMed, and each label found in a
version other than the one the rule data was checked against, for a lead to review."""

from django.conf import settings
from django.db import models

from screening.rules.data.products import PRODUCTS


class LabelCheck(models.Model):
    """One run of `check_labels`: where it asked and what it found for each product."""

    checked_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The DailyMed base URL asked, or "file <path>" for a saved response.
    source = models.CharField(max_length=300)
    # product key -> {"state": "unchanged" | "changed" | "failed", "detail": plain words,
    # "versions": [[set id, SPL version, published YYYY-MM-DD or null], ...]}
    outcomes = models.JSONField(default=dict)
    changed = models.PositiveSmallIntegerField(default=0)
    failed = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"label check {self.checked_at:%Y-%m-%d %H:%M}"


class LabelChange(models.Model):
    """A label DailyMed publishes in another version than the rule data's: recorded once per
    product, set id and version, reviewed by a lead (the rules never change by themselves)."""

    product = models.CharField(max_length=20)
    label_name = models.CharField(max_length=200)
    set_id = models.CharField(max_length=36)
    # What the rule data says (screening/rules/data/labels.py); None: no version recorded.
    recorded_version = models.PositiveIntegerField(null=True, blank=True)
    recorded_revised = models.CharField(max_length=10, blank=True)  # "YYYY-MM" or "YYYY"
    # What DailyMed says now.
    current_version = models.PositiveIntegerField()
    current_published = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)  # DailyMed's title of that SPL
    url = models.URLField(max_length=300)
    # Why it is a change, in plain words ("version 7 (published 2026-11-20) instead of 6").
    summary = models.CharField(max_length=300)
    label_check = models.ForeignKey(
        LabelCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    detected_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-detected_at", "product"]
        constraints = [
            # A change is recorded (and emailed) once, however often the watch runs.
            models.UniqueConstraint(
                fields=["product", "set_id", "current_version"], name="one_change_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label_name}: {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.reviewed_at is None

    @property
    def brand(self) -> str:
        product = PRODUCTS.get(self.product)
        return product.brand if product else self.product
