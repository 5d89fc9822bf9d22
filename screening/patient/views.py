"""The person's own status page, /status/<token>/: read it, send documents from it, and write
to the coordinator (/status/<token>/messages/).

Kept apart from the intake wizard's views. The token in the address is the only key, so
every answer (the 404 included) is private: not cached, no Referer to other sites, not indexed.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from screening.core.languages import activate_language
from screening.core.throttle import at_limit, hit_limit, too_many_requests, uploads_allowed
from screening.core.tokens import find_case_by_status_token
from screening.documents.uploads import UploadRejected, max_files_per_case
from screening.patient.forms import PatientMessageForm, StatusUploadForm
from screening.patient.messages import MessageRefused, send_patient_message
from screening.patient.records import CaseClosedForUploads, receive_records
from screening.patient.status_page import build_status_page


def _private(response):
    add_never_cache_headers(response)  # Cache-Control: max-age=0, no-cache, no-store, ...
    # Never sent to another site. Not "no-referrer": under it Chromium posts the upload form
    # with "Origin: null", which Django's CSRF check rightly refuses (the browser test found
    # this). Our own server already has the address, so same-origin leaks nothing.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _paused_for_guesses(request):
    return _private(
        too_many_requests(
            request,
            _(
                "Many status links that do not exist were opened from your network, so "
                "we paused status pages for a while. If your link is right, it will work "
                "again later."
            ),
        )
    )


def _paused_uploads(request):
    return _private(
        too_many_requests(
            request,
            _(
                "We received many files from your network in the last hour, so "
                "we paused uploads for a while. The documents you sent before "
                "are safe."
            ),
        )
    )


@require_http_methods(["GET", "HEAD", "POST"])
def status_page(request, token):
    if at_limit(request, "status-token", settings.TOKEN_GUESS_RATE):
        return _paused_for_guesses(request)
    case = find_case_by_status_token(token)
    if case is None:
        # Only wrong tokens count towards the guessing limit.
        hit_limit(request, "status-token", settings.TOKEN_GUESS_RATE)
        # The same page as any unknown address: no hint that tokens exist or were revoked.
        return _private(render(request, "404.html", status=404))
    # The page speaks the case's language, on any device the link is opened on.
    activate_language(request, case.interface_language)

    form = None
    status = 200
    if case.is_open:
        if request.method == "POST":
            if not uploads_allowed(request, request.FILES.getlist("files")):
                return _paused_uploads(request)
            room = max_files_per_case() - case.documents.count()
            form = StatusUploadForm(request.POST, request.FILES, room=room)
            if form.is_valid():
                try:
                    documents = receive_records(case, form.uploads())
                except UploadRejected as error:
                    form.add_error("files", error.message)
                except CaseClosedForUploads as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(
                        request,
                        ngettext(
                            "Thank you: we received %(n)d document.",
                            "Thank you: we received %(n)d documents.",
                            len(documents),
                        )
                        % {"n": len(documents)},
                    )
                    for message in form.rejected:
                        messages.warning(request, message)
                    url = reverse("status", args=[token]) + "#documents"
                    return _private(HttpResponseRedirect(url))
            status = 400
    elif request.method == "POST":
        messages.error(request, _("This case is closed, so it takes no more documents."))
        status = 409

    return _render_page(request, case, token, form=form, status=status)


def _render_page(request, case, token, *, form=None, message_form=None, status=200):
    page = build_status_page(case)
    if form is None and case.is_open:
        form = StatusUploadForm(room=max_files_per_case() - case.documents.count())
    if message_form is None and case.is_open:
        message_form = PatientMessageForm()
    context = {"page": page, "form": form, "message_form": message_form, "token": token}
    return _private(render(request, "status/page.html", context, status=status))


def _link_not_working(request):
    """A message sent with a link that does not work (unknown, or revoked since the page was
    opened): say so, and that nothing was sent. The same words for both, so the page gives no
    hint that a token ever existed."""
    hit_limit(request, "status-token", settings.TOKEN_GUESS_RATE)
    return _private(render(request, "status/link_not_working.html", status=404))


@require_POST
def send_message(request, token):
    """A message to the coordinator from the status page (screening/patient/messages.py)."""
    if at_limit(request, "status-token", settings.TOKEN_GUESS_RATE):
        return _paused_for_guesses(request)
    case = find_case_by_status_token(token)
    if case is None:
        return _link_not_working(request)
    activate_language(request, case.interface_language)
    if hit_limit(request, "patient-message", settings.PATIENT_MESSAGE_RATE, key=f"case-{case.pk}"):
        return _private(
            too_many_requests(
                request,
                _(
                    "Many messages were sent on this case in the last hour, so we paused "
                    "messages for a while. The messages you sent before were received."
                ),
            )
        )
    attachment = request.FILES.getlist("attachment")
    if attachment and not uploads_allowed(request, attachment):
        return _paused_uploads(request)
    form = PatientMessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            send_patient_message(
                case,
                form.cleaned_data["body"],
                key=form.cleaned_data["key"],
                upload=form.checked_upload,
            )
        except UploadRejected as error:
            form.add_error("attachment", error.message)
        except MessageRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Your message was sent. We will email you when your coordinator answers."),
            )
            return _private(HttpResponseRedirect(reverse("status", args=[token]) + "#messages"))
    status = 409 if not case.is_open else 400
    return _render_page(request, case, token, message_form=form, status=status)
