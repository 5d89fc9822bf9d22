"""Step 3: the disease now, with only the questions that matter for the diagnosis."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from screening.intake.forms.fields import NO, UNKNOWN, YES, StepForm, step_helper, tri_state_field
from screening.intake.vocabulary import status_questions

STATUS_CHOICES = [
    ("newly_diagnosed", _("Recently diagnosed: not yet in remission, and it has never come back")),
    ("first_remission", _("In remission (no sign of the cancer) for the first time")),
    ("second_remission", _("In remission for the second time, after it came back once")),
    ("relapsed", _("It came back once after treatment (first relapse)")),
    ("second_or_later_relapse", _("It has come back two or more times")),
    ("refractory", _("It is not responding, or stopped responding, to treatment (refractory)")),
    ("relapsed_after_transplant", _("It came back after a stem cell transplant")),
    ("unknown", _("Not sure")),
]

MRD_CHOICES = [
    ("not_tested", _("Not tested, or not sure")),
    ("negative", _("Not detectable (MRD-negative)")),
    ("detectable", _("Detectable (MRD-positive)")),
]


def _question(key):
    if key == "in_consolidation_phase":
        return tri_state_field(
            _("Is the patient now in the consolidation phase of chemotherapy?"),
            help_text=_(
                "Consolidation is the phase after the first (induction) treatment, once in "
                "remission."
            ),
        )
    if key == "transplant_eligible":
        return tri_state_field(
            _(
                "Has the treating team said whether a transplant of the patient's own stem cells "
                "(autologous) is an option?"
            ),
            choices=[
                (YES, _("Yes, a transplant is an option")),
                (
                    NO,
                    _("No, not a candidate (for example because of age or other health problems)"),
                ),
                (UNKNOWN, _("Not discussed, or not sure")),
            ],
        )
    if key == "lenalidomide_refractory":
        return tri_state_field(
            _(
                "Did the myeloma get worse while taking lenalidomide (Revlimid), or within 60 "
                "days of stopping it?"
            ),
            choices=[
                (YES, _("Yes")),
                (NO, _("No, or never had lenalidomide")),
                (UNKNOWN, _("Not sure")),
            ],
        )
    if key == "no_satisfactory_alternative":
        return tri_state_field(
            _("Has the treating team said there are no satisfactory other treatment options?"),
            choices=[
                (YES, _("Yes, no satisfactory options are left")),
                (NO, _("No, other options exist")),
                (UNKNOWN, _("Not discussed, or not sure")),
            ],
        )
    raise KeyError(key)


class DiseaseNowForm(StepForm):
    title = _("The disease now")

    status = forms.ChoiceField(
        label=_("Which best describes the disease now?"),
        choices=STATUS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the description that fits best, or “Not sure”.")},
    )

    def __init__(self, *args, diagnosis=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.diagnosis = diagnosis
        self.questions = status_questions(diagnosis)
        for key in self.questions:
            if key == "mrd":
                self.fields["mrd"] = forms.ChoiceField(
                    label=_(
                        "If in remission: what did the last MRD (minimal residual disease) test "
                        "show?"
                    ),
                    help_text=_(
                        "MRD tests look for leukemia cells too few to see under the microscope."
                    ),
                    choices=MRD_CHOICES,
                    widget=forms.RadioSelect,
                    initial="not_tested",
                    error_messages={
                        "required": _("Choose an MRD result, or “Not tested, or not sure”.")
                    },
                )
                self.fields["mrd_percent"] = forms.DecimalField(
                    label=_("MRD level in percent, if detectable (optional)"),
                    help_text=_("For example 0.5 for 0.5 %. Leave empty if you do not know it."),
                    min_value=Decimal("0"),
                    max_value=Decimal("100"),
                    max_digits=9,
                    decimal_places=6,
                    required=False,
                    error_messages={
                        "invalid": _("Enter a number, for example 0.5."),
                        "min_value": _("The MRD level cannot be below 0 %%."),
                        "max_value": _("The MRD level cannot be above 100 %%."),
                        "max_digits": _("Enter the MRD level with at most 6 decimals."),
                        "max_decimal_places": _("Enter the MRD level with at most 6 decimals."),
                        "max_whole_digits": _("The MRD level cannot be above 100 %%."),
                    },
                )
            else:
                self.fields[key] = _question(key)
        self.helper = step_helper(*self.fields)

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("mrd_percent")
        if level is not None and cleaned.get("mrd") in {"not_tested", "negative"}:
            self.add_error(
                "mrd_percent",
                _("Give a level only when MRD was detectable, or choose “Detectable” above."),
            )
        elif level is not None and level == 0 and cleaned.get("mrd") == "detectable":
            self.add_error(
                "mrd_percent",
                _("A detectable MRD level is above 0 %. Leave it empty if you do not know it."),
            )
        return cleaned

    def answers(self) -> dict:
        data = self.cleaned_data
        result = {"status": data["status"]}
        for key in self.questions:
            if key == "mrd":
                result["mrd"] = data["mrd"]
                level = data.get("mrd_percent")
                result["mrd_percent"] = float(level) if level is not None else None
            else:
                result[key] = data[key]
        return result
