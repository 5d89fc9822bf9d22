"""Step 5: current health, in plain words (ECOG performance status, infection, CNS)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from screening.intake.forms.fields import StepForm, step_helper, tri_state_field

# ECOG 0-4 in the words of the scale's own descriptions, simplified.
ECOG_CHOICES = [
    ("0", _("Fully active: can do everything they did before the illness")),
    (
        "1",
        _(
            "Cannot do heavy physical work, but can walk and do light work such as housework or "
            "office work"
        ),
    ),
    (
        "2",
        _(
            "Can walk and take care of themselves, but cannot work; up and about more than half "
            "of the day"
        ),
    ),
    (
        "3",
        _("Can only partly take care of themselves; in bed or a chair more than half of the day"),
    ),
    ("4", _("Cannot take care of themselves at all; in bed or a chair all day")),
    ("unknown", _("Not sure")),
]


class HealthForm(StepForm):
    title = _("Current health")

    ecog = forms.ChoiceField(
        label=_("Which best describes the patient's daily activity now?"),
        choices=ECOG_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the description that fits best, or “Not sure”.")},
    )
    active_infection = tri_state_field(
        _("Does the patient have an infection that is being treated now?")
    )
    cns_involvement = tri_state_field(
        _("Has the cancer spread to the brain or spinal cord (CNS involvement)?")
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
