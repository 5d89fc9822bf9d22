"""Step 3: the disease now, with only the questions that matter for the diagnosis and, on the
same page, only for the statuses they matter for (screening/intake/forms/follow_ups.py)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from screening.intake.forms.fields import (
    NO,
    UNKNOWN,
    YES,
    StepForm,
    paragraph,
    short_label,
    step_helper,
    tri_state_field,
)
from screening.intake.forms.follow_ups import SHOWN_FIELD, FollowUp
from screening.intake.forms.wording import worded
from screening.intake.vocabulary import STATUS_QUESTION_STATES, status_questions

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
        return short_label(
            tri_state_field(
                worded(
                    _("Are you now in the consolidation phase of chemotherapy?"),
                    _("Is the patient now in the consolidation phase of chemotherapy?"),
                ),
                help_text=_(
                    "Consolidation is the phase after the first (induction) treatment, once in "
                    "remission."
                ),
            ),
            _("Consolidation phase"),
        )
    if key == "transplant_eligible":
        return short_label(
            tri_state_field(
                worded(
                    _(
                        "Has your treating team said whether a transplant of your own stem "
                        "cells (autologous) is an option?"
                    ),
                    _(
                        "Has the treating team said whether a transplant of the patient's own "
                        "stem cells (autologous) is an option?"
                    ),
                ),
                choices=[
                    (YES, _("Yes, a transplant is an option")),
                    (
                        NO,
                        _(
                            "No, not a candidate (for example because of age or other health "
                            "problems)"
                        ),
                    ),
                    (UNKNOWN, _("Not discussed, or not sure")),
                ],
            ),
            _("Transplant as an option"),
        )
    if key == "lenalidomide_refractory":
        return short_label(
            tri_state_field(
                _(
                    "Did the myeloma get worse while taking lenalidomide (Revlimid), or within "
                    "60 days of stopping it?"
                ),
                choices=[
                    (YES, _("Yes")),
                    (NO, _("No, or never had lenalidomide")),
                    (UNKNOWN, _("Not sure")),
                ],
            ),
            _("Lenalidomide"),
        )
    if key == "no_satisfactory_alternative":
        return short_label(
            tri_state_field(
                worded(
                    _("Has your treating team said there are no satisfactory other options?"),
                    _("Has the treating team said there are no satisfactory other options?"),
                ),
                choices=[
                    (YES, _("Yes, no satisfactory options are left")),
                    (NO, _("No, other options exist")),
                    (UNKNOWN, _("Not discussed, or not sure")),
                ],
            ),
            _("Other treatment options"),
        )
    raise KeyError(key)


def _mrd_field() -> forms.ChoiceField:
    return short_label(
        forms.ChoiceField(
            label=_("What did the last MRD (minimal residual disease) test show?"),
            help_text=_("MRD tests look for leukemia cells too few to see under the microscope."),
            choices=MRD_CHOICES,
            widget=forms.RadioSelect,
            initial="not_tested",
            error_messages={"required": _("Choose an MRD result, or “Not tested, or not sure”.")},
        ),
        _("Last MRD test"),
    )


def _mrd_level_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("MRD level in percent (optional)"),
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


# Without JavaScript the MRD level sits under the MRD question; the script shows it only once
# "Detectable" is chosen.
MRD_LEVEL = FollowUp(
    ("mrd_percent",), when="mrd", values=frozenset({"detectable"}), script_only=True
)


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
        # The questions this diagnosis has; each is asked only for the statuses it matters
        # for (STATUS_QUESTION_STATES), on the same page as the status.
        self.questions = status_questions(diagnosis)
        rules = []
        for key in self.questions:
            if key == "mrd":
                self.fields["mrd"] = _mrd_field()
                self.fields["mrd_percent"] = _mrd_level_field()
                fields = ("mrd", "mrd_percent")
            else:
                self.fields[key] = _question(key)
                fields = (key,)
            rules.append(FollowUp(fields, when="status", values=STATUS_QUESTION_STATES[key]))
        self.apply_wording()
        self.setup_follow_ups(rules)
        layout = ["status"]
        for rule in rules:
            if rule.fields[0] == "mrd":
                layout.append(
                    self.follow_up_block(
                        rule, "mrd", self.follow_up_block(MRD_LEVEL, "mrd_percent")
                    )
                )
            else:
                layout.append(self.follow_up_block(rule, *rule.fields))
        if self.questions and any(not self._rule_shown[rule] for rule in rules):
            # Shown without JavaScript once the status is known and calls for them.
            layout.insert(1, paragraph(_("Some answers bring one or two more questions.")))
        self.helper = step_helper(*layout, SHOWN_FIELD)

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
            if key in self.hidden_questions:
                continue  # not asked for this status: not kept
            if key == "mrd":
                result["mrd"] = data["mrd"]
                level = data.get("mrd_percent")
                result["mrd_percent"] = float(level) if level is not None else None
            else:
                result[key] = data[key]
        return result
