"""A logging filter that keeps secrets and patient data out of every log record.

Installed on every handler in settings.LOGGING (README "Data minimisation"). Logs are read by
more people, kept longer and copied further than the database, so a record leaves here with:

- no token: the secret part of `/status/<token>/` (and the pages below it),
  `/intake/resume/<token>/`, `/summary/<token>/` (a case summary's download link) and of any other
  path segment that looks like one (a long random string: download and API links), and the
  values of `token`, `key`, `signature`… query parameters, become `[token]`;
- no email address (`[email]`);
- no value of a known patient field: in a dict or a list among the record's arguments, in
  `field: value` / `field=value` / `"field": value` text of the message, and in the text of an
  exception's traceback, the value becomes `[redacted]` and the field's name stays, so a log
  still says *what* was wrong, never what the person answered.

The record is rewritten in place (its message formatted once, its arguments dropped), so every
handler after this one, and anything that captures records, sees the redacted copy; running it
twice is harmless. Plain Python: settings import nothing of the app, so the field names are
listed here (a test keeps them in step with the profile's fields and the case's).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

TOKEN = "[token]"
EMAIL = "[email]"
REDACTED = "[redacted]"

# The screening profile's fields (screening/rules/vocabulary.py, screening/core/profile_fields)
# and what a person tells about themselves on the intake and the case.
PROFILE_FIELDS = (
    "age_years",
    "diagnosis",
    "disease",
    "disease_status",
    "prior_lines",
    "prior_therapies",
    "biomarkers",
    "cd19_positive",
    "cd22_positive",
    "bcma_positive",
    "kmt2a_rearranged",
    "npm1_mutated",
    "philadelphia_positive",
    "ecog",
    "mrd_percent",
    "relapse_count",
    "relapse_within_12_months",
    "transplant_eligible",
    "lenalidomide_refractory",
    "in_consolidation_phase",
    "no_satisfactory_alternative",
    "active_infection",
    "cns_involvement",
    "other_car_t",
    "unrecognised_lines",
)
PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "patient_name",
    "email",
    "phone",
    "date_of_birth",
    "birth_date",
    "dob",
    "address",
    "travel_countries",
    "referring_physician",
    "referring_hospital",
    "treating_center_contacts",
    "target_center",
    "travel_needs",
    "admission_needs",
    "interpreter_language",
    "intake",
    "profile",
    "intake_profile",
    "answers",
    "message",
    "note",
    "notes",
    "text",
    "quote",
)
PATIENT_FIELDS = frozenset(PROFILE_FIELDS + PERSONAL_FIELDS)
# And any field named like a person's contact detail: the case's contacts (referring physician,
# treating centre) and whatever such field comes next.
_CONTACT_FIELD = r"(?:referring|treating|center|centre|target)_[a-z_]+|[a-z_]+_(?:name|email|phone)"
_CONTACT_FIELD_RE = re.compile(rf"(?:{_CONTACT_FIELD})\Z")


def is_patient_field(name: str) -> bool:
    return name in PATIENT_FIELDS or bool(_CONTACT_FIELD_RE.match(name))


_TOKEN_ROUTES = re.compile(r"(/(?:status|intake/resume|summary)/)([^/?#\s\"'<>]+)")
# Any other path segment that looks like a secret: 20 or more URL-safe characters with both
# letters and digits (a case reference, NAV-XXXXXXXXX, is shorter and stays readable).
_SECRET_SEGMENT = re.compile(
    r"(?<=/)(?=[A-Za-z0-9_:.~-]*[0-9])(?=[A-Za-z0-9_:.~-]*[A-Za-z])[A-Za-z0-9_:.~-]{20,}(?=[/?#\s\"']|$)"
)
_SECRET_PARAMETER = re.compile(
    r"([?&](?:token|key|api_key|signature|sig|secret|code|password|t)=)[^&#\s\"']+", re.IGNORECASE
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# `field: value`, `field=value`, `'field': value`, `"field": value`, `a.field: value`: the value
# is a quoted string, a number, a literal, or a bracketed list or object (one level).
_VALUE = (
    r"(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|True|False|None|true|false|null"
    r"|\[[^\[\]]*\]|\{[^{}]*\}|\([^()]*\))"
)
# Any `name: value` pair; the replacement keeps those whose name is not a patient field.
_FIELD_VALUE = re.compile(
    r"(?P<field>['\"]?\b(?:[A-Za-z_][A-Za-z0-9_]*\.)*(?P<name>[A-Za-z_][A-Za-z0-9_]*)['\"]?"
    r"\s*[:=]\s*)" + _VALUE
)


def _field_value(match: re.Match) -> str:
    if is_patient_field(match.group("name")):
        return match.group("field") + REDACTED
    return match.group(0)


def redact_text(text: str) -> str:
    """`text` without tokens, email addresses and patient field values."""
    if "/" in text or "?" in text:
        text = _TOKEN_ROUTES.sub(lambda m: m.group(1) + TOKEN, text)
        text = _SECRET_PARAMETER.sub(lambda m: m.group(1) + TOKEN, text)
        text = _SECRET_SEGMENT.sub(TOKEN, text)
    if "@" in text:
        text = _EMAIL.sub(EMAIL, text)
    if ":" in text or "=" in text:
        text = _FIELD_VALUE.sub(_field_value, text)
    return text


def redact_value(value, depth: int = 0):
    """A log argument with patient fields' values replaced (dicts and lists walked)."""
    if depth > 6:
        return REDACTED
    if isinstance(value, Mapping):
        return {
            key: REDACTED if is_patient_field(str(key)) else redact_value(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        items = [redact_value(item, depth + 1) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, bytes | bytearray):
        return redact_text(bytes(value).decode("utf-8", "replace"))
    if value is None or isinstance(value, bool | int | float):
        return value
    # Anything else is kept as it is (so `%d`, `%r` still work) unless its words need redacting;
    # the formatted message is redacted again as a whole in any case.
    text = str(value)
    redacted = redact_text(text)
    return value if redacted == text else redacted


class RedactingFilter(logging.Filter):
    """Rewrite each record without secrets or patient data; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "redacted", False):
            return True
        args = record.args
        if isinstance(args, Mapping):
            args = redact_value(args)
        elif args:
            args = tuple(redact_value(arg) for arg in args)
        try:
            record.msg = str(record.msg) % args if args else str(record.msg)
        except (TypeError, ValueError, KeyError):  # a call whose arguments do not fit
            record.msg = f"{record.msg} {args!r}"
        record.msg = redact_text(record.msg)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        record.redacted = True
        return True
