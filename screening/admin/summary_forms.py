"""Forms of the case page's contacts and "Email a summary": they check input; the services in
screening/summaries/ decide who may receive what and do the work."""

from django import forms
from django.conf import settings

from screening.models import SummaryAudience, SummaryRecipient
from screening.summaries.contacts import RecipientRefused, valid_address

COVER_NOTE_MAX_LENGTH = 2000


def _address(value: str) -> str:
    try:
        return valid_address(value)
    except RecipientRefused as exc:
        raise forms.ValidationError(str(exc)) from None


class ContactsForm(forms.Form):
    referring_physician = forms.CharField(
        label="Referring physician's name", max_length=200, required=False
    )
    referring_physician_email = forms.CharField(
        label="Referring physician's email", max_length=254, required=False
    )
    referring_physician_role = forms.CharField(
        label="Referring physician's role", max_length=100, required=False,
        help_text="e.g. treating hematologist",
    )  # fmt: skip
    target_center = forms.CharField(
        label="Treating or target center", max_length=200, required=False
    )
    center_contact_name = forms.CharField(
        label="Center contact's name", max_length=200, required=False
    )
    center_contact_email = forms.CharField(
        label="Center contact's email", max_length=254, required=False
    )
    center_contact_role = forms.CharField(
        label="Center contact's role", max_length=100, required=False,
        help_text="e.g. CAR-T program coordinator",
    )  # fmt: skip

    def clean_referring_physician_email(self):
        value = self.cleaned_data["referring_physician_email"].strip()
        return _address(value) if value else ""

    def clean_center_contact_email(self):
        value = self.cleaned_data["center_contact_email"].strip()
        return _address(value) if value else ""

    @classmethod
    def for_case(cls, case):
        return cls(initial={name: getattr(case, name) for name in cls.base_fields})


class SummaryComposeForm(forms.Form):
    recipient = forms.ChoiceField(
        label="Send to", choices=SummaryRecipient.choices, widget=forms.RadioSelect
    )
    other_address = forms.CharField(label="Other address", max_length=254, required=False)
    other_address_again = forms.CharField(
        label="Other address, again", max_length=254, required=False
    )
    audience = forms.ChoiceField(
        label="Wording",
        choices=[("", "As suits the recipient (plain for the patient, clinical otherwise)"),
                 *SummaryAudience.choices],
        required=False,
    )  # fmt: skip
    language = forms.ChoiceField(
        label="Language",
        choices=[("", "The recipient's (the patient's language; English otherwise)"),
                 *settings.LANGUAGES],
        required=False,
        help_text="Spanish and Chinese exist for the plain wording only.",
    )  # fmt: skip
    cover_note = forms.CharField(
        label="Cover note (optional)",
        required=False,
        max_length=COVER_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:  # each recipient with the address it would go to
            addresses = {
                SummaryRecipient.PATIENT: case.email,
                SummaryRecipient.PHYSICIAN: case.referring_physician_email,
                SummaryRecipient.CENTER: case.center_contact_email,
            }
            self.fields["recipient"].choices = [
                (value, f"{label} — {addresses[value] or 'no address yet'}")
                if value in addresses
                else (value, label)
                for value, label in SummaryRecipient.choices
            ]

    def clean(self):
        data = super().clean()
        if data.get("recipient") != SummaryRecipient.OTHER:
            data["other_address"] = ""
            return data
        first = (data.get("other_address") or "").strip()
        again = (data.get("other_address_again") or "").strip()
        if not first:
            self.add_error("other_address", "Type the other address (twice).")
        elif first.casefold() != again.casefold():
            self.add_error(
                "other_address_again", "The two addresses differ: type the same address twice."
            )
        else:
            try:
                data["other_address"] = _address(first)
            except forms.ValidationError as exc:
                self.add_error("other_address", exc)
        return data


class SendSummaryForm(forms.Form):
    """The preview's Send button: which previewed summary."""

    summary = forms.IntegerField(widget=forms.HiddenInput)
