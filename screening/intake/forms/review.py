"""Step 7: review and submit, and the "save and continue later" form."""

from __future__ import annotations

from crispy_forms.layout import Div
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from screening.intake.forms.fields import HoneypotField, StepForm, clean_email_address, step_helper


class ReviewForm(StepForm):
    title = _("Check and send")

    # The draft's one-time submission key: a replayed or double-clicked submit finds the case
    # it already created instead of creating a second one.
    submission_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={
            "required": _(
                "This page was out of date. Please check the answers below and send again."
            ),
        },
    )
    leave_blank = HoneypotField()

    def __init__(self, *args, submission_key: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_key = submission_key
        self.fields["submission_key"].initial = submission_key
        self.helper = step_helper(
            "submission_key", Div("leave_blank", css_class="nav-hp", aria_hidden="true")
        )

    def clean_submission_key(self):
        key = self.cleaned_data["submission_key"]
        if key != self.expected_key:
            raise ValidationError(
                _("This page was out of date. Please check the answers below and send again."),
                code="stale",
            )
        return key

    def answers(self) -> dict:
        return {}


class SaveForLaterForm(forms.Form):
    email = forms.CharField(
        label=_("Your email address"),
        help_text=_(
            "We will send a link that opens your answers again. It works once, for 14 days."
        ),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Enter the email address to send the link to.")},
    )
    leave_blank = HoneypotField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = step_helper(
            "email", Div("leave_blank", css_class="nav-hp", aria_hidden="true")
        )

    def clean_email(self):
        return clean_email_address(self.cleaned_data["email"])
