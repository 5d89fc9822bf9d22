"""The languages of the patient side: which are offered, and what a code falls back to.

Navigator's pages and emails for patients and families are in settings.LANGUAGES (English,
Spanish, Simplified Chinese). A code that is not offered (a stale cookie, a browser asking for
French, a tampered form) falls back to English, never to an error. Staff pages stay English.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

# Paths whose pages are for staff or machines: always in settings.LANGUAGE_CODE.
STAFF_PATH_PREFIXES = ("/admin/", "/api/")


def offered_language(code: str | None) -> str:
    """The offered language for `code` ("es-MX" → "es", "zh-CN" → "zh-hans"), else English."""
    if code:
        try:
            return translation.get_supported_language_variant(str(code).strip().lower())
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


def is_offered(code: str | None) -> bool:
    return bool(code) and code in dict(settings.LANGUAGES)


def request_language(request) -> str:
    """The language a request is answered in before any draft or case is known: staff pages in
    English; otherwise the person's choice (the language cookie), else their browser's
    Accept-Language, else English."""
    if request.path_info.startswith(STAFF_PATH_PREFIXES):
        return settings.LANGUAGE_CODE
    return translation.get_language_from_request(request)


def activate_language(request, code: str | None) -> str:
    """Answer this request in `code` (an offered language, else English) from here on: pages
    about one draft or case use its language whatever the browser says."""
    language = offered_language(code)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def remember_language_choice(response, language: str) -> None:
    """Set the language cookie on `response`: this browser keeps `language` from now on."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
