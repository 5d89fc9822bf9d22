from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "screening"
    verbose_name = "Screening"

    def ready(self):
        # Registers the configuration checks (eager tasks, private media placement).
        from screening import checks  # noqa: F401
