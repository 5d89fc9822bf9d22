"""Referring organisations' API keys: make one (shown once), find one, revoke one.

A key reads `nav_<8 characters>_<43 characters>`: 256 random bits after a short prefix that
people can use to tell keys apart. Only its SHA-256 is stored, so a leaked database does not
leak working keys and a lost key cannot be shown again: a lead makes a new one and revokes the
old. A key carries the scopes it was given, limited at every call to those its organisation
still allows.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from screening.core.references import hash_token
from screening.models import ApiKey, Organisation, Scope

SCOPES = tuple(Scope.values)
KEY_PREFIX = "nav_"


class ApiKeyError(ValueError):
    """A key request that cannot be met; the message says why in plain words."""


@dataclass(frozen=True)
class NewKey:
    """A key just made: `secret` is the only time the key itself exists outside the caller."""

    key: ApiKey
    secret: str


def parse_scopes(text_or_list) -> list[str]:
    """'screen,cases:read' or a list -> the scopes, checked and in a stable order."""
    if isinstance(text_or_list, str):
        items = [part.strip() for part in text_or_list.split(",")]
    else:
        items = [str(part).strip() for part in text_or_list or ()]
    items = [item for item in items if item]
    unknown = sorted(set(items) - set(SCOPES))
    if unknown:
        raise ApiKeyError(
            f"Unknown scope(s): {', '.join(unknown)}. Scopes are: {', '.join(SCOPES)}."
        )
    if not items:
        raise ApiKeyError(f"Give at least one scope: {', '.join(SCOPES)}.")
    return [scope for scope in SCOPES if scope in items]


def new_secret() -> tuple[str, str]:
    """(key, prefix) for a new random key."""
    head = secrets.token_hex(4)
    return f"{KEY_PREFIX}{head}_{secrets.token_urlsafe(32)}", f"{KEY_PREFIX}{head}"


def create_api_key(organisation: Organisation, scopes, *, name: str = "", by=None) -> NewKey:
    """A new key for the organisation with these scopes (each one the organisation allows)."""
    scopes = parse_scopes(scopes)
    refused = [scope for scope in scopes if scope not in (organisation.allowed_scopes or ())]
    if refused:
        raise ApiKeyError(
            f"{organisation.name} is not allowed the scope(s) {', '.join(refused)}; "
            f"it allows: {', '.join(organisation.allowed_scopes or ()) or 'none'}."
        )
    secret, prefix = new_secret()
    key = ApiKey.objects.create(
        organisation=organisation,
        name=(name or "")[:100],
        prefix=prefix,
        key_hash=hash_token(secret),
        scopes=scopes,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    return NewKey(key, secret)


def create_organisation_key(
    organisation_name: str, scopes, *, name: str = "", by=None
) -> tuple[Organisation, NewKey, bool]:
    """The command line's way in: the organisation is made (allowing these scopes) if it does
    not exist yet; an existing one must already allow them. Returns (organisation, key,
    created)."""
    organisation_name = (organisation_name or "").strip()
    if not organisation_name:
        raise ApiKeyError("Give the organisation's name.")
    scopes = parse_scopes(scopes)
    with transaction.atomic():
        organisation, created = Organisation.objects.get_or_create(
            name=organisation_name, defaults={"allowed_scopes": scopes}
        )
        return organisation, create_api_key(organisation, scopes, name=name, by=by), created


def revoke_api_key(key: ApiKey, *, by=None) -> bool:
    """Revoke the key now; False if it was already revoked."""
    revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(),
        revoked_by=by if by is not None and by.is_authenticated else None,
    )
    if revoked:
        key.refresh_from_db()
    return bool(revoked)


def find_api_key(secret: str) -> ApiKey | None:
    """The key row for a presented secret (revoked or not), or None if nobody made it."""
    if not secret or len(secret) > 200 or not secret.startswith(KEY_PREFIX):
        return None
    return ApiKey.objects.select_related("organisation").filter(key_hash=hash_token(secret)).first()


def effective_scopes(key: ApiKey) -> frozenset[str]:
    """What the key may do now: its own scopes that its organisation still allows."""
    return frozenset(key.scopes or ()) & frozenset(key.organisation.allowed_scopes or ())


def note_key_used(key: ApiKey, *, every_seconds: int = 60) -> None:
    """Stamp last_used_at, at most once a minute per key (a write per call would be waste)."""
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() >= every_seconds:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
