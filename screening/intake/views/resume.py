"""“Save and continue later”: the page that emails a resume link, and the link itself."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from screening.core.languages import activate_language, remember_language_choice
from screening.core.throttle import at_limit, hit_limit
from screening.intake.forms import SaveForLaterForm
from screening.intake.forms.fields import field_error_links
from screening.intake.submit import (
    check_resume_link,
    get_live_draft,
    redeem_resume_link,
    send_resume_link,
)
from screening.intake.views.limits import rate_limited_page
from screening.intake.views.storage import DRAFT_SESSION_KEY

SAVED_SESSION_KEY = "intake_saved_to"


@never_cache
@require_http_methods(["GET", "POST"])
def intake_save(request):
    draft = get_live_draft(request.session.get(DRAFT_SESSION_KEY))
    if draft is None:
        messages.info(request, _("There is nothing to save yet. Start by answering a question."))
        return redirect("intake")
    if request.method == "POST":
        form = SaveForLaterForm(request.POST)
        if form.is_valid():
            if hit_limit(request, "intake-save", settings.INTAKE_SAVE_RATE):
                return rate_limited_page(request)
            send_resume_link(draft, form.cleaned_data["email"])
            request.session[SAVED_SESSION_KEY] = form.cleaned_data["email"]
            return redirect("intake_saved")
    else:
        about = (draft.data.get("step_data") or {}).get("about") or {}
        email = draft.email or (about.get("about-email") or [""])[0]
        form = SaveForLaterForm(initial={"email": email})
    return render(
        request, "intake/save.html", {"form": form, "error_links": field_error_links(form)}
    )


@never_cache
def intake_saved(request):
    email = request.session.get(SAVED_SESSION_KEY)
    if not email:
        return redirect("intake")
    return render(request, "intake/saved.html", {"email": email})


@never_cache
@require_http_methods(["GET", "POST"])
def intake_resume(request, token):
    # Opening the link only shows a button: mail scanners that follow links must not use up
    # a single-use link before the person clicks it.
    if at_limit(request, "resume-token", settings.TOKEN_GUESS_RATE):
        return rate_limited_page(request)
    if request.method == "GET":
        draft = check_resume_link(token)
        if draft is None:
            return _unknown_resume_link(request)
        # Opened on another device, the link still speaks the language the form was in.
        activate_language(request, draft.language)
        return render(request, "intake/resume.html")
    draft = redeem_resume_link(token)
    if draft is None:
        return _unknown_resume_link(request)
    request.session.cycle_key()
    request.session[DRAFT_SESSION_KEY] = draft.key
    language = activate_language(request, draft.language)
    messages.success(request, _("Welcome back. Your answers are as you left them."))
    response = redirect("intake")
    remember_language_choice(response, language)
    return response


def _unknown_resume_link(request):
    # Only wrong links count towards the guessing limit; opening your own never does.
    hit_limit(request, "resume-token", settings.TOKEN_GUESS_RATE)
    return render(request, "intake/resume_invalid.html", status=404)
