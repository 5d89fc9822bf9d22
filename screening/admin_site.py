"""Navigator's admin site: the Django admin, refusing any session without a second factor.

It replaces the default `admin.site` (NavigatorAdminConfig in screening/apps.py), so every
`@admin.register` and every `admin_view` goes through `has_permission` below. Kept outside the
`screening.admin` package, which registers model admins on this very site when imported.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from screening.core.second_factor import is_verified, signed_in_staff
from screening.core.throttle import sign_in_rate_exceeded, sign_in_rate_page


class NavigatorAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return signed_in_staff(request.user) and is_verified(request.user)

    def second_factor_redirect(self, request, next_url: str | None = None):
        next_url = next_url or request.GET.get(REDIRECT_FIELD_NAME) or ""
        url = reverse("admin:second_factor", current_app=self.name)
        if next_url:
            url += "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
        return HttpResponseRedirect(url)

    def login(self, request, extra_context=None):
        """The password step; the second factor follows on its own page."""
        if signed_in_staff(request.user) and not is_verified(request.user):
            if request.method == "GET":
                return self.second_factor_redirect(request)
        if request.method == "POST" and sign_in_rate_exceeded(request):
            return sign_in_rate_page(request)
        response = super().login(request, extra_context)
        if (
            request.method == "POST"
            and response.status_code == 302
            and signed_in_staff(request.user)
            and not is_verified(request.user)
        ):
            return self.second_factor_redirect(request, response["Location"])
        return response

    def get_urls(self):
        from screening.admin import second_factor

        return [
            # Signing out must work half-way through too (Django's would insist on the
            # second factor first, and send the person round in a circle).
            path("logout/", csrf_protect(never_cache(self.logout)), name="logout"),
            path("second-factor/", second_factor.verify_view, name="second_factor"),
            path("second-factor/enrol/", second_factor.enrol_view, name="second_factor_enrol"),
            path(
                "second-factor/recovery-codes/",
                self.admin_view(second_factor.recovery_codes_view),
                name="second_factor_recovery_codes",
            ),
        ] + super().get_urls()
