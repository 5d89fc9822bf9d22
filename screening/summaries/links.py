"""The download page a summary's link leads to (recipients other than the patient's own
address): the link works for LINK_DAYS after sending, only once the summary was
queued, and only for the address it was sent to (the page asks for it before the PDF is
given). Every use is logged (SummaryAccess, and a log line for refusals); an unknown,
expired or foreign link gets a plain page, never an error."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from screening.core.addresses import client_address
from screening.models import CaseSummary, NotificationState, SummaryAccess

logger = logging.getLogger(__name__)
Outcome = SummaryAccess.Outcome
LINK_DAYS = 7  # how long a summary's download link works after sending (issue 13)


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def download_path(token: str) -> str:
    return reverse("summary_download", args=[token])


def download_url(token: str) -> str:
    return settings.SITE_URL + download_path(token)


def download_url_prefix() -> str:
    return settings.SITE_URL + download_path("TOKEN").removesuffix("TOKEN/")


@dataclass(frozen=True)
class LinkCheck:
    summary: CaseSummary | None
    outcome: str  # Outcome.SHOWN when the link is good, else why it was refused


def _log(summary: CaseSummary | None, outcome: str, request) -> None:
    SummaryAccess.objects.create(
        summary=summary,
        outcome=outcome,
        ip_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    if outcome not in (Outcome.SHOWN, Outcome.DOWNLOADED):
        logger.warning(
            "Summary download link refused (%s) for summary %s from %s",
            outcome,
            summary.pk if summary else "-",
            client_address(request) or "an unknown address",
        )


def check_summary_link(token: str, request, *, log: bool = True) -> LinkCheck:
    """Whether the link is one we sent and still works; logged (unless told not to)."""
    summary = (
        CaseSummary.objects.select_related("notification", "case")
        .filter(link_token_hash=token_hash(token), notification__isnull=False)
        .exclude(notification__state__in=(NotificationState.FAILED, NotificationState.CANCELLED))
        .first()
        if token
        else None
    )
    if summary is None:
        outcome = Outcome.UNKNOWN
    elif summary.link_expires_at is None or summary.link_expires_at <= timezone.now():
        outcome = Outcome.EXPIRED
    else:
        outcome = Outcome.SHOWN
    if log:
        _log(summary, outcome, request)
    return LinkCheck(summary, outcome)


def download_summary(token: str, address: str, request) -> LinkCheck:
    """The summary if the link works and `address` is the one it was sent to (case
    insensitive); logged either way. The PDF is the check's summary.pdf."""
    check = check_summary_link(token, request, log=False)
    outcome = check.outcome
    if outcome == Outcome.SHOWN:
        given = (address or "").strip().casefold()
        sent_to = check.summary.recipient_email.strip().casefold()
        outcome = Outcome.DOWNLOADED if given == sent_to else Outcome.WRONG_ADDRESS
    _log(check.summary, outcome, request)
    return LinkCheck(check.summary, outcome)
