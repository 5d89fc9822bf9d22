"""The label watch and the bulk re-screens, for leads: label changes to review (a change
leaves the dashboard once a lead says what was done about it) and each re-screen job's
progress. Read-only otherwise: both are written by the workers."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from screening.admin.read_only import ReadOnlyAdmin
from screening.labels.review import review_label_change
from screening.models import LabelChange, RescreenJob
from screening.triage import access


def is_lead(user) -> bool:
    return access.is_staff_member(user) and user.has_perm("screening.view_dashboard")


class LeadsOnlyReadOnly(ReadOnlyAdmin):
    def has_module_permission(self, request):
        return is_lead(request.user)

    def has_view_permission(self, request, obj=None):
        return is_lead(request.user)


class ReviewForm(forms.ModelForm):
    reviewed = forms.BooleanField(
        label=_("I have read the new label"),
        required=False,
        help_text=_(
            "The rules never change by themselves: update the rule data if the indications "
            "changed (the re-screen of open cases then runs), and say here what you did."
        ),
    )

    class Meta:
        model = LabelChange
        fields = ["review_note"]


@admin.register(LabelChange)
class LabelChangeAdmin(LeadsOnlyReadOnly):
    form = ReviewForm
    list_display = ("brand", "summary", "label_link", "current_published", "detected_at", "state")
    list_filter = (("reviewed_at", admin.EmptyFieldListFilter),)
    list_select_related = ("reviewed_by",)
    readonly_fields = (
        "label_name",
        "title",
        "label_link",
        "set_id",
        "recorded_version",
        "recorded_revised",
        "current_version",
        "current_published",
        "summary",
        "detected_at",
        "reviewed_at",
        "reviewed_by",
    )
    actions = ["mark_reviewed"]

    def has_change_permission(self, request, obj=None):
        return is_lead(request.user)

    def get_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and obj.reviewed_at is None:
            return [*fields, "review_note", "reviewed"]
        return [*fields, "review_note"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.reviewed_at is not None:
            return [*self.readonly_fields, "review_note"]
        return self.readonly_fields

    @admin.display(description=_("Product"), ordering="product")
    def brand(self, obj):
        return obj.brand

    @admin.display(description=_("Label"))
    def label_link(self, obj):
        return format_html(
            '<a href="{}" rel="noopener noreferrer">{}</a>', obj.url, _("DailyMed label")
        )

    @admin.display(description=_("State"), ordering="reviewed_at")
    def state(self, obj):
        if obj.reviewed_at is None:
            return _("to review")
        return _("reviewed")

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("reviewed"):
            review_label_change(obj, by=request.user, note=form.cleaned_data["review_note"])
        else:
            LabelChange.objects.filter(pk=obj.pk).update(review_note=obj.review_note)

    @admin.action(description=_("Mark as reviewed (the label was read)"))
    def mark_reviewed(self, request, queryset):
        done = sum(review_label_change(change, by=request.user) for change in queryset)
        self.message_user(
            request,
            ngettext("%d label change marked reviewed.", "%d label changes marked reviewed.", done)
            % done,
            messages.SUCCESS,
        )


@admin.register(RescreenJob)
class RescreenJobAdmin(LeadsOnlyReadOnly):
    list_display = (
        "created_at",
        "state",
        "ruleset_version",
        "progress",
        "changed",
        "newly_likely",
        "raised",
        "invalid",
        "skipped",
        "finished_at",
    )
    list_filter = ("state",)
    readonly_fields = [field.name for field in RescreenJob._meta.fields]

    @admin.display(description=_("Done"))
    def progress(self, obj):
        return f"{obj.done:,} / {obj.total:,}"

    def view_on_site(self, obj):
        return reverse("admin:screening_case_dashboard")
