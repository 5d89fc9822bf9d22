"""Uploaded reports. Bytes live in private storage under random names; never served directly."""

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _


class _PrivateStorage(LazyObject):
    # Resolved lazily so tests that override STORAGES get their throwaway folder.
    def _setup(self):
        self._wrapped = storages["default"]


private_storage = _PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    # Once resolved, the lazy object keeps its storage; an override of STORAGES (the tests'
    # throwaway folder) must be seen even if something touched the storage before it.
    if setting == "STORAGES":
        private_storage._wrapped = empty


def _private_storage():
    return private_storage


class DocumentCategory(models.TextChoices):
    PATHOLOGY = "pathology", _("Pathology report")
    FLOW_CYTOMETRY = "flow_cytometry", _("Flow cytometry report")
    CYTOGENETICS = "cytogenetics", _("Cytogenetics or molecular report")
    IMAGING = "imaging", _("Imaging report")
    LABS = "labs", _("Lab results")
    TREATMENT_SUMMARY = "treatment_summary", _("Treatment summary")
    OTHER = "other", _("Other")


class ScanStatus(models.TextChoices):
    NOT_SCANNED = "not_scanned", _("Not scanned (no scanner configured)")
    PENDING = "pending", _("Waiting for virus scan")
    CLEAN = "clean", _("Scanned: clean")
    QUARANTINED = "quarantined", _("Quarantined")


class TextStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for text extraction")
    EXTRACTED = "extracted", _("Text extracted")
    # An image or a scan whose OCR found nothing it could read; text_detail says why.
    NO_TEXT = "no_text", _("No readable text")
    UNREADABLE = "unreadable", _("Unreadable")


class Document(models.Model):
    # Null while the file belongs to an intake draft that has not been submitted yet.
    case = models.ForeignKey(
        "screening.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    draft = models.ForeignKey(
        "screening.IntakeDraft",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    category = models.CharField(max_length=30, choices=DocumentCategory.choices)
    # The uploader's file name, cleaned of any path; shown to people, never used on disk.
    original_name = models.CharField(max_length=255)
    # What is stored and downloaded: images encoded again from their pixels, PDFs cleaned of
    # active content (screening/documents/sanitise.py).
    file = models.FileField(storage=_private_storage, max_length=200)
    # The PDF as received, kept only when its active content was removed and KEEP_ORIGINAL_PDFS
    # is on. No view serves it.
    original_file = models.FileField(storage=_private_storage, max_length=200, blank=True)
    # What was removed from the PDF ("javascript launch ..."; sanitise.REMOVABLE), or empty.
    removed_content = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=50)  # detected from the bytes
    uploaded_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=20, default="intake")  # intake / status_page / staff

    scan_status = models.CharField(
        max_length=20, choices=ScanStatus.choices, default=ScanStatus.PENDING
    )
    scan_detail = models.CharField(max_length=200, blank=True)
    text_status = models.CharField(
        max_length=20, choices=TextStatus.choices, default=TextStatus.PENDING
    )
    text_detail = models.CharField(max_length=200, blank=True)
    extracted_text = models.TextField(blank=True)
    # Mean word confidence (0-100) when the text was read by OCR; null for a PDF's text layer.
    text_confidence = models.FloatField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["category", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def downloadable(self) -> bool:
        """Whether its bytes may be handed to a permitted user: never quarantined or still
        waiting for the scan; never scanned (no scanner configured) only where
        ALLOW_UNSCANNED_DOWNLOADS says so, which is off by default when DEBUG is off."""
        if self.scan_status in (ScanStatus.QUARANTINED, ScanStatus.PENDING):
            return False
        if self.scan_status == ScanStatus.NOT_SCANNED:
            return bool(getattr(settings, "ALLOW_UNSCANNED_DOWNLOADS", False))
        return True
