"""Facts read from uploaded reports: proposals a coordinator accepts or dismisses.

Nothing here changes a case's profile. Accepting a proposal is done by the case file (it
becomes an amendment with the document as its source); a proposal only records what the
extractor read, where (quote and page) and what a person decided about it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from screening.models.documents import ScanStatus


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class FactProposalQuerySet(models.QuerySet):
    def visible(self):
        """Proposals people may see: a quarantined document's proposals disappear with it
        (a deleted document takes its proposals along by cascade)."""
        return self.exclude(document__scan_status=ScanStatus.QUARANTINED)

    def open(self):
        return self.visible().filter(state=ProposalState.PROPOSED)


class FactProposal(models.Model):
    document = models.ForeignKey(
        "screening.Document", on_delete=models.CASCADE, related_name="fact_proposals"
    )
    case = models.ForeignKey(
        "screening.Case", on_delete=models.CASCADE, related_name="fact_proposals"
    )
    # A dotted case-schema path: "biomarkers.cd22_positive", "mrd_percent".
    field = models.CharField(max_length=60)
    value = models.JSONField()
    # The sentence or table row the value was read from, and its page (null: no pages, e.g.
    # a text file given to the command).
    quote = models.TextField()
    page = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The extractor version that read it (screening.documents.facts.EXTRACTOR_VERSION).
    extractor_version = models.CharField(max_length=20, blank=True)

    objects = FactProposalQuerySet.as_manager()

    class Meta:
        constraints = [
            # Idempotency: re-processing a document never adds a second proposal per field.
            models.UniqueConstraint(fields=["document", "field"], name="one_proposal_per_field")
        ]
        indexes = [models.Index(fields=["case", "state"], name="proposal_case_state_idx")]
        ordering = ["document_id", "field"]

    def __str__(self) -> str:
        return f"{self.field} = {self.value!r} ({self.get_state_display()})"
