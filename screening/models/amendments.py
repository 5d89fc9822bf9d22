"""Amendments: a coordinator's change to one field of a case's screening profile, with its
source. The profile the rules read is the intake profile with the active amendments laid
over it (screening/core/profile_fields.py); nothing is ever overwritten in place, and a
withdrawal is recorded on the amendment rather than deleting it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AmendmentSource(models.TextChoices):
    DOCUMENT = "document", _("A document of the case")
    TREATING_TEAM = "treating_team", _("The treating team (a call or a letter)")
    PATIENT = "patient", _("The patient (or the person who filled in the form)")


class ContactMethod(models.TextChoices):
    CALL = "call", _("Call")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")


class Amendment(models.Model):
    case = models.ForeignKey("screening.Case", on_delete=models.CASCADE, related_name="amendments")
    # Dotted schema path, e.g. "biomarkers.cd22_positive".
    field = models.CharField(max_length=60)
    # The value the profile had just before (intake and earlier amendments) and the new one;
    # JSON null is "unknown".
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)

    source = models.CharField(max_length=20, choices=AmendmentSource.choices)
    # A document of the case. Kept as words too (source_label), so the record still reads if
    # the file is later deleted.
    document = models.ForeignKey(
        "screening.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="amendments",
    )
    page = models.PositiveIntegerField(null=True, blank=True)
    # Who at the treating team (or which relative) said so, how and when.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_method = models.CharField(max_length=10, choices=ContactMethod.choices, blank=True)
    contact_date = models.DateField(null=True, blank=True)
    # The source in words, e.g. "flow cytometry report of 2026-11-30, p. 1".
    source_label = models.CharField(max_length=300)
    # The sentence the value was read from, when a proposal from a report was accepted.
    quote = models.TextField(blank=True)
    note = models.TextField(blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "field"], name="amendment_case_field_idx")]

    def __str__(self) -> str:
        return f"{self.field} on case {self.case_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
