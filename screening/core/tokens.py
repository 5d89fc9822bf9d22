"""Status-page tokens: issue one per case, find the case for a token, revoke them."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from screening.core.references import hash_token, new_token
from screening.models import Case, StatusToken


def issue_status_token(case: Case) -> str:
    """Create a token for the case's private status page and return it (shown once)."""
    token = new_token()
    StatusToken.objects.create(case=case, token_hash=hash_token(token))
    return token


def issue_status_tokens(cases) -> dict[int, str]:
    """One new status-page token per case, stored in one insert: case id → token (shown once)."""
    tokens = {case.pk: new_token() for case in cases}
    StatusToken.objects.bulk_create(
        StatusToken(case_id=case_id, token_hash=hash_token(token))
        for case_id, token in tokens.items()
    )
    return tokens


def status_path(token: str) -> str:
    """The path of the case's private status page for this token (/status/<token>/)."""
    return reverse("status", args=[token])


def status_page_url(token: str) -> str:
    """Absolute link to the private status page, for emails."""
    return settings.SITE_URL + status_path(token)


def find_case_by_status_token(token: str) -> Case | None:
    """The case a live token opens, or None for an unknown or revoked token."""
    if not token or len(token) > 128:
        return None
    row = (
        StatusToken.objects.select_related("case")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    return row.case if row else None


def revoke_status_tokens(case: Case) -> int:
    """Revoke every live token of the case; returns how many were revoked."""
    return StatusToken.objects.filter(case=case, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
