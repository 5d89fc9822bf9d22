from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ScreeningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "screening"
    verbose_name = "Screening"

    def ready(self):
        # Registers the configuration checks (eager tasks, private media placement).
        from screening import checks  # noqa: F401


class NavigatorAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with Navigator's site (second factor required) as `admin.site`.

    Named in INSTALLED_APPS by its full path; not this module's default config (that is
    ScreeningConfig, for "screening")."""

    default = False
    default_site = "screening.admin_site.NavigatorAdminSite"
