"""/summary/<token>/: the download page a summary's link leads to. Thin: the checks and the
access log are in links.py. Every answer is private (not cached, not indexed); an unknown,
expired or foreign link gets a plain page (404, 410, 403), never an error."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from screening.core.languages import activate_language
from screening.core.throttle import at_limit, hit_limit, too_many_requests
from screening.summaries.links import Outcome, check_summary_link, download_summary

GUESSES = "summary-link"


def _private(response):
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def summary_download(request, token):
    if at_limit(request, GUESSES, settings.TOKEN_GUESS_RATE):
        return _private(
            too_many_requests(
                request,
                _(
                    "Many summary links that do not work were tried from your network, so we "
                    "paused this page for a while. If your link is right, it will work again "
                    "later."
                ),
            )
        )
    if request.method == "POST":
        check = download_summary(token, request.POST.get("address", ""), request)
    else:
        check = check_summary_link(token, request)
    chosen = "lang" in request.GET or settings.LANGUAGE_COOKIE_NAME in request.COOKIES
    if check.summary is not None and not chosen:
        # The summary's language, unless the person chose one with the switcher.
        activate_language(request, check.summary.language)
    if check.outcome == Outcome.DOWNLOADED:
        summary = check.summary
        response = HttpResponse(bytes(summary.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{summary.pdf_filename}"'
        response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
        return _private(response)
    if check.outcome in (Outcome.UNKNOWN, Outcome.WRONG_ADDRESS):
        hit_limit(request, GUESSES, settings.TOKEN_GUESS_RATE)
    if check.outcome == Outcome.UNKNOWN:
        return _private(render(request, "summaries/link_invalid.html", status=404))
    if check.outcome == Outcome.EXPIRED:
        return _private(render(request, "summaries/link_expired.html", status=410))
    wrong = check.outcome == Outcome.WRONG_ADDRESS
    return _private(
        render(
            request,
            "summaries/download.html",
            {"reference": check.summary.case.reference, "wrong_address": wrong},
            status=403 if wrong else 200,
        )
    )
