"""Forms for amending one profile field and withdrawing an amendment.

The value input is built from the field's kind in the schema's vocabulary (a yes / no /
unknown choice, a list of diagnoses, checkboxes of drug classes, a number), so nothing outside
the vocabulary can be offered; a typed number outside its range goes to the service, which
refuses it with the rules' own message for the field. Every input has a label; the source's
inputs sit in one fieldset per kind of source.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from screening.core import profile_fields as fields
from screening.models import AmendmentSource, Case, ContactMethod, Document, ScanStatus
from screening.triage.amendments import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, FactSource

UNKNOWN = "unknown"


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        day = obj.uploaded_at.strftime("%Y-%m-%d")
        pages = f", {obj.page_count} p." if obj.page_count else ""
        return f"{obj.original_name} ({obj.get_category_display()}, {day}{pages})"


class VocabularyChoiceField(forms.ChoiceField):
    """Offers the vocabulary; a posted value outside it is passed on, so the service refuses it
    with the rules' own message for the field (one wording everywhere)."""

    def validate(self, value):
        forms.Field.validate(self, value)


class VocabularyMultipleChoiceField(forms.MultipleChoiceField):
    def validate(self, value):
        forms.Field.validate(self, value)


def _value_field(schema_field: fields.ProfileField) -> forms.Field:
    label = _("New value")
    if schema_field.kind == fields.YES_NO:
        yes, no = schema_field.yes_no_words
        return VocabularyChoiceField(
            label=label,
            choices=[("true", yes), ("false", no), (UNKNOWN, _("unknown"))],
            widget=forms.RadioSelect,
        )
    if schema_field.kind == fields.CHOICE:
        return VocabularyChoiceField(
            label=label, choices=[(UNKNOWN, _("unknown")), *schema_field.choices.items()]
        )
    if schema_field.kind == fields.CLASSES:
        return VocabularyMultipleChoiceField(
            label=label,
            choices=list(schema_field.choices.items()),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text=_("Tick every class received; none ticked means none received."),
        )
    unit = f" ({schema_field.unit})" if schema_field.unit else ""
    return forms.CharField(
        label=f"{label}{unit}",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
        help_text=_("From %(low)g to %(high)g; leave empty for unknown.")
        % {"low": schema_field.low, "high": schema_field.high},
    )


class AmendFactForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Where does the value come from?"),
        choices=AmendmentSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say where the value comes from.")},
    )
    document = DocumentChoiceField(
        queryset=Document.objects.none(),
        label=_("Document"),
        required=False,
        empty_label=_("Choose a document of this case"),
    )
    page = forms.IntegerField(label=_("Page (optional)"), required=False, min_value=1)
    contact_name = forms.CharField(
        label=_("Who (name, role)"),
        required=False,
        max_length=200,
        help_text=_("For the treating team: required. For the patient: optional, e.g. “daughter”."),
    )
    contact_method = forms.ChoiceField(
        label=_("How"),
        required=False,
        choices=[("", "—"), *ContactMethod.choices],
    )
    contact_date = forms.DateField(
        label=_("When"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )
    # The field's revision when the form was shown (see screening/triage/amendments.py).
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, case: Case, path: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.path = path
        self.schema_field = fields.profile_field(path)
        self.fields["value"] = _value_field(self.schema_field)
        self.order_fields(["value"])
        self.fields["document"].queryset = case.documents.exclude(
            scan_status=ScanStatus.QUARANTINED
        ).order_by("uploaded_at", "pk")

    @classmethod
    def initial_for(cls, current, revision: int) -> dict:
        """The form's starting values: the field's current value and revision."""
        return {"value": value_to_input(current), "revision": revision}

    def clean_value(self):
        raw = self.cleaned_data.get("value")
        kind = self.schema_field.kind
        if kind == fields.YES_NO:
            return {"true": True, "false": False, UNKNOWN: None}.get(raw, raw)
        if kind == fields.CHOICE:
            return None if raw == UNKNOWN else raw
        if kind == fields.CLASSES:
            return list(raw or [])
        text = (raw or "").strip().replace(",", ".")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return text  # the service refuses it with the field's message
        return int(number) if number.is_integer() else number

    def fact_source(self) -> FactSource:
        data = self.cleaned_data
        return FactSource(
            kind=data.get("source") or "",
            document=data.get("document"),
            page=data.get("page"),
            contact_name=(data.get("contact_name") or "").strip(),
            contact_method=data.get("contact_method") or "",
            contact_date=data.get("contact_date"),
        )


def value_to_input(value):
    """A stored value as the form's input value."""
    if value is None:
        return UNKNOWN
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return value
    if isinstance(value, float):
        return f"{value:g}"
    return value


class WithdrawAmendmentForm(forms.Form):
    reason = forms.CharField(
        label=_("Why withdraw it?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"size": 40}),
        error_messages={"required": _("Say why the amendment is withdrawn.")},
    )
