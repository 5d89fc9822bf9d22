"""Who is calling: an organisation's API key, its scopes, and its rate limit.

`Authorization: Bearer nav_…` names the key. An unknown key, a revoked key and a key of an
inactive organisation are refused with 401 and a code saying which; a key without the scope an
endpoint needs gets 403 (`missing_scope`). Every call counts against its key's rate limit
(API_RATE_LIMIT, django-ratelimit in the shared cache); calls with no valid key count against
the client's address, so guessing keys is throttled too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from screening.api.errors import ApiError, error
from screening.core.api_keys import effective_scopes, find_api_key, note_key_used
from screening.models import ApiKey, Organisation


@dataclass(frozen=True)
class ApiClient:
    """The caller of an API request (DRF's request.auth). request.user stays anonymous: no
    person signed in, and nothing (the change history included) may take the key for one."""

    key: ApiKey
    organisation: Organisation
    scopes: frozenset[str]


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != self.keyword.lower().encode() or len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the key as 'Authorization: Bearer <key>'.", code="invalid_header"
            )
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                "This API key is not valid.", code="invalid_key"
            ) from None
        key = find_api_key(secret)
        if key is None:
            raise exceptions.AuthenticationFailed("This API key is not valid.", code="invalid_key")
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                f"This API key was revoked on {key.revoked_at:%Y-%m-%d}. Ask Navigator for a "
                "new one.",
                code="revoked_key",
            )
        if not key.organisation.active:
            raise exceptions.AuthenticationFailed(
                "This organisation's access is suspended. Contact Navigator.",
                code="organisation_inactive",
            )
        note_key_used(key)
        return AnonymousUser(), ApiClient(key, key.organisation, effective_scopes(key))

    def authenticate_header(self, request):
        return self.keyword


class HasScope(BasePermission):
    """The view's `required_scope` (one scope, or {method: scope}) must be on the key."""

    def has_permission(self, request, view):
        needed = getattr(view, "required_scope", None)
        if isinstance(needed, dict):
            needed = needed.get(request.method)
        if needed is None:
            return True
        client = request.auth
        if not isinstance(client, ApiClient):
            raise exceptions.NotAuthenticated(
                "Send an API key: 'Authorization: Bearer <key>'.", code="not_authenticated"
            )
        if needed not in client.scopes:
            raise exceptions.PermissionDenied(
                f"This key does not have the scope '{needed}'.", code="missing_scope"
            )
        return True


def _client_address(group, request) -> str:
    from screening.triage.access import client_address

    return f"ip:{client_address(request) or '-'}"


def check_rate_limit(request, client: ApiClient | None) -> None:
    """Count this call; raise a 429 ApiError when its key (or address) is over the limit."""
    rate = settings.API_RATE_LIMIT
    if client is not None:
        key_id = client.key.pk

        def key(group, request):
            return f"key:{key_id}"
    else:
        key = _client_address
    usage = get_usage(request, group="api", key=key, rate=rate, method=ALL, increment=True)
    if usage is not None and usage["should_limit"]:
        raise ApiError(
            429,
            [error(None, "rate_limited", f"Too many requests: at most {rate}. Try again later.")],
            headers={"Retry-After": str(max(1, int(usage["time_left"])))},
        )
