"""The intake's 429 pages: what was paused, and that nothing already saved was lost."""

from __future__ import annotations

from django.utils.translation import gettext as _

from screening.core.throttle import too_many_requests


def rate_limited_page(request):
    return too_many_requests(
        request,
        _(
            "We received many forms from your network in a short time, so we paused for a "
            "while to keep the service safe. Your answers are saved."
        ),
    )


def too_many_uploads_page(request):
    return too_many_requests(
        request,
        _(
            "We received many files from your network in the last hour, so we paused uploads "
            "for a while to keep the service safe. Your answers and the files already added "
            "are saved."
        ),
    )
