"""Step 1: who is filling in the form, how to reach them, the patient's date of birth, consent."""

from __future__ import annotations

import re

from crispy_forms.layout import Fieldset
from django import forms
from django.conf import global_settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from screening.intake.ages import age_in_years
from screening.intake.consent import CONSENT_STATEMENTS, CONSENT_VERSION, consent_text
from screening.intake.forms.fields import (
    StepForm,
    clean_email_address,
    paragraph,
    step_helper,
    today,
)
from screening.models import SubmitterRole

MAX_AGE_YEARS = 120
_PHONE_CHARACTERS = re.compile(r"^[0-9+()\-./ ]+$")


def language_choices() -> list[tuple[str, str]]:
    """Every language Django knows, without regional variants, as 'Español (Spanish)'."""
    choices = []
    for code, english in global_settings.LANGUAGES:
        if "-" in code and code not in {"zh-hans", "zh-hant"}:
            continue
        local = LANG_INFO.get(code, {}).get("name_local", "")
        translated = gettext(english)
        label = translated if not local or local == translated else f"{local} ({translated})"
        choices.append((code, label))
    return sorted(choices, key=lambda choice: choice[1].casefold())


def country_choices() -> list[tuple[str, str]]:
    return [("", _("Choose a country")), *((code, name) for code, name in countries)]


class AboutForm(StepForm):
    title = _("About you")

    submitter_role = forms.ChoiceField(
        label=_("Who is filling in this form?"),
        choices=SubmitterRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who is filling in this form.")},
    )
    first_name = forms.CharField(
        label=_("Your first name"),
        max_length=100,
        error_messages={"required": _("Enter your first name.")},
    )
    last_name = forms.CharField(
        label=_("Your last name (optional)"), max_length=100, required=False
    )
    patient_name = forms.CharField(
        label=_("The patient's name (optional)"),
        help_text=_("Only if you are filling this in for someone else."),
        max_length=200,
        required=False,
    )
    email = forms.CharField(
        label=_("Your email address"),
        help_text=_("We send the confirmation and your private status link here."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Enter your email address.")},
    )
    phone = forms.CharField(
        label=_("Your phone number (optional)"),
        help_text=_(
            "With the country code if you live outside the US, for example +44 20 7946 0000."
        ),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    country = forms.ChoiceField(
        label=_("Which country do you live in?"),
        choices=country_choices,
        error_messages={"required": _("Choose the country you live in.")},
    )
    travel_countries = forms.MultipleChoiceField(
        label=_("Other countries the patient would travel to for a clinical trial (optional)"),
        help_text=_(
            "Many new treatments are only offered in clinical trials, which run in a few "
            "countries. Choose any you would consider, or none. To choose more than one, hold "
            "Ctrl (Cmd on a Mac) while you click."
        ),
        choices=lambda: list(countries),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    language = forms.ChoiceField(
        label=_("Which language would you like us to use?"),
        help_text=_("A coordinator who speaks it will contact you where possible."),
        choices=language_choices,
        initial="en",
        error_messages={"required": _("Choose a language.")},
    )
    date_of_birth = forms.DateField(
        label=_("The patient's date of birth"),
        help_text=_("For example 1980-07-25. If you do not know the day, use the 1st."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Enter the patient's date of birth."),
            "invalid": _("Enter a real date, for example 1980-07-25."),
        },
    )
    consent_processing = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("We can only look at your case if you agree to this."),
        },
    )
    consent_sharing = forms.BooleanField(required=False)
    consent_not_medical_advice = forms.BooleanField(
        required=True,
        error_messages={"required": _("Please confirm you understand this before going on.")},
    )
    # The version of the statements on the page. Answers stored under older wording fail to
    # validate, so a resumed draft has to agree to the new wording before it can be sent.
    consent_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in CONSENT_STATEMENTS:
            self.fields[f"consent_{key}"].label = consent_text(key)
        self.fields["consent_version"].initial = CONSENT_VERSION
        name = self.add_prefix("consent_version")
        self.outdated_consent = self.is_bound and self.data.get(name) != CONSENT_VERSION
        if self.is_bound:
            # Shown again, the page carries the current version.
            self.data = self.data.copy()
            self.data[name] = CONSENT_VERSION
        self.helper = step_helper(
            Fieldset(
                _("You"),
                "submitter_role",
                "first_name",
                "last_name",
                "patient_name",
            ),
            Fieldset(
                _("How to reach you"), "email", "phone", "country", "travel_countries", "language"
            ),
            Fieldset(_("The patient"), "date_of_birth"),
            Fieldset(
                _("Consent"),
                paragraph(_("Please read each statement. The first and the last are needed.")),
                "consent_processing",
                "consent_sharing",
                "consent_not_medical_advice",
                "consent_version",
            ),
        )

    def clean_email(self):
        return clean_email_address(self.cleaned_data["email"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        if not _PHONE_CHARACTERS.match(phone):
            raise ValidationError(
                _("A phone number can only have digits, spaces, +, brackets and dashes."),
                code="invalid",
            )
        digits = sum(ch.isdigit() for ch in phone)
        if digits < 6:
            raise ValidationError(_("This phone number is too short."), code="too_short")
        if digits > 17:
            raise ValidationError(_("This phone number is too long."), code="too_long")
        return phone

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        now = today()
        if born > now:
            raise ValidationError(_("The date of birth cannot be in the future."), code="future")
        if age_in_years(born, now) > MAX_AGE_YEARS:
            raise ValidationError(
                _("That makes the patient older than %(max)s. Check the year.")
                % {"max": MAX_AGE_YEARS},
                code="too_old",
            )
        return born

    def clean(self):
        cleaned = super().clean()
        if self.outdated_consent:
            self.add_error(
                "consent_processing",
                _(
                    "The wording of these statements has changed since you agreed. Please read "
                    "them and agree again."
                ),
            )
        return cleaned

    def summary(self) -> list[tuple[str, str]]:
        # The consent statements are long: the review names them briefly.
        short = {
            "processing": (_("Storing and using this information"), _("Agreed")),
            "sharing": (_("Sharing it with treatment centers"), _("Agreed")),
            "not_medical_advice": (_("This is not medical advice"), _("Understood")),
        }
        rows = [
            row
            for row in super().summary()
            if not row[0].startswith(
                tuple(str(self.fields[f"consent_{key}"].label) for key in CONSENT_STATEMENTS)
            )
        ]
        for key, (label, yes) in short.items():
            agreed = self.cleaned_data[f"consent_{key}"]
            rows.append((str(label), str(yes if agreed else _("Not agreed"))))
        return rows

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "submitter_role": data["submitter_role"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "patient_name": data["patient_name"],
            "email": data["email"],
            "phone": data["phone"],
            "country": data["country"],
            "travel_countries": sorted(set(data["travel_countries"]) - {data["country"]}),
            "language": data["language"],
            "date_of_birth": data["date_of_birth"].isoformat(),
        }

    def consent(self) -> dict:
        """What was agreed, for the case's consent fields (the time is added by the wizard)."""
        data = self.cleaned_data
        return {
            "version": CONSENT_VERSION,
            **{key: bool(data[f"consent_{key}"]) for key in CONSENT_STATEMENTS},
        }
