"""Coordinators' profiles: the languages they work in and whether they take new cases.

Leads manage everyone's; a coordinator may change only their own (e.g. going on leave)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from screening.core.second_factor import reset_second_factor
from screening.models import CoordinatorProfile
from screening.models.case import OPEN_STATUSES
from screening.triage import access


class CoordinatorProfileForm(forms.ModelForm):
    languages = forms.CharField(
        label=gettext_lazy("Languages"),
        required=False,
        help_text=gettext_lazy("Language codes separated by commas, e.g. en, es, fr."),
    )

    class Meta:
        model = CoordinatorProfile
        fields = ("user", "languages", "accepting_cases", "daily_digest")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.initial["languages"] = ", ".join(self.instance.languages)

    def clean_languages(self):
        codes = [c.strip().lower() for c in self.cleaned_data["languages"].split(",")]
        codes = [c for c in codes if c]
        bad = [c for c in codes if not (2 <= len(c) <= 10 and c.replace("-", "").isalpha())]
        if bad:
            raise forms.ValidationError(
                _("Not a language code: %(codes)s.") % {"codes": ", ".join(bad)}
            )
        return list(dict.fromkeys(codes))


@admin.register(CoordinatorProfile)
class CoordinatorProfileAdmin(admin.ModelAdmin):
    form = CoordinatorProfileForm
    list_display = (
        "user",
        "languages_display",
        "accepting_cases",
        "daily_digest",
        "open_cases",
        "second_factor_set_up",
    )
    actions = ("reset_second_factor",)
    list_filter = ("accepting_cases", "daily_digest")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__first_name", "user__last_name")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_case_count=Count(
                    "user__assigned_cases",
                    filter=Q(user__assigned_cases__status__in=OPEN_STATUSES),
                ),
                has_second_factor=Exists(
                    TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)
                ),
            )
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not access.is_lead(request.user):
            actions.pop("reset_second_factor", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj is not None else ()

    def has_module_permission(self, request):
        return access.is_staff_member(request.user) and request.user.has_perm(
            "screening.view_coordinatorprofile"
        )

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        user = request.user
        if not (
            access.is_staff_member(user) and user.has_perm("screening.change_coordinatorprofile")
        ):
            return False
        return access.is_lead(user) or obj is None or obj.user_id == user.pk

    def has_add_permission(self, request):
        return access.is_lead(request.user) and request.user.has_perm(
            "screening.add_coordinatorprofile"
        )

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Languages"))
    def languages_display(self, obj):
        return ", ".join(obj.languages) or "—"

    @admin.display(description=gettext_lazy("Open cases"), ordering="open_case_count")
    def open_cases(self, obj):
        return obj.open_case_count

    @admin.display(description=gettext_lazy("Second factor"), boolean=True)
    def second_factor_set_up(self, obj):
        return obj.has_second_factor

    @admin.action(description=gettext_lazy("Reset second factor (lost phone): enrol again"))
    def reset_second_factor(self, request, queryset):
        """Leads only: remove the app and recovery codes of each selected person. Their open
        sessions stop working at once; at their next sign-in they set up a new app."""
        if not access.is_lead(request.user):
            raise PermissionDenied
        profiles = list(queryset.select_related("user"))
        for profile in profiles:
            reset_second_factor(profile.user)
            self.log_change(request, profile, _("Second factor reset by a lead."))
        self.message_user(
            request,
            ngettext(
                "Reset the second factor of %(n)d person: they set it up again at next sign-in.",
                "Reset the second factor of %(n)d people: they set it up again at next sign-in.",
                len(profiles),
            )
            % {"n": len(profiles)},
            messages.SUCCESS,
        )
