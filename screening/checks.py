"""Configuration problems reported as Django system checks (shown by runserver, migrate, check).

An Error stops `manage.py check` (and `check --deploy`) with a non-zero exit, and runserver
and migrate from starting."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Info, Tags, Warning, register


@register(Tags.compatibility)
def check_task_broker(app_configs, **kwargs):
    """Say loudly when tasks would run inline because no Redis broker is configured: a warning
    in development (W001), an error with DEBUG off (E001), since production never runs tasks
    eagerly (emails would be sent inside web requests, screenings would hold them)."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return []
    message = (
        "REDIS_URL is not set: Celery tasks run EAGERLY inside the web process. "
        "There is no worker, no retry and no time limit."
    )
    hint = "Use `make run` (starts an embedded Redis) or set REDIS_URL=redis://host:6379/0."
    if settings.DEBUG:
        return [Warning(message, hint=hint, id="screening.W001")]
    return [Error(message, hint="Set REDIS_URL=redis://host:6379/0.", id="screening.E001")]


def _is_inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


@register(Tags.security)
def check_private_media_root(app_configs, **kwargs):
    """Uploads must never sit where a web server or whitenoise would hand them out."""
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    served = [Path(settings.STATIC_ROOT), *(Path(p) for p in settings.STATICFILES_DIRS)]
    if getattr(settings, "MEDIA_ROOT", ""):
        served.append(Path(settings.MEDIA_ROOT))
    errors = []
    for path in served:
        if _is_inside(private, path) or _is_inside(path, private):
            errors.append(
                Error(
                    f"PRIVATE_MEDIA_ROOT ({private}) overlaps a served path ({path}).",
                    hint="Point PRIVATE_MEDIA_ROOT at a folder that no web server serves.",
                    id="screening.E002",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def check_virus_scanner(app_configs, **kwargs):
    """Production without a virus scanner: unscanned files must not reach staff browsers."""
    if settings.DEBUG or settings.CLAMD_SOCKET:
        return []
    if settings.ALLOW_UNSCANNED_DOWNLOADS:
        return [
            Warning(
                "No virus scanner is configured (CLAMD_SOCKET is empty) and "
                "ALLOW_UNSCANNED_DOWNLOADS lets staff download unscanned uploads.",
                hint="Set CLAMD_SOCKET to a clamd socket, or ALLOW_UNSCANNED_DOWNLOADS=0.",
                id="screening.W003",
            )
        ]
    return [
        Info(
            "No virus scanner is configured (CLAMD_SOCKET is empty): uploads cannot be "
            "downloaded, only read through their extracted text.",
            hint="Set CLAMD_SOCKET to a clamd socket to let staff download scanned files.",
            id="screening.I003",
        )
    ]
