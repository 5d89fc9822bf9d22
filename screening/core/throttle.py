"""Rate and size limits counted in the cache (Redis when REDIS_URL is set), and the 429 page.

Each limit is a setting (README "Configuration", .env.example). Counts are per client address
(screening/core/addresses.py), or per draft or user where the caller passes its own key.
django-ratelimit counts events; the byte budget below counts bytes in fixed windows.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit.core import get_usage, is_ratelimited

from screening.core.addresses import client_key


def _key(key):
    # django-ratelimit takes "ip" or a callable(group, request) -> str.
    return "ip" if key is None else (lambda group, request: key)


def hit_limit(request, group: str, rate: str, *, key: str | None = None) -> bool:
    """Count one event for this address (or `key`) and say whether it is over `rate`."""
    return is_ratelimited(
        request, group=group, key=_key(key), rate=rate, method=ALL, increment=True
    )


def at_limit(request, group: str, rate: str, *, key: str | None = None) -> bool:
    """Whether this address (or `key`) has used up `rate` already, without counting an event.

    Used for guesses: the lookup is refused once the allowed number of failures is reached,
    and only a failed guess counts (hit_limit), so a person opening their own link repeatedly
    is never throttled."""
    usage = get_usage(request, group=group, key=_key(key), rate=rate, method=ALL, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def _counter(request, group: str, window_seconds: int):
    counts = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    window = int(time.time() // window_seconds)
    return counts, f"navigator-spend:{group}:{client_key(request)}:{window}"


def spend(request, group: str, amount: int, limit: int, window_seconds: int = 3600) -> bool:
    """Add `amount` (files, bytes) to this address's total for the current window.

    Returns False, adding nothing, when the total would go over `limit`. Counted in the rate
    limits' cache (RATELIMIT_USE_CACHE), in fixed windows."""
    if amount <= 0:
        return True
    counts, key = _counter(request, group, window_seconds)
    counts.add(key, 0, timeout=window_seconds + 60)
    try:
        total = counts.incr(key, amount)
    except ValueError:  # expired between add and incr
        counts.add(key, 0, timeout=window_seconds + 60)
        total = counts.incr(key, amount)
    if total > limit:
        counts.decr(key, amount)
        return False
    return True


def refund(request, group: str, amount: int, window_seconds: int = 3600) -> None:
    counts, key = _counter(request, group, window_seconds)
    try:
        counts.decr(key, amount)
    except ValueError:
        pass


def uploads_allowed(request, files) -> bool:
    """Per address and hour: at most UPLOADS_PER_HOUR files and UPLOAD_BYTES_PER_HOUR bytes
    (counted from what was sent, before any check). A refused upload is not counted."""
    files = list(files)
    size = sum(getattr(f, "size", 0) or 0 for f in files)
    if not spend(request, "upload-files", len(files), settings.UPLOADS_PER_HOUR):
        return False
    if not spend(request, "upload-bytes", size, settings.UPLOAD_BYTES_PER_HOUR):
        refund(request, "upload-files", len(files))
        return False
    return True


def too_many_requests(request, message: str, *, retry_after_seconds: int = 3600):
    """The friendly 429 page: what happened, that nothing was lost, and when to try again."""
    response = render(
        request,
        "429.html",
        {"message": message, "retry_minutes": max(1, retry_after_seconds // 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after_seconds)
    add_never_cache_headers(response)
    return response


def sign_in_rate_exceeded(request) -> bool:
    """LOGIN_RATE sign-in attempts (password or code steps) per address, before django-axes'
    lockout: it also slows someone spreading guesses over many usernames."""
    return hit_limit(request, "sign-in", settings.LOGIN_RATE)


def sign_in_rate_page(request):
    return too_many_requests(
        request,
        _("There were many sign-in attempts from your network, so signing in is paused."),
    )
