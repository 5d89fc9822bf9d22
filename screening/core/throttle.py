"""Rate and size limits counted in the cache (Redis when REDIS_URL is set), and the 429 page.

Each limit is a setting (README "Configuration", .env.example). Counts are per client address
(screening/core/addresses.py), or per draft or user where the caller passes its own key.
django-ratelimit counts events; the byte budget below counts bytes in fixed windows.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

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
    """Whether this address (or `key`) is already over `rate`, without counting an event.

    Used for guesses: the lookup is refused while over the limit, and only a failed guess
    counts (hit_limit), so a person opening their own link repeatedly is never throttled."""
    return is_ratelimited(
        request, group=group, key=_key(key), rate=rate, method=ALL, increment=False
    )


def spend_bytes(request, group: str, amount: int, limit: int, window_seconds: int) -> bool:
    """Add `amount` bytes to this address's total for the current window.

    Returns False, adding nothing, when the total would go over `limit`."""
    if amount <= 0:
        return True
    window = int(time.time() // window_seconds)
    cache_key = f"bytes:{group}:{client_key(request)}:{window}"
    cache.add(cache_key, 0, timeout=window_seconds + 60)
    try:
        total = cache.incr(cache_key, amount)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 0, timeout=window_seconds + 60)
        total = cache.incr(cache_key, amount)
    if total > limit:
        cache.decr(cache_key, amount)
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
