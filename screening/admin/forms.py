"""Forms for the case actions. They check input; the services in screening/triage/actions.py
do the work and enforce the workflow."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminSplitDateTime, AdminTimeWidget
from django.utils.translation import gettext_lazy as _

from screening.core.workflow import ALLOWED_MOVES
from screening.models import Case, CaseStatus, DocumentCategory, Outcome
from screening.triage.actions import (
    MESSAGE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    assignable_users,
    missing_facts,
)

# Offered on the page; "Records requested" is reached through "Request records" (which tells
# the patient what to upload) and the workflow service refuses it here with that advice.
MANUAL_TARGETS = [s for s in CaseStatus if s != CaseStatus.RECORDS_REQUESTED]


def _user_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _user_label(obj)


class AssignForm(forms.Form):
    assignee = AssigneeChoiceField(queryset=None, label=_("Coordinator"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()


class MoveForm(forms.Form):
    target = forms.ChoiceField(label=_("New status"))
    outcome = forms.ChoiceField(
        label=_("Outcome (when closing)"),
        required=False,
        choices=[("", "—")] + [(o.value, o.label) for o in Outcome if o != Outcome.DUPLICATE],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.TextInput(attrs={"size": 50}),
        help_text=_("Kept in the history and on the timeline."),
    )

    def __init__(self, *args, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            allowed = ALLOWED_MOVES[case.status]
            choices = [(s.value, s.label) for s in MANUAL_TARGETS if s in allowed]
        elif self.is_bound:
            # Validating a post: any status; the service refuses what the case cannot do.
            choices = CaseStatus.choices
        else:
            # Bulk: every status offered; the workflow refuses the moves a case cannot make.
            choices = [(s.value, s.label) for s in MANUAL_TARGETS]
        self.fields["target"].choices = choices


class RecordsRequestForm(forms.Form):
    facts = forms.MultipleChoiceField(
        label=_("Missing facts"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("From the latest screening; each comes with the document that settles it."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Documents"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=DocumentCategory.choices,
    )
    message = forms.CharField(
        label=_("Message to the patient (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facts"].choices = [
            (row.field, f"{row.fact} — {row.document} ({', '.join(row.products)})")
            for row in missing_facts(case)
        ]

    def clean(self):
        data = super().clean()
        if not data.get("facts") and not data.get("categories"):
            raise forms.ValidationError(_("Choose at least one missing fact or document."))
        return data


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label=_("Duplicate of (case reference)"),
        max_length=20,
        widget=forms.TextInput(attrs={"size": 16, "placeholder": "NAV-XXXX-XXXX"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def clean_original(self):
        return self.cleaned_data["original"].strip().upper()


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date + time inputs, each with its own accessible name: the field's one
    <label> points at the date input only, so the time input had none (axe: critical)."""

    def __init__(self, label: str, attrs=None):
        widgets = [
            AdminDateWidget(attrs={"aria-label": _("%(field)s: date") % {"field": label}}),
            AdminTimeWidget(attrs={"aria-label": _("%(field)s: time") % {"field": label}}),
        ]
        forms.MultiWidget.__init__(self, widgets, attrs)
