"""Step 5: current health, in plain words (ECOG performance status, infection, CNS)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from screening.intake.forms.fields import StepForm, short_label, step_helper, tri_state_field
from screening.intake.forms.wording import worded

# ECOG 0-4 in the words of the scale's own descriptions, simplified.
ECOG_CHOICES = [
    (
        "0",
        worded(
            _("Fully active: can do everything you did before the illness"),
            _("Fully active: can do everything they did before the illness"),
        ),
    ),
    (
        "1",
        _(
            "Cannot do heavy physical work, but can walk and do light work such as housework or "
            "office work"
        ),
    ),
    (
        "2",
        worded(
            _(
                "Can walk and take care of yourself, but cannot work; up and about more than "
                "half of the day"
            ),
            _(
                "Can walk and take care of themselves, but cannot work; up and about more than "
                "half of the day"
            ),
        ),
    ),
    (
        "3",
        worded(
            _("Can only partly take care of yourself; in bed or a chair more than half of the day"),
            _(
                "Can only partly take care of themselves; in bed or a chair more than half of "
                "the day"
            ),
        ),
    ),
    (
        "4",
        worded(
            _("Cannot take care of yourself at all; in bed or a chair all day"),
            _("Cannot take care of themselves at all; in bed or a chair all day"),
        ),
    ),
    ("unknown", _("Not sure")),
]


class HealthForm(StepForm):
    title = _("Current health")

    ecog = short_label(
        forms.ChoiceField(
            label=worded(
                _("Which best describes your daily activity now?"),
                _("Which best describes the patient's daily activity now?"),
            ),
            choices=ECOG_CHOICES,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose the description that fits best, or “Not sure”.")},
        ),
        _("Daily activity"),
    )
    active_infection = short_label(
        tri_state_field(
            worded(
                _("Do you have an infection that is being treated now?"),
                _("Does the patient have an infection that is being treated now?"),
            )
        ),
        _("Infection"),
    )
    cns_involvement = short_label(
        tri_state_field(_("Has the cancer spread to the brain or spinal cord (CNS involvement)?")),
        _("Brain or spinal cord"),
    )
    notes = forms.CharField(
        label=_("Anything else the coordinator should know? (optional)"),
        help_text=_("For example other illnesses, upcoming appointments, or travel limits."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = step_helper("ecog", "active_infection", "cns_involvement", "notes")

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "ecog": data["ecog"],
            "active_infection": data["active_infection"],
            "cns_involvement": data["cns_involvement"],
            "notes": data["notes"],
        }
