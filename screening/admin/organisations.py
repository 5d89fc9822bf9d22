"""Referring organisations, their API keys and their webhooks, for leads.

A lead creates an organisation with the scopes its keys may carry, makes keys (each shown
once, on the page that makes it, never stored), revokes them, registers the webhook endpoint
(its signing secret is shown once too) and watches deliveries: the last one and the failures
are on the organisation's row, every delivery is in "Webhook deliveries".
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from screening.core.api_keys import ApiKeyError, create_api_key, revoke_api_key
from screening.jobs import enqueue
from screening.models import ApiKey, Organisation, Scope, WebhookDelivery, WebhookState
from screening.notify.webhooks import (
    WebhookUrlError,
    check_webhook_url,
    remove_webhook,
    set_webhook,
)
from screening.triage import access


def is_manager(user) -> bool:
    return access.is_lead(user) or (access.is_staff_member(user) and user.is_superuser)


class LeadsOnly:
    def has_module_permission(self, request):
        return is_manager(request.user)

    def has_view_permission(self, request, obj=None):
        return is_manager(request.user)

    def has_change_permission(self, request, obj=None):
        return is_manager(request.user)

    def has_add_permission(self, request, *args):
        return is_manager(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


class OrganisationForm(forms.ModelForm):
    allowed_scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Allowed scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    webhook_url = forms.URLField(
        label=gettext_lazy("Webhook endpoint"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("https:// only. Its signing secret is shown once, when it is made."),
    )

    class Meta:
        model = Organisation
        fields = (
            "name",
            "contact_name",
            "contact_email",
            "allowed_scopes",
            "active",
            "webhook_url",
        )

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"]
        if not url:
            return ""
        try:
            return check_webhook_url(url)
        except WebhookUrlError as problem:
            raise forms.ValidationError(str(problem)) from None


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    fields = ("prefix", "name", "scopes", "created_at", "last_used_at", "revoked_at", "revoke")
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return is_manager(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Revoke"))
    def revoke(self, key):
        if key.revoked_at is not None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:screening_apikey_revoke", args=[key.pk]),
            _("Revoke…"),
        )


class NewKeyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("What is it for?"), max_length=100, required=False)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )


@admin.register(Organisation)
class OrganisationAdmin(LeadsOnly, admin.ModelAdmin):
    form = OrganisationForm
    inlines = [ApiKeyInline]
    list_display = (
        "name",
        "active",
        "scopes",
        "live_keys",
        "webhook_url",
        "last_delivery",
        "webhook_failures",
    )
    list_filter = ("active",)
    search_fields = ("name", "contact_email")
    readonly_fields = ("key_actions",)
    fieldsets = (
        (None, {"fields": ("name", "contact_name", "contact_email", "active")}),
        (gettext_lazy("API access"), {"fields": ("allowed_scopes", "key_actions")}),
        (gettext_lazy("Webhooks"), {"fields": ("webhook_url",)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                live_key_count=Count(
                    "keys", filter=Q(keys__revoked_at__isnull=True), distinct=True
                ),
                last_delivery_at=Max("webhook_deliveries__last_attempt_at"),
                failure_count=Count(
                    "webhook_deliveries",
                    filter=Q(webhook_deliveries__state=WebhookState.FAILED),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=gettext_lazy("Scopes"))
    def scopes(self, organisation):
        return ", ".join(organisation.allowed_scopes or ()) or "—"

    @admin.display(description=gettext_lazy("Live keys"), ordering="live_key_count")
    def live_keys(self, organisation):
        return organisation.live_key_count

    @admin.display(description=gettext_lazy("Last webhook"), ordering="last_delivery_at")
    def last_delivery(self, organisation):
        return organisation.last_delivery_at or "—"

    @admin.display(description=gettext_lazy("Failed webhooks"), ordering="failure_count")
    def webhook_failures(self, organisation):
        if not organisation.failure_count:
            return 0
        url = reverse("admin:screening_webhookdelivery_changelist")
        return format_html(
            '<a href="{}?organisation__id__exact={}&state__exact=failed">{}</a>',
            url,
            organisation.pk,
            organisation.failure_count,
        )

    @admin.display(description=gettext_lazy("Keys"))
    def key_actions(self, organisation):
        if organisation.pk is None:
            return _("Save the organisation first, then create its keys.")
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:screening_organisation_new_key", args=[organisation.pk]),
            _("Create an API key"),
        )

    def save_model(self, request, obj, form, change):
        url = form.cleaned_data.get("webhook_url") or ""
        super().save_model(request, obj, form, change)
        if not url and change and "webhook_url" in form.changed_data:
            remove_webhook(obj)
        elif url and not obj.webhook_secret:
            secret = set_webhook(obj, url)
            request._new_webhook_secret = secret

    def response_change(self, request, obj):
        return self._secret_or(request, obj, super().response_change(request, obj))

    def response_add(self, request, obj, post_url_continue=None):
        return self._secret_or(request, obj, super().response_add(request, obj, post_url_continue))

    def _secret_or(self, request, obj, response):
        secret = getattr(request, "_new_webhook_secret", None)
        if not secret:
            return response
        return self._show_once(
            request, obj, _("Webhook signing secret"), secret, _("Give it to the organisation.")
        )

    def get_urls(self):
        extra = [
            path(
                "<int:organisation_id>/keys/new/",
                self.admin_site.admin_view(self.new_key_view),
                name="screening_organisation_new_key",
            ),
            path(
                "<int:organisation_id>/webhook-secret/",
                self.admin_site.admin_view(self.rotate_secret_view),
                name="screening_organisation_rotate_secret",
            ),
        ]
        return extra + super().get_urls()

    def _show_once(self, request, organisation, title, secret, hint):
        response = TemplateResponse(
            request,
            "admin/screening/organisation/secret.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "organisation": organisation,
                "secret": secret,
                "hint": hint,
                "opts": self.model._meta,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    def new_key_view(self, request, organisation_id):
        if not is_manager(request.user):
            raise PermissionDenied
        organisation = get_object_or_404(Organisation, pk=organisation_id)
        form = NewKeyForm(request.POST or None, initial={"scopes": organisation.allowed_scopes})
        if request.method == "POST" and form.is_valid():
            try:
                made = create_api_key(
                    organisation,
                    form.cleaned_data["scopes"],
                    name=form.cleaned_data["name"],
                    by=request.user,
                )
            except ApiKeyError as problem:
                form.add_error("scopes", str(problem))
            else:
                return self._show_once(
                    request,
                    organisation,
                    _("New API key"),
                    made.secret,
                    _("Copy it now: Navigator keeps only a hash, so it cannot be shown again."),
                )
        return TemplateResponse(
            request,
            "admin/screening/organisation/new_key.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Create an API key for %(name)s") % {"name": organisation.name},
                "organisation": organisation,
                "form": form,
                "opts": self.model._meta,
            },
        )

    def rotate_secret_view(self, request, organisation_id):
        if not is_manager(request.user) or request.method != "POST":
            raise PermissionDenied
        organisation = get_object_or_404(Organisation, pk=organisation_id)
        if not organisation.webhook_url:
            messages.error(request, _("Register a webhook endpoint first."))
            return redirect("admin:screening_organisation_change", organisation.pk)
        secret = set_webhook(organisation, organisation.webhook_url, rotate_secret=True)
        return self._show_once(
            request,
            organisation,
            _("New webhook signing secret"),
            secret,
            _("The old secret stops working now. Give this one to the organisation."),
        )


@admin.register(ApiKey)
class ApiKeyAdmin(LeadsOnly, admin.ModelAdmin):
    list_display = ("prefix", "organisation", "name", "scopes", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    list_select_related = ("organisation",)
    search_fields = ("prefix", "organisation__name", "name")
    readonly_fields = ("organisation", "prefix", "scopes", "created_at", "created_by")
    fields = (*readonly_fields, "name", "last_used_at", "revoked_at")

    def has_add_permission(self, request, *args):
        return False  # keys are made from their organisation's page, where they are shown once

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "last_used_at", "revoked_at")

    def get_urls(self):
        return [
            path(
                "<int:key_id>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="screening_apikey_revoke",
            ),
            *super().get_urls(),
        ]

    def revoke_view(self, request, key_id):
        if not is_manager(request.user):
            raise PermissionDenied
        key = get_object_or_404(ApiKey.objects.select_related("organisation"), pk=key_id)
        if request.method == "POST":
            if revoke_api_key(key, by=request.user):
                messages.success(request, _("Key %(prefix)s… revoked.") % {"prefix": key.prefix})
            return redirect("admin:screening_organisation_change", key.organisation_id)
        return TemplateResponse(
            request,
            "admin/screening/organisation/revoke_key.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Revoke key %(prefix)s…") % {"prefix": key.prefix},
                "key": key,
                "opts": self.model._meta,
            },
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(LeadsOnly, admin.ModelAdmin):
    list_display = (
        "created_at",
        "organisation",
        "kind",
        "case",
        "state",
        "attempts",
        "last_status",
        "last_error",
        "next_attempt_at",
    )
    list_filter = ("state", "kind", "organisation")
    list_select_related = ("organisation", "case")
    search_fields = ("=case__reference", "=event_id")
    show_full_result_count = False
    actions = ["retry_now"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Send again now"))
    def retry_now(self, request, queryset):
        ids = list(
            queryset.filter(state__in=[WebhookState.PENDING, WebhookState.FAILED]).values_list(
                "pk", flat=True
            )
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(
            state=WebhookState.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        for delivery_id in ids:
            enqueue("screening.deliver_webhook_task", delivery_id)
        self.message_user(request, _("%(n)d webhook(s) queued again.") % {"n": len(ids)})
