"""The confirmation page after sending, and what this browser remembers of the form it sent.

After sending, every page of the wizard (Back, a refresh, the review page kept in the
browser's history) leads here: "Your answers were sent on … as NAV-…", with the private status
link, never an empty review that would invite a second, duplicate case. "Fill in a new form"
(the wizard's `?reset=1`) forgets it.

The raw status token exists nowhere but in the emailed link and, for a day, in this browser's
session (the database keeps only its hash): after SENT_LINK_SHOWN_FOR the page shows the
reference and points to the email instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

CONFIRMATION_SESSION_KEY = "intake_submitted"
SENT_LINK_SHOWN_FOR = timedelta(days=1)


@dataclass(frozen=True)
class SentForm:
    reference: str
    sent_at: datetime
    status_path: str | None


def remember_sent(request, *, reference: str, status_path: str | None) -> None:
    request.session[CONFIRMATION_SESSION_KEY] = {
        "reference": reference,
        "sent_at": timezone.now().isoformat(),
        "status_path": status_path,
    }


def sent_form(request) -> SentForm | None:
    """The form this browser sent, if it remembers one."""
    info = request.session.get(CONFIRMATION_SESSION_KEY)
    if not isinstance(info, dict) or not info.get("reference"):
        return None
    try:
        sent_at = datetime.fromisoformat(info.get("sent_at") or "")
    except ValueError:
        sent_at = timezone.now()
    path = info.get("status_path")
    if path and timezone.now() - sent_at > SENT_LINK_SHOWN_FOR:
        request.session[CONFIRMATION_SESSION_KEY] = {**info, "status_path": None}
        path = None
    return SentForm(info["reference"], sent_at, path)


def forget_sent(request) -> None:
    request.session.pop(CONFIRMATION_SESSION_KEY, None)


def _answers_links(status_path: str | None) -> tuple[str | None, str | None]:
    """The printable answers page and its PDF, under the status link this browser was shown."""
    try:
        match = resolve(status_path) if status_path else None
    except Resolver404:
        match = None
    if match is None or match.url_name != "status":
        return None, None
    token = match.kwargs["token"]
    return reverse("status_answers", args=[token]), reverse("status_answers_pdf", args=[token])


@never_cache
def intake_submitted(request):
    sent = sent_form(request)
    if sent is None:
        return redirect("intake")
    status_url = request.build_absolute_uri(sent.status_path) if sent.status_path else None
    answers_url, answers_pdf_url = _answers_links(sent.status_path)
    reference = format_html('<strong id="case-reference">{}</strong>', sent.reference)
    return render(
        request,
        "intake/submitted.html",
        {
            "reference": sent.reference,
            "reference_html": reference,
            "sent_at": sent.sent_at,
            "status_url": status_url,
            "answers_url": answers_url,
            "answers_pdf_url": answers_pdf_url,
        },
    )
