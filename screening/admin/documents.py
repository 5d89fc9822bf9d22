"""Uploaded documents: a read-only list, and the only way to get a file's bytes, the
permission-checked download (as an attachment, nosniff, never a quarantined file)."""

from __future__ import annotations

import unicodedata

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from screening.admin.access_log import record_list_page
from screening.admin.read_only import ReadOnlyAdmin
from screening.models import AccessRecord, Document, ScanStatus
from screening.triage import access

EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
DOWNLOAD_MAX_NAME = 100


def safe_download_name(document: Document) -> str:
    """The uploader's name, made harmless for a Content-Disposition header and a file system:
    no folders, quotes, control or format characters; ending in the extension of the type
    detected from the bytes."""
    name = unicodedata.normalize("NFKC", document.original_name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(ch).startswith("C") else "_" if ch in '"<>:|?*;' else ch
        for ch in name
    )
    name = " ".join(name.split()).strip(" .") or "document"
    extension = EXTENSIONS.get(document.content_type, "")
    stem = name[: -len(extension)] if extension and name.lower().endswith(extension) else name
    if extension == ".jpg" and stem.lower().endswith(".jpeg"):
        stem = stem[:-5]
    stem = stem[: DOWNLOAD_MAX_NAME - len(extension)].rstrip(" .") or "document"
    return stem + extension


def _unavailable(request, document, message, status):
    return TemplateResponse(
        request,
        "admin/screening/document/unavailable.html",
        {
            **admin.site.each_context(request),
            "title": _("File not available"),
            "document": document,
            "message": message,
            "case_url": reverse("admin:screening_case_change", args=[document.case_id])
            if document.case_id
            else None,
        },
        status=status,
    )


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = (
        "original_name",
        "case_reference",
        "category",
        "size_display",
        "scan_status",
        "text_status",
        "uploaded_at",
        "download_link",
    )
    list_filter = ("category", "scan_status", "text_status")
    search_fields = ("case__reference", "original_name")
    list_select_related = ("case",)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 100

    def get_queryset(self, request):
        queryset = super().get_queryset(request).filter(case__isnull=False)
        if not access.is_staff_member(request.user):
            return queryset.none()
        return queryset.filter(case__in=access.visible_cases(request.user))

    def has_module_permission(self, request):
        return access.is_staff_member(request.user) and request.user.has_perm(
            "screening.view_document"
        )

    def changelist_view(self, request, extra_context=None):
        # File names often carry the person's name: the list is in the access log.
        response = super().changelist_view(request, extra_context)
        return record_list_page(
            request, response, AccessRecord.Action.LIST_DOCUMENTS, lambda row: row.case_id
        )

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return access.can_view_document(request.user, obj)

    @admin.display(description=gettext_lazy("Case"), ordering="case__reference")
    def case_reference(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:screening_case_change", args=[obj.case_id]),
            obj.case.reference,
        )

    @admin.display(description=gettext_lazy("Size"), ordering="size")
    def size_display(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description=gettext_lazy("File"))
    def download_link(self, obj):
        if not obj.downloadable:
            return obj.get_scan_status_display()
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:screening_document_download", args=[obj.pk]),
            _("Download"),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A document is read on its case page (with the case's access record); go there.
        document = self.get_object(request, object_id)
        if document is None or not self.has_view_permission(request, document):
            raise Http404(_("No such document, or not one you can see."))
        url = reverse("admin:screening_case_change", args=[document.case_id])
        return HttpResponseRedirect(f"{url}#document-{document.pk}")

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="screening_document_download",
            ),
        ] + super().get_urls()

    def download_view(self, request, pk):
        """Stream one file to a permitted user, and log it (exactly one access record)."""
        document = Document.objects.select_related("case").filter(pk=pk, case__isnull=False).first()
        if document is None:
            raise Http404(_("No such document."))
        if not access.can_view_document(request.user, document):
            raise PermissionDenied
        if document.scan_status == ScanStatus.QUARANTINED:
            return _unavailable(
                request,
                document,
                _(
                    "This file is quarantined: the virus scan flagged it, so it cannot be "
                    "downloaded. Ask the patient for a clean copy."
                ),
                403,
            )
        if document.scan_status == ScanStatus.PENDING:
            return _unavailable(
                request,
                document,
                _("This file is still waiting for its virus scan. Try again in a minute."),
                409,
            )
        if not document.downloadable:
            return _unavailable(
                request,
                document,
                _(
                    "This file was not virus-scanned (no scanner is configured), so it cannot "
                    "be downloaded. Its text, where it has one, is on the case page; an "
                    "administrator can configure a scanner (CLAMD_SOCKET)."
                ),
                403,
            )
        try:
            handle = document.file.open("rb")
        except (FileNotFoundError, OSError, ValueError):
            return _unavailable(
                request,
                document,
                _(
                    "The stored file is missing. The upload record is kept; ask the patient "
                    "to send it again."
                ),
                404,
            )
        access.record_access(
            request.user, AccessRecord.Action.DOWNLOAD, document=document, request=request
        )
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=safe_download_name(document),
            content_type=document.content_type
            if document.content_type in EXTENSIONS
            else "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        # Should a browser render it anyway, it runs nothing and loads nothing.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
        return response
