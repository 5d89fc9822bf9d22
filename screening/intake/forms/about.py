"""Step 1: who is filling in the form, how to reach them, the patient's date of birth, consent."""

from __future__ import annotations

import re

from crispy_forms.layout import Fieldset
from django import forms
from django.conf import global_settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from screening.intake.ages import age_in_years
from screening.intake.consent import CONSENT_STATEMENTS, CONSENT_VERSION, consent_text
from screening.intake.forms.fields import (
    DayMonthYearField,
    StepForm,
    clean_email_address,
    paragraph,
    short_label,
    step_helper,
    today,
)
from screening.intake.forms.follow_ups import SHOWN_FIELD, FollowUp
from screening.intake.forms.wording import fills_in_for_self, pick, worded
from screening.models import SubmitterRole

MAX_AGE_YEARS = 120
_PHONE_CHARACTERS = re.compile(r"^[0-9+()\-./ ]+$")


# The consent statements are long: the review and the error summary name them briefly.
CONSENT_SHORT_NAMES = {
    "processing": _("Storing and using this information"),
    "sharing": _("Sharing it with treatment centers"),
    "not_medical_advice": _("This is not medical advice"),
}


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


ROLE_CHOICES = [
    (SubmitterRole.PATIENT, _("I am the patient")),
    (SubmitterRole.FAMILY, _("A relative or friend, filling it in for the patient")),
    (SubmitterRole.CLINICIAN, _("A doctor or nurse, referring the patient")),
]
FOR_SOMEONE_ELSE = frozenset({SubmitterRole.FAMILY.value, SubmitterRole.CLINICIAN.value})
# Asked when someone fills the form in for the patient; shown until the role is chosen.
PATIENT_NAMES = FollowUp(
    ("patient_first_name", "patient_last_name"),
    when="submitter_role",
    values=FOR_SOMEONE_ELSE,
    show_until_answered=True,
)


class AboutForm(StepForm):
    title = worded(_("About you"), _("About you and the patient"))

    submitter_role = forms.ChoiceField(
        label=_("Who is filling in this form?"),
        choices=ROLE_CHOICES,
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
    patient_first_name = forms.CharField(
        label=_("The patient's first name"),
        max_length=100,
        error_messages={"required": _("Enter the patient's first name.")},
    )
    patient_last_name = forms.CharField(
        label=_("The patient's last name"),
        help_text=_("As in their medical records, so the coordinator can match the reports."),
        max_length=100,
        error_messages={"required": _("Enter the patient's last name.")},
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
    language = forms.ChoiceField(
        label=_("Which language would you like us to use?"),
        help_text=_("A coordinator who speaks it will contact you where possible."),
        choices=language_choices,
        initial="en",
        error_messages={"required": _("Choose a language.")},
    )
    date_of_birth = DayMonthYearField(
        label=worded(_("Your date of birth"), _("The patient's date of birth")),
        help_text=worded(
            _("For example 25 7 1980."),
            _("For example 25 7 1980. If you do not know the day, put 1."),
        ),
        error_messages={
            "required": worded(
                _("Enter your date of birth."), _("Enter the patient's date of birth.")
            ),
        },
    )
    country = forms.ChoiceField(
        label=worded(
            _("Which country do you live in?"), _("Which country does the patient live in?")
        ),
        choices=country_choices,
        error_messages={
            "required": worded(
                _("Choose the country you live in."), _("Choose the country the patient lives in.")
            ),
        },
    )
    travel_countries = short_label(
        forms.MultipleChoiceField(
            label=worded(
                _("Other countries you would travel to for a clinical trial (optional)"),
                _("Other countries the patient would travel to for a clinical trial (optional)"),
            ),
            help_text=_(
                "Many new treatments are only offered in clinical trials, which run in a few "
                "countries. Choose any you would consider, or none. To choose more than one, hold "
                "Ctrl (Cmd on a Mac) while you click."
            ),
            choices=lambda: list(countries),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 6}),
        ),
        _("Countries for a clinical trial"),
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

    def __init__(self, *args, patient_name_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Step 1 asks who fills it in: its own wording follows the answer on the page.
        role = self.answer_to("submitter_role")
        if role in dict(ROLE_CHOICES):
            self.filled_by = role
            self.to_patient = fills_in_for_self(role)
            self.apply_wording()
        for key in CONSENT_STATEMENTS:
            self.fields[f"consent_{key}"].label = consent_text(key)
            self.fields[f"consent_{key}"].summary_label = CONSENT_SHORT_NAMES[key]
        self.fields["consent_version"].initial = CONSENT_VERSION
        # The language to talk in starts as the one the person is reading (README "Languages").
        self.fields["language"].initial = translation.get_language() or "en"
        name = self.add_prefix("consent_version")
        self.outdated_consent = self.is_bound and self.data.get(name) != CONSENT_VERSION
        if self.is_bound:
            # Shown again, the page carries the current version.
            self.data = self.data.copy()
            self.data[name] = CONSENT_VERSION
        if not patient_name_required:
            # The API: a referring hospital may send the patient's name, or not (as before).
            for field_name in PATIENT_NAMES.fields:
                self.fields[field_name].required = False
        self.setup_follow_ups([PATIENT_NAMES])
        self.helper = step_helper(
            "submitter_role",
            Fieldset(_("You"), "first_name", "last_name"),
            self.follow_up_block(
                PATIENT_NAMES,
                Fieldset(_("The patient"), "patient_first_name", "patient_last_name"),
            ),
            "date_of_birth",
            Fieldset(_("How to reach you"), "email", "phone", "language"),
            Fieldset(
                worded_legend(self, _("Where you live"), _("Where the patient lives")),
                "country",
                "travel_countries",
                css_id="where-title",
            ),
            Fieldset(
                _("Consent"),
                paragraph(_("Please read each statement. The first and the last are needed.")),
                "consent_processing",
                "consent_sharing",
                "consent_not_medical_advice",
                "consent_version",
            ),
            SHOWN_FIELD,
        )

    def live_wording(self) -> dict:
        """The texts of this page that change with the role chosen on it, for the script."""
        texts = [
            {"selector": "#step-title", **_both(self.title)},
            {
                "selector": "#where-title > legend",
                **_both(worded(_("Where you live"), _("Where the patient lives"))),
            },
        ]
        for name, field in self.fields.items():
            bound = self[name]
            for attribute, selector in (
                ("label", _label_selector(bound)),
                ("help_text", f"#{bound.auto_id}_helptext"),
            ):
                text = getattr(field, "worded_texts", {}).get(attribute)
                if text is not None:
                    texts.append({"selector": selector, **_both(text)})
        return {
            "role": self.add_prefix("submitter_role"),
            "patient": SubmitterRole.PATIENT.value,
            "texts": texts,
        }

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
                self.word(
                    worded(
                        _("That makes you older than %(max)s. Check the year."),
                        _("That makes the patient older than %(max)s. Check the year."),
                    )
                )
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
        agreed_word = {"processing": _("Agreed"), "sharing": _("Agreed")}
        rows = [
            row
            for row in super().summary()
            if not row[0].startswith(
                tuple(str(self.fields[f"consent_{key}"].label) for key in CONSENT_STATEMENTS)
            )
        ]
        for key, label in CONSENT_SHORT_NAMES.items():
            yes = agreed_word.get(key, _("Understood"))
            agreed = self.cleaned_data[f"consent_{key}"]
            rows.append((str(label), str(yes if agreed else _("Not agreed"))))
        return rows

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "submitter_role": data["submitter_role"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            # Whoever fills it in, the case knows the patient's name: their own, or the one
            # given for them.
            **self.patient_name(),
            "email": data["email"],
            "phone": data["phone"],
            "country": data["country"],
            "travel_countries": sorted(set(data["travel_countries"]) - {data["country"]}),
            "language": data["language"],
            "date_of_birth": data["date_of_birth"].isoformat(),
        }

    def patient_name(self) -> dict:
        data = self.cleaned_data
        if data["submitter_role"] == SubmitterRole.PATIENT:
            return {
                "patient_first_name": data["first_name"],
                "patient_last_name": data["last_name"],
            }
        return {
            "patient_first_name": data.get("patient_first_name", ""),
            "patient_last_name": data.get("patient_last_name", ""),
        }

    def consent(self) -> dict:
        """What was agreed, for the case's consent fields (the time is added by the wizard)."""
        data = self.cleaned_data
        return {
            "version": CONSENT_VERSION,
            **{key: bool(data[f"consent_{key}"]) for key in CONSENT_STATEMENTS},
        }


def _both(text) -> dict:
    return {"patient": str(pick(text, True)), "other": str(pick(text, False))}


def _label_selector(bound) -> str:
    if bound.field.widget.use_fieldset:
        return f"#div_{bound.auto_id} legend"
    return f'label[for="{bound.id_for_label}"]'


def worded_legend(form: StepForm, to_patient, to_someone_else) -> str:
    return str(form.word(worded(to_patient, to_someone_else)))
