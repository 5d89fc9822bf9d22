"""The access log (who read which case or file, or listed which cases, when, from where): leads
only, read-only; and `record_list_page`, which the lists that show patients' names call."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from screening.admin.read_only import ReadOnlyAdmin
from screening.models import AccessRecord
from screening.triage import access


def record_list_page(request, response, action: str, case_of=lambda row: row.pk):
    """After a changelist that shows patients' names answered: one access record for the page
    it listed (`case_of(row)` is a row's case id). A redirect (after a bulk action) or an error
    page listed nothing and records nothing."""
    context = getattr(response, "context_data", None) or {}
    changelist = context.get("cl")
    if changelist is not None and response.status_code == 200:
        access.record_listing(request, action, [case_of(row) for row in changelist.result_list])
    return response


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
        "listed",
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

    @admin.display(description=gettext_lazy("Listed"))
    def listed(self, obj):
        """A list page: its address and query, and how many cases it showed."""
        if not obj.page:
            return "—"
        where = obj.page + (f"?{obj.query}" if obj.query else "")
        return format_html("{}<br><small>{} case(s)</small>", where, len(obj.shown or []))

    @admin.display(description=gettext_lazy("Case"), ordering="case__reference")
    def case_link(self, obj):
        if obj.case_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:screening_case_change", args=[obj.case_id]),
            obj.case.reference,
        )
