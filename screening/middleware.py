"""Refuse a request that is too large with a friendly page, before reading its body."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from screening.documents.uploads import (
    ALLOWED_EXTENSIONS_TEXT,
    MAX_FILES_PER_CASE,
    max_upload_bytes,
)

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def too_large_response(request, reason: str):
    """The 413 page: what the limits are and what to do, in plain words."""
    context = {
        "reason": reason,
        "max_file": filesizeformat(max_upload_bytes()),
        "max_request": filesizeformat(settings.MAX_REQUEST_BYTES),
        "max_files": MAX_FILES_PER_CASE,
        "file_types": ALLOWED_EXTENSIONS_TEXT,
    }
    response = render(request, "413.html", context, status=413)
    response["Cache-Control"] = "no-store"
    # Set here because this answer skips CommonMiddleware: with a length the client knows the
    # page is complete while the rest of its upload is still unread.
    response["Content-Length"] = str(len(response.content))
    return response


class RequestSizeLimitMiddleware:
    """MAX_REQUEST_BYTES is checked on Content-Length, so a 1 GB post costs nothing to refuse.

    Forms are then parsed here, before any view or the CSRF check, so Django's own limits
    (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FILES/FIELDS) end on the same page
    instead of a bare 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return too_large_response(request, "request")
        if request.method == "POST" and request.content_type in FORM_TYPES:
            try:
                request.POST  # noqa: B018 - parse now, so the limits are met here
                request.FILES  # noqa: B018
            except RequestDataTooBig:
                return too_large_response(request, "fields")
            except (TooManyFilesSent, TooManyFieldsSent):
                return too_large_response(request, "count")
        return self.get_response(request)
