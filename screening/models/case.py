"""The case: one person's submitted intake, its screening state and its coordination."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from screening.rules.data.products import PRODUCTS


class CaseStatus(models.TextChoices):
    """The workflow; allowed moves are in screening/core/workflow.py."""

    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("Being screened")
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    IN_REVIEW = "in_review", _("In review")
    RECORDS_REQUESTED = "records_requested", _("Records requested")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = tuple(s for s in CaseStatus.values if s != CaseStatus.CLOSED)


class Outcome(models.TextChoices):
    REFERRED_FOR_TREATMENT = "referred_for_treatment", _("Referred for treatment")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DUPLICATE = "duplicate", _("Duplicate")


class Priority(models.IntegerChoices):
    # Lower sorts first: the queue orders by priority then due time.
    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    STANDARD = 3, _("Standard")


class SubmitterRole(models.TextChoices):
    PATIENT = "patient", _("The patient")
    FAMILY = "family", _("A relative or friend")
    CLINICIAN = "clinician", _("A referring clinician")


class Case(models.Model):
    # Public, non-sequential reference (screening/core/references.py), e.g. NAV-7K3M-Q9XD.
    reference = models.CharField(max_length=20, unique=True, editable=False)
    # The wizard's one-time submission key: a replayed or double-clicked submit finds the case
    # this key already created instead of creating a second one.
    submission_key = models.CharField(max_length=64, unique=True, editable=False)

    status = models.CharField(
        max_length=20, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED, db_index=True
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    priority = models.PositiveSmallIntegerField(
        choices=Priority.choices, default=Priority.STANDARD, db_index=True
    )
    priority_reason = models.CharField(max_length=300, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When screening was last asked for; the sweeper re-enqueues cases stuck past a threshold.
    screening_requested_at = models.DateTimeField(null=True, blank=True)
    first_reviewed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Who submitted, and how to reach them.
    submitter_role = models.CharField(max_length=20, choices=SubmitterRole.choices)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2 code"))
    # Countries the person said they would travel to for a trial (ISO codes; optional).
    travel_countries = models.JSONField(default=list, blank=True)
    # The language the person prefers to be spoken to in (any of Django's languages): for the
    # coordinator and an interpreter.
    language = models.CharField(max_length=10, help_text=_("Preferred language code"))
    # The language of the person's pages and emails: one of settings.LANGUAGES, the one they
    # read the form in, changed by the language switcher on their status page.
    interface_language = models.CharField(
        max_length=16, default="en", help_text=_("Language of the patient's pages and emails")
    )
    date_of_birth = models.DateField(null=True, blank=True)
    # Whom the case is about, as given ("The patient's name"), or the submitter's own name
    # when they are the patient; blank when a relative or clinician gave no name.
    patient_name = models.CharField(max_length=200, blank=True)

    # Consent, as agreed: the version of the text and when.
    consent_version = models.CharField(max_length=40)
    consented_at = models.DateTimeField()
    consent_processing = models.BooleanField(default=False)
    consent_sharing = models.BooleanField(default=False)
    consent_not_medical_advice = models.BooleanField(default=False)

    # A schema diagnosis code, or "unsure"; copied from the intake for filtering.
    disease = models.CharField(max_length=20, db_index=True)
    # The answers as submitted (JSON-safe), and the screening profile derived from them
    # (case-schema `patient` shape). The rules read `profile`; people read `intake`.
    intake = models.JSONField(default=dict)
    # The profile as derived from the answers (screening/intake/derivation.py, at the version
    # in derivation_version; blank when it was not derived from wizard answers, e.g. demo
    # data), and the profile the rules read: that one with the coordinators' active
    # amendments laid over it (screening/core/profile_fields.py). Only the amendment service
    # and the re-derivation write `profile`.
    intake_profile = models.JSONField(default=dict)
    derivation_version = models.CharField(max_length=40, blank=True)
    profile = models.JSONField(default=dict)

    latest_run = models.ForeignKey(
        "screening.ScreeningRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Denormalised one-liner for the queue, e.g. "Likely: Kymriah, Besponsa · Review: Blincyto".
    screening_summary = models.CharField(max_length=300, blank=True)
    document_count = models.PositiveIntegerField(default=0)
    # The trial catalogue version (screening/trials/matching.py) the case was last matched
    # against; open cases whose version differs are re-matched in batches.
    trials_matched_version = models.CharField(max_length=40, blank=True)
    # Products a re-screen made likely eligible that a coordinator has not acknowledged yet
    # (the queue's "newly likely" marker and filter), and when the latest of them did.
    newly_likely = models.JSONField(default=list, blank=True)
    newly_likely_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Coordination details, kept by coordinators.
    referring_physician = models.CharField(max_length=200, blank=True)
    referring_hospital = models.CharField(max_length=200, blank=True)
    treating_center_contacts = models.TextField(blank=True)
    target_center = models.CharField(max_length=200, blank=True)
    # The two contacts a summary can be emailed to (screening/summaries/contacts.py): the
    # referring physician (name above) and a contact at the treating or target center.
    referring_physician_email = models.EmailField(blank=True)
    referring_physician_role = models.CharField(max_length=100, blank=True)
    center_contact_name = models.CharField(max_length=200, blank=True)
    center_contact_email = models.EmailField(blank=True)
    center_contact_role = models.CharField(max_length=100, blank=True)
    travel_needs = models.TextField(blank=True)
    admission_needs = models.TextField(blank=True)
    interpreter_needed = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=10, blank=True)

    history = HistoricalRecords(
        excluded_fields=[
            "intake",
            "intake_profile",
            "profile",
            "updated_at",
            "trials_matched_version",
            "newly_likely",
            "newly_likely_at",
        ]
    )

    class Meta:
        indexes = [
            models.Index(fields=["status", "priority", "due_at"], name="case_queue_idx"),
            models.Index(fields=["assigned_to", "status"], name="case_assignee_idx"),
            # The coordinators' queue (screening/admin/queue.py): open cases by due time, read
            # in index order at any page depth; closed cases (most rows, over time) are not in
            # it. latest_run_id lets the product-verdict filter and its count read only this
            # index, never the wide case rows.
            models.Index(
                fields=["due_at", "id", "latest_run_id"],
                condition=~models.Q(status="closed"),
                name="case_open_queue_idx",
            ),
            # Narrow indexes the queue's search and country filter scan instead of the table
            # (id included so PostgreSQL answers from the index alone, as SQLite does).
            models.Index(
                fields=["first_name", "last_name", "patient_name", "id"], name="case_names_idx"
            ),
            models.Index(Upper("email"), name="case_email_upper_idx"),
            models.Index(fields=["country"], name="case_country_idx"),
        ]
        permissions = [
            ("change_any_case", "Can change cases assigned to anyone"),
            ("view_dashboard", "Can see the coordination dashboard"),
            ("view_accessrecords", "Can read the access log"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def newly_likely_brands(self) -> str:
        """The products a re-screen made likely eligible, by brand: "Abecma, Tecvayli"."""
        return ", ".join(PRODUCTS[key].brand for key in self.newly_likely or () if key in PRODUCTS)
