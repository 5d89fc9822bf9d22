"""Where a request came from: one answer for the access log, rate limits and sign-in lockout.

Behind our TLS proxy (SECURE_PROXY_SSL_HEADER on) every request's REMOTE_ADDR is the proxy's;
the last X-Forwarded-For entry is the one that proxy added (earlier entries are whatever the
client sent, so they are never trusted).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

# Bandit B104: a counting key for unparsable addresses, never an address to bind to.
UNKNOWN_ADDRESS = "0.0.0.0"  # nosec B104


def client_address(request) -> str | None:
    """The client's IP address, or None if what we were given is not an IP address."""
    candidate = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        last = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        candidate = last or candidate
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_key(request) -> str:
    """The address as a counting key (rate limits, lockout): never empty, so requests without
    a readable address share one bucket rather than escaping every limit."""
    return client_address(request) or UNKNOWN_ADDRESS
