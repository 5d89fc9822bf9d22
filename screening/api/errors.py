"""Every API error in one shape: `{"errors": [{"field", "code", "message"}]}`.

`field` is the path of the offending input (`treatment.lines[1].end`, `[3].age_years`, a header
such as `Authorization`), or null when the problem is the request as a whole. `code` is stable
and machine-readable; `message` says what to do in plain words. Unexpected failures are logged
and answered in the same shape (a 500 never leaks a traceback).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)


def error(field: str | None, code: str, message: str) -> dict:
    return {"field": field, "code": code, "message": str(message)}


class ApiError(exceptions.APIException):
    """A refusal with its status and one or more field errors, raised from views."""

    def __init__(self, status_code: int, errors: list[dict], headers: dict | None = None):
        self.status_code = status_code
        self.errors = errors
        self.headers = headers or {}
        super().__init__(detail=errors[0]["message"] if errors else "")


def _join(prefix: str, key) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    if key in ("non_field_errors",):
        return prefix
    return f"{prefix}.{key}" if prefix else str(key)


def flatten(detail, prefix: str = "") -> list[dict]:
    """DRF's nested validation detail -> a flat list of errors with field paths and codes."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            found += flatten(value, _join(prefix, key))
        return found
    if isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail | str) for item in detail):
            return [
                error(prefix or None, getattr(item, "code", "invalid"), item) for item in detail
            ]
        found = []
        for index, item in enumerate(detail):
            if item:  # DRF marks valid list items with an empty dict
                found += flatten(item, _join(prefix, index))
        return found
    return [error(prefix or None, getattr(detail, "code", "invalid"), detail)]


_HEADER_FIELDS = {
    exceptions.NotAuthenticated: "Authorization",
    exceptions.AuthenticationFailed: "Authorization",
    exceptions.PermissionDenied: "Authorization",
    exceptions.UnsupportedMediaType: "Content-Type",
    exceptions.NotAcceptable: "Accept",
}


def api_exception_handler(exc, context):
    # Imported here: rest_framework.views loads the authentication classes, which use this module.
    from rest_framework.views import exception_handler

    if isinstance(exc, ApiError):
        return Response({"errors": exc.errors}, status=exc.status_code, headers=exc.headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        logger.exception("API error in %s", type(view).__name__ if view else "?", exc_info=exc)
        return Response(
            {"errors": [error(None, "server_error", "Something went wrong on our side.")]},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail)
    else:
        field = next((f for cls, f in _HEADER_FIELDS.items() if isinstance(exc, cls)), None)
        code = exc.get_codes() if hasattr(exc, "get_codes") else "error"
        errors = [error(field, code if isinstance(code, str) else "error", exc.detail)]
    response.data = {"errors": errors}
    return response


def json_error_response(status_code: int, field, code: str, message: str) -> JsonResponse:
    """For answers made outside DRF (URLs nobody serves, middleware limits)."""
    return JsonResponse({"errors": [error(field, code, message)]}, status=status_code)
