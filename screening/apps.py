from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ScreeningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "screening"
    verbose_name = "Screening"

    def ready(self):
        # Registers the configuration checks (eager tasks, private media placement).
        from django.db.models.signals import post_save

        from screening import checks  # noqa: F401
        from screening.models import CaseEvent
        from screening.notify.webhooks import on_case_event

        # Status changes and records requests of API-submitted cases queue a webhook in the
        # same transaction; the workflow itself knows nothing of webhooks.
        post_save.connect(on_case_event, sender=CaseEvent, dispatch_uid="webhooks-on-case-event")


class NavigatorAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with Navigator's site (second factor required) as `admin.site`.

    Named in INSTALLED_APPS by its full path; not this module's default config (that is
    ScreeningConfig, for "screening")."""

    default = False
    default_site = "screening.admin_site.NavigatorAdminSite"
