"""settings.LOGGING (imported by navigator/settings.py, which has loaded any .env file into the
environment already)."""

import environ

env = environ.Env()

# Every handler passes records through the redacting filter (navigator/log_redaction.py): no
# token, email address or patient field value reaches a log (README "Data minimisation").
# Django's own handlers are replaced: its request log ("django.server", runserver's) gets the
# filter, and there is no error email to ADMINS (it would carry the request and local
# variables; errors are logged, redacted, instead).
_REDACT = ["redact"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "navigator.log_redaction.RedactingFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": _REDACT},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": _REDACT,
        },
    },
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},  # to the root's console, redacted
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
