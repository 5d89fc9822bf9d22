"""Fields and helpers shared by the intake steps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

YES, NO, UNKNOWN = "yes", "no", "unknown"

TRI_STATE_CHOICES = [
    (YES, _("Yes")),
    (NO, _("No")),
    (UNKNOWN, _("Not tested or not sure")),
]
YES_NO_UNSURE_CHOICES = [(YES, _("Yes")), (NO, _("No")), (UNKNOWN, _("Not sure"))]

# Dates further back than this are typing mistakes, not medical history.
EARLIEST_YEAR = 1900


def today() -> date:
    return timezone.localdate()


def tri_state_field(label, *, help_text="", choices=YES_NO_UNSURE_CHOICES, initial=None):
    """A required yes / no / not sure question, shown as radio buttons in a fieldset."""
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        widget=forms.RadioSelect,
        initial=initial,
        error_messages={"required": _("Choose yes, no or not sure.")},
    )


class MonthInput(forms.TextInput):
    """<input type="month">: a month picker where the browser has one, text elsewhere."""

    input_type = "month"

    def format_value(self, value):
        if isinstance(value, date):
            return f"{value.year:04d}-{value.month:02d}"
        return super().format_value(value)


_MONTH_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})$"),
    re.compile(r"^(?P<month>\d{1,2})[-/.](?P<year>\d{4})$"),
)


def parse_month(text: str) -> date | None:
    """'2024-03', '2024/3', '03/2024' or '3.2024' -> date(2024, 3, 1); None if unreadable."""
    text = (text or "").strip()
    for pattern in _MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = int(match["year"]), int(match["month"])
            if 1 <= month <= 12:
                return date(year, month, 1)
    return None


class MonthField(forms.Field):
    """A month and year (the first of the month), never in the future."""

    widget = MonthInput
    default_error_messages = {
        "invalid": _("Enter a month and year, for example 2024-03."),
        "future": _("That month is in the future. Enter a month up to this month."),
        "too_early": _("That year is too long ago. Check the year."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value.replace(day=1)
        parsed = parse_month(str(value))
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value.year < EARLIEST_YEAR:
            raise ValidationError(self.error_messages["too_early"], code="too_early")
        if value > today():
            raise ValidationError(self.error_messages["future"], code="future")


def month_text(value: date | None) -> str | None:
    """The JSON form of a month: '2024-03'."""
    return f"{value.year:04d}-{value.month:02d}" if value else None


def clean_email_address(value: str) -> str:
    """An email address, or a ValidationError that says what is wrong with it in plain words."""
    email = (value or "").strip()
    local, at, domain = email.rpartition("@")
    if not at or not local:
        raise ValidationError(
            _("An email address needs an @, like name@example.org."), code="invalid"
        )
    if "." not in domain.strip(".") or domain.startswith(".") or domain.endswith("."):
        raise ValidationError(
            _("The part after the @ needs a full domain, like example.org."), code="invalid"
        )
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            _("This does not look like an email address. Check it for typing mistakes."),
            code="invalid",
        ) from None
    return email


class HoneypotField(forms.CharField):
    """A field people never see; bots that fill every input fill it too."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Leave this field empty"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value:
            raise ValidationError(_("This field must be left empty."), code="honeypot")


@dataclass(frozen=True)
class ErrorLink:
    """One entry of the error summary: where the problem is, and what it is."""

    anchor: str
    message: str


def field_anchor(bound_field) -> str:
    """The id to link to for a field: the input itself, or the first of a group of options."""
    if bound_field.id_for_label:
        return bound_field.id_for_label
    return f"{bound_field.auto_id}_0"


def field_error_links(form: forms.Form) -> list[ErrorLink]:
    """The error summary's links for a form's field errors, each to its field."""
    return [
        ErrorLink(field_anchor(form[name]), f"{form[name].label}: {error}")
        for name, errors in form.errors.items()
        if name != NON_FIELD_ERRORS and name in form.fields
        for error in errors
    ]


def step_helper(*layout) -> FormHelper:
    """A crispy helper for a step: fields only (the wizard page draws the form tag)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


def paragraph(text) -> HTML:
    """A paragraph of (translated, escaped) text inside a crispy layout."""
    # crispy renders HTML() content as a template: keep braces from reaching it.
    safe = escape(str(text)).replace("{", "&#123;").replace("}", "&#125;")
    return HTML(f"<p>{safe}</p>")


def flat_choices(choices) -> dict:
    """{value: label} of a choice list, optgroups included."""
    flat = {}
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.update(flat_choices(label))
        else:
            flat[value] = label
    return flat


def display_value(field: forms.Field, value) -> str:
    """An answer as a person reads it on the review page."""
    if value in (None, "", [], ()):
        return str(_("Not given"))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if hasattr(field, "choices"):
        labels = flat_choices(field.choices)
        if isinstance(value, list | tuple):
            return ", ".join(str(labels.get(item, item)) for item in value)
        return str(labels.get(value, value))
    if isinstance(field, MonthField):
        return month_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class StepForm(forms.Form):
    """Base of every intake step: the error summary's links and the JSON-safe answers."""

    # Short, translatable name of the step, shown in the progress line and the review page.
    title = ""
    is_quiet = False

    def quiet(self) -> None:
        """Show the bound answers without their errors: coming back to a step, not sending it.

        Only for rendering: a quiet form must not be validated again.
        """
        self._errors = ErrorDict()
        self.is_quiet = True

    def summary(self) -> list[tuple[str, str]]:
        """(question, answer) rows for the review page; call only on a valid form."""
        rows = []
        for name, field in self.fields.items():
            if field.widget.is_hidden or isinstance(field, HoneypotField):
                continue
            rows.append((str(field.label), display_value(field, self.cleaned_data.get(name))))
        return rows

    def error_links(self) -> list[ErrorLink]:
        links = [ErrorLink("step-form", str(error)) for error in self.non_field_errors()]
        return links + field_error_links(self)

    def answers(self) -> dict:
        """The cleaned answers, JSON-safe; call only on a valid form."""
        raise NotImplementedError
