"""Idempotency keys: a request repeated with the same `Idempotency-Key` gets the first response.

The first response is stored in the same transaction as whatever the request created, so a
repeat either finds both or neither. The same key sent with a different request (another
endpoint, or another body) is refused rather than answered with the first request's response.
Records are kept for IDEMPOTENCY_DAYS; `purge_idempotency_records` removes older ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from screening.models import IdempotencyRecord, Organisation

IDEMPOTENCY_DAYS = 7
MAX_KEY_LENGTH = 255
_KEY_PATTERN = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces


class IdempotencyKeyError(ValueError):
    """A malformed key, or a key reused for a different request; the message says which."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not _KEY_PATTERN.match(key):
        raise IdempotencyKeyError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters "
            "without spaces, e.g. a UUID.",
            "invalid",
        )
    return key


def fingerprint(*parts) -> str:
    """A stable hash of what identifies a request (JSON-safe parts)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_response(
    organisation: Organisation, key: str, endpoint: str, request_fingerprint: str
) -> IdempotencyRecord | None:
    """The stored first response for this key, or None; raises if the key was used for
    another request."""
    record = IdempotencyRecord.objects.filter(organisation=organisation, key=key).first()
    if record is None:
        return None
    if record.endpoint != endpoint or record.fingerprint != request_fingerprint:
        raise IdempotencyKeyError(
            "This Idempotency-Key was already used for a different request. Use a new key for "
            "a new request; repeat a request only with exactly the same content.",
            "reused",
        )
    return record


def store_response(
    organisation: Organisation,
    key: str,
    endpoint: str,
    request_fingerprint: str,
    status_code: int,
    response: dict,
) -> IdempotencyRecord:
    """Keep the first response. Call inside the transaction that made what it reports; if
    another request with the same key got there first, that one's record is returned."""
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                organisation=organisation,
                key=key,
                endpoint=endpoint,
                fingerprint=request_fingerprint,
                status_code=status_code,
                response=response,
            )
    except IntegrityError:
        existing = stored_response(organisation, key, endpoint, request_fingerprint)
        if existing is None:
            raise
        return existing


def purge_idempotency_records(*, now: dt.datetime | None = None) -> int:
    """Delete records older than IDEMPOTENCY_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=IDEMPOTENCY_DAYS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
