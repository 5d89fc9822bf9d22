"""The second sign-in step: a code from the authenticator app or a recovery code, enrolment
with a QR code on first sign-in, and new recovery codes. Thin: screening/core/second_factor.py
does the work; every wrong code counts as a failed sign-in for the lockout (django-axes)."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from screening.core import second_factor
from screening.core.second_factor import signed_in_staff
from screening.core.throttle import sign_in_rate_exceeded, sign_in_rate_page


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


def _next_url(request) -> str:
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def _credentials(request) -> dict:
    return {"username": request.user.get_username()}


def _locked_out(request) -> bool:
    return AxesProxyHandler.is_locked(request, _credentials(request))


def _wrong_code(request, form) -> bool:
    """Count the failure with django-axes (per user and per address, like a wrong password).
    True when that was the last one allowed: the person is signed out and locked out."""
    user_login_failed.send(sender=__name__, credentials=_credentials(request), request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return True
    form.add_error(
        "code",
        _("That code did not work. Check the time on your phone and try the newest code."),
    )
    return False


def _locked_page(request):
    return lockout_response(request)


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page (AXES_LOCKOUT_CALLABLE, and the second step's own): what happened,
    for how long, and whom to ask; it never says whether the password was right."""
    response = render(
        request,
        "admin/locked_out.html",
        {
            **admin.site.each_context(request),
            "title": _("Sign-in paused"),
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "failures": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def _page(request, template, context, status=200):
    return TemplateResponse(
        request,
        template,
        {
            **admin.site.each_context(request),
            "next": _next_url(request),
            "next_field": REDIRECT_FIELD_NAME,
            **context,
        },
        status=status,
    )


def _guard(view):
    """Only someone past the password step, and not locked out, may try a second factor."""

    @never_cache
    @csrf_protect
    @sensitive_post_parameters("code")
    @require_http_methods(["GET", "POST"])
    def wrapped(request):
        if not signed_in_staff(request.user):
            return redirect_to_login(request)
        if _locked_out(request):
            logout(request)
            return _locked_page(request)
        if request.method == "POST" and sign_in_rate_exceeded(request):
            return sign_in_rate_page(request)
        return view(request)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def redirect_to_login(request):
    return HttpResponseRedirect(
        reverse("admin:login") + "?" + f"{REDIRECT_FIELD_NAME}={_next_url(request)}"
    )


@_guard
def verify_view(request):
    """A six-digit code from the app, or one recovery code."""
    if second_factor.is_verified(request.user):
        return HttpResponseRedirect(_next_url(request))
    if not second_factor.has_second_factor(request.user):
        url = reverse("admin:second_factor_enrol")
        return HttpResponseRedirect(f"{url}?{REDIRECT_FIELD_NAME}={_next_url(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.verify_second_factor(request, form.cleaned_data["code"]):
            return HttpResponseRedirect(_next_url(request))
        if _wrong_code(request, form):
            return _locked_page(request)
    return _page(
        request,
        "admin/second_factor/verify.html",
        {"title": _("Second sign-in step"), "form": form},
        status=400 if form.errors else 200,
    )


@_guard
def enrol_view(request):
    """First sign-in (or after a lead's reset): scan the QR code, confirm one code, and take
    the ten recovery codes, shown once."""
    if second_factor.has_second_factor(request.user):
        return HttpResponseRedirect(reverse("admin:second_factor") + f"?{request.GET.urlencode()}")
    device = second_factor.pending_enrolment(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            return _page(
                request,
                "admin/second_factor/recovery_codes.html",
                {"title": _("Your recovery codes"), "codes": codes, "enrolled": True},
            )
        if _wrong_code(request, form):
            return _locked_page(request)
    return _page(
        request,
        "admin/second_factor/enrol.html",
        {
            "title": _("Set up your second sign-in step"),
            "form": form,
            "qr_svg": second_factor.enrolment_qr_svg(device),
            "secret": second_factor.enrolment_secret(device),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes_view(request):
    """How many recovery codes are left; POST replaces them with ten new ones."""
    if request.method == "POST":
        codes = second_factor.new_recovery_codes(request.user)
        return _page(
            request,
            "admin/second_factor/recovery_codes.html",
            {"title": _("Your recovery codes"), "codes": codes, "enrolled": False},
        )
    return _page(
        request,
        "admin/second_factor/recovery_codes.html",
        {
            "title": _("Your recovery codes"),
            "remaining": second_factor.remaining_recovery_codes(request.user),
        },
    )
