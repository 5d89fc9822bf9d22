"""The answers as sent, for the person to keep: /status/<token>/answers/ (a page made for
printing) and its PDF (/status/<token>/answers.pdf, in screening/views.py: an edge, since the
PDF renderer belongs to the summaries stage above this one).

The status token is the only key, as on the status page: a wrong one counts towards the same
guessing limit and gets the plain 404 page; every answer is private (no-store, no Referer to
other sites, not indexed).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from screening.core.languages import activate_language
from screening.core.throttle import at_limit, hit_limit, too_many_requests
from screening.core.tokens import find_case_by_status_token
from screening.intake.printable import build_printed_answers
from screening.models import Case

TEMPLATE = "status/answers.html"
PRINT_CSS = "screening/print.css"


def private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)  # Cache-Control: max-age=0, no-cache, no-store, ...
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def open_case(request, token: str) -> tuple[Case | None, HttpResponse | None]:
    """The case a status token opens, in its language; or the refusal to send instead."""
    if at_limit(request, "status-token", settings.TOKEN_GUESS_RATE):
        message = _(
            "Many status links that do not exist were opened from your network, so we paused "
            "status pages for a while. If your link is right, it will work again later."
        )
        return None, private(too_many_requests(request, message))
    case = find_case_by_status_token(token)
    if case is None:
        hit_limit(request, "status-token", settings.TOKEN_GUESS_RATE)
        return None, private(render(request, "404.html", status=404))
    activate_language(request, case.interface_language)
    return case, None


def printed_answers_html(request, case: Case, token: str) -> str:
    """The page as a PDF renderer reads it: the same template, its stylesheet inlined (the
    renderer loads nothing from outside)."""
    css = finders.find(PRINT_CSS)
    with open(css, encoding="utf-8") as handle:
        inline_css = handle.read()
    context = {"answers": build_printed_answers(case), "token": token, "inline_css": inline_css}
    return render_to_string(TEMPLATE, context, request=request)


@require_safe
def printed_answers(request, token):
    case, refusal = open_case(request, token)
    if refusal is not None:
        return refusal
    answers = build_printed_answers(case)
    return private(render(request, TEMPLATE, {"answers": answers, "token": token}))
