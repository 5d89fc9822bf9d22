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
from django.utils.choices import CallableChoiceIterator
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from screening.intake.forms.follow_ups import FollowUpForm
from screening.intake.forms.wording import Worded, fills_in_for_self, pick, pick_choices

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


class DayMonthYearInput(forms.MultiWidget):
    """Three labelled boxes, day, month and year.

    What people know of a date of birth, in an order the labels make plain whatever the
    language: a date picker shows the browser's own format (mm/dd/yyyy in a US Chromium),
    which need not be the page's, and a picker is slow for a date decades back.
    """

    template_name = "intake/widgets/day_month_year.html"
    PARTS = (
        ("day", _("Day"), 2, "bday-day"),
        ("month", _("Month"), 2, "bday-month"),
        ("year", _("Year"), 4, "bday-year"),
    )

    def __init__(self, attrs=None):
        widgets = {
            name: forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": autocomplete,
                    "maxlength": size,
                    "class": f"intake-date-{name}",
                }
            )
            for name, _label, size, autocomplete in self.PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, str):
            value = _iso_date(value) or value
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        # The whole date in one value: an API document, an older draft, a test.
        if name in data:
            return data.get(name)
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, (_name, label, _size, _auto) in zip(
            context["widget"]["subwidgets"], self.PARTS, strict=True
        ):
            subwidget["part_label"] = label
        return context


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


class DayMonthYearField(forms.Field):
    """A date typed as day, month and year (or sent whole as YYYY-MM-DD by the API)."""

    widget = DayMonthYearInput
    default_error_messages = {
        "incomplete": _("Enter the day, the month and the year."),
        "invalid": _("Enter the day, month and year as numbers, for example 25 7 1980."),
        "year": _("Enter the year with four digits, for example 1980."),
        "no_such_date": _("That date does not exist. Check the day and the month."),
        # Only a document sends the date whole (the page has three boxes).
        "invalid_whole": _("Enter a real date as YYYY-MM-DD, for example 1980-07-25."),
    }

    def to_python(self, value):
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            if value.strip() in self.empty_values:
                return None
            parsed = _iso_date(value)
            if parsed is None:
                raise ValidationError(self.error_messages["invalid_whole"], code="invalid")
            return parsed
        parts = [str(part or "").strip() for part in (value or ())]
        if not any(parts):
            return None
        if len(parts) != 3 or not all(parts):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        if not all(part.isdigit() for part in parts):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        day, month, year = parts
        if len(year) != 4:
            raise ValidationError(self.error_messages["year"], code="year")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(
                self.error_messages["no_such_date"], code="no_such_date"
            ) from None


def month_text(value: date | None) -> str | None:
    """The JSON form of a month: '2024-03'."""
    return f"{value.year:04d}-{value.month:02d}" if value else None


def month_words(value: date | None) -> str | None:
    """A month as the person's language writes it: 'March 2024', 'marzo de 2024', '2024年3月'."""
    return date_format(value, "YEAR_MONTH_FORMAT") if value else None


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


def summary_label(form_field: forms.Field) -> str:
    """The few words that name a field in the error summary: its `summary_label` when its
    label is long (a consent statement, a long question), else the label itself."""
    return str(getattr(form_field, "summary_label", "") or form_field.label or "")


def short_label(form_field: forms.Field, text) -> forms.Field:
    """Give a field with a long label the short name the error summary links with."""
    form_field.summary_label = text
    return form_field


def field_error_links(form: forms.Form) -> list[ErrorLink]:
    """The error summary's links for a form's field errors, each to its field.

    A hidden field (a key or version the page carries for itself) has no name a person would
    know: its message stands alone and links to the form.
    """
    links = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        if bound.is_hidden:
            links += [ErrorLink("step-form", str(error)) for error in errors]
            continue
        label = summary_label(form.fields[name])
        links += [
            ErrorLink(field_anchor(bound), f"{label}: {error}" if label else str(error))
            for error in errors
        ]
    return links


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
        return month_words(value)
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


class StepForm(FollowUpForm):
    """Base of every intake step: wording for who fills it in, questions that follow the
    answers, the error summary's links and the JSON-safe answers."""

    # Short, translatable name of the step, shown in the progress line and the review page.
    title = ""
    is_quiet = False

    def __init__(self, *args, filled_by: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filled_by = filled_by
        self.to_patient = fills_in_for_self(filled_by)
        self.hidden_questions = set()
        self.unseen_questions = set()
        self.apply_wording()

    def word(self, text):
        """`text` (maybe `worded(...)`) in this reader's wording."""
        return pick(text, self.to_patient)

    def apply_wording(self) -> None:
        """Pick every field's label, help, choices and messages for this reader (again, if
        the reader changed: the texts as written are kept on the field)."""
        for field in self.fields.values():
            written = getattr(field, "worded_texts", None)
            if written is None:
                written = {
                    attribute: getattr(field, attribute, "")
                    for attribute in ("label", "help_text", "summary_label")
                    if isinstance(getattr(field, attribute, ""), Worded)
                }
                written["error_messages"] = dict(field.error_messages)
                if isinstance(field, forms.ChoiceField) and not isinstance(
                    field._choices, CallableChoiceIterator
                ):
                    written["choices"] = list(field.choices)
                field.worded_texts = written
            for attribute in ("label", "help_text", "summary_label"):
                if attribute in written:
                    setattr(field, attribute, self.word(written[attribute]))
            field.error_messages = {
                code: self.word(message) for code, message in written["error_messages"].items()
            }
            if "choices" in written:
                field.choices = pick_choices(written["choices"], self.to_patient)

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
            if name in self.hidden_questions:
                continue
            rows.append((str(field.label), display_value(field, self.cleaned_data.get(name))))
        return rows

    def error_links(self) -> list[ErrorLink]:
        links = [ErrorLink("step-form", str(error)) for error in self.non_field_errors()]
        return links + field_error_links(self)

    def answers(self) -> dict:
        """The cleaned answers, JSON-safe; call only on a valid form."""
        raise NotImplementedError
