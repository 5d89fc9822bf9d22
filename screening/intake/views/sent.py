"""The confirmation page after sending, and what this browser remembers of the sent form.

The session keeps the reference and the status page's path of the form it sent (the raw token
is never stored anywhere else: only its hash is in the database), so the confirmation can be
opened again until the browser session ends.
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

CONFIRMATION_SESSION_KEY = "intake_submitted"


def remember_sent(request, *, reference: str, status_path: str | None) -> None:
    confirmation = {"reference": reference}
    if status_path:
        confirmation["status_path"] = status_path
    request.session[CONFIRMATION_SESSION_KEY] = confirmation


@never_cache
def intake_submitted(request):
    info = request.session.get(CONFIRMATION_SESSION_KEY)
    if not info:
        return redirect("intake")
    # The status link is shown once, on this page; the email carries it too.
    path = info.pop("status_path", None)
    request.session[CONFIRMATION_SESSION_KEY] = info
    status_url = request.build_absolute_uri(path) if path else None
    return render(
        request,
        "intake/submitted.html",
        {"reference": info["reference"], "status_url": status_url},
    )
