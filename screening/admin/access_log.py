"""The access log (who read which case or file, when, from where): leads only, read-only."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from screening.admin.read_only import ReadOnlyAdmin
from screening.models import AccessRecord
from screening.triage import access


def can_read_access_log(user) -> bool:
    return access.is_staff_member(user) and user.has_perm("screening.view_accessrecords")


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "user",
        "api_key",
        "action",
        "case_link",
        "document",
        "ip_address",
        "user_agent",
    )
    list_filter = ("action",)
    search_fields = ("=case__reference", "user__username")
    search_help_text = gettext_lazy("Exact case reference, or a username.")
    list_select_related = ("user", "api_key__organisation", "case", "document")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 100
    ordering = ("-at", "-pk")

    def has_module_permission(self, request):
        return can_read_access_log(request.user)

    def has_view_permission(self, request, obj=None):
        return can_read_access_log(request.user)

    @admin.display(description=gettext_lazy("Case"), ordering="case__reference")
    def case_link(self, obj):
        if obj.case_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:screening_case_change", args=[obj.case_id]),
            obj.case.reference,
        )
