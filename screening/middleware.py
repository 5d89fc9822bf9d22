"""Request-edge protections: refuse a request that is too large with a friendly page before
reading its body; end idle staff sessions; answer in the person's language."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from screening.core.languages import (
    STAFF_PATH_PREFIXES,
    activate_language,
    offered_language,
    remember_language_choice,
    request_language,
)
from screening.documents.uploads import (
    ALLOWED_EXTENSIONS_TEXT,
    max_files_per_case,
    max_upload_bytes,
)
from screening.views import remember_language

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def too_large_response(request, reason: str):
    """The 413 page: what the limits are and what to do, in plain words (JSON under /api/)."""
    if request.path.startswith("/api/"):
        from screening.api.errors import json_error_response

        response = json_error_response(
            413,
            None,
            "too_large",
            f"The request is over the limit ({filesizeformat(settings.MAX_REQUEST_BYTES)} in "
            f"all, {filesizeformat(max_upload_bytes())} a file). Nothing was saved.",
        )
        response["Content-Length"] = str(len(response.content))
        return response
    context = {
        "reason": reason,
        "max_file": filesizeformat(max_upload_bytes()),
        "max_request": filesizeformat(settings.MAX_REQUEST_BYTES),
        "max_files": max_files_per_case(),
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


class StaffIdleTimeoutMiddleware:
    """Signs a staff member out after STAFF_IDLE_TIMEOUT seconds without a request, and makes
    their session cookie end with the browser (HIPAA §164.312(a)(2)(iii), automatic logoff).

    Only signed-in users are affected: a patient's intake draft keeps its own two-week life.
    The last request's time is written at most every IDLE_WRITE_EVERY seconds, so a page full
    of requests does not write the session each time; the limit is exact to that much.
    """

    IDLE_WRITE_EVERY = 30
    SESSION_KEY = "navigator_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.SESSION_KEY)
            if last_seen is not None and now - int(last_seen) > settings.STAFF_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity.")
                    % {"minutes": settings.STAFF_IDLE_TIMEOUT // 60},
                )
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if last_seen is None or now - int(last_seen) >= self.IDLE_WRITE_EVERY:
                request.session[self.SESSION_KEY] = now
            if not request.session.get_expire_at_browser_close():
                request.session.set_expiry(0)
        return self.get_response(request)


class PrivateByDefaultMiddleware:
    """Every answer Navigator writes is `Cache-Control: no-store` unless its view set its own
    caching: almost every page shows someone's data (intake steps and review, status pages,
    the admin), and a page that does not costs nothing to fetch again. Static files are served
    by whitenoise above this middleware and keep their long-lived caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class PatientLanguageMiddleware:
    """Every request is answered in one language of settings.LANGUAGES (screening/core/
    languages.py): staff pages in English; other pages in the person's choice, else their
    browser's, else English. Views of one draft or case switch to its language
    (`activate_language`). Above the request-size check, so its 413 page is in the person's
    language too, and never left to the previous request's thread.

    The language switcher's links (`?lang=es` on the same page) choose: the page is answered in
    that language (a code we do not offer is English), the browser keeps it in a cookie, and the
    draft or case the page is about keeps it too (screening.views.remember_language).
    """

    PARAMETER = "lang"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        staff = request.path_info.startswith(STAFF_PATH_PREFIXES)
        request.is_staff_page = staff  # English only: no language switcher there
        chosen = None if staff else request.GET.get(self.PARAMETER)
        request.chosen_language = offered_language(chosen) if chosen is not None else None
        activate_language(request, request.chosen_language or request_language(request))
        response = self.get_response(request)
        if request.chosen_language:
            remember_language_choice(response, request.chosen_language)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.chosen_language:
            remember_language(request, request.chosen_language)
