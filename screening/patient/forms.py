"""The status page's forms: documents (one type, several files) and a message to the
coordinator (PatientMessageForm, with one optional document).

Each file is checked on its own (screening/documents/uploads.check_upload). Files that pass are
kept even when others are refused; each refused file gets its own plain-words reason.
"""

from __future__ import annotations

import uuid

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from screening.documents.uploads import (
    ACCEPT_ATTRIBUTE,
    UploadRejected,
    check_upload,
    max_files_per_case,
    max_upload_bytes,
)
from screening.models import DocumentCategory
from screening.patient.messages import (
    MessageRefused,
    check_message_body,
    check_message_key,
    message_max_length,
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.Field):
    """A list of uploaded files; their content is checked by the form, not here."""

    widget = MultipleFileInput
    default_error_messages = {"required": _("Choose at least one file to upload.")}

    def to_python(self, data):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        # Anything that is not a file (a crafted post) is simply not a file.
        return [item for item in items if hasattr(item, "read") and hasattr(item, "name")]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class StatusUploadForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What kind of document is it?"),
        choices=[("", _("Choose a type…")), *DocumentCategory.choices],
        error_messages={
            "required": _("Choose the kind of document."),
            "invalid_choice": _("Choose one of the listed kinds of document."),
        },
    )
    files = MultipleFileField(label=_("Files"))

    def __init__(self, *args, room: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = max_files_per_case() if room is None else room
        self.accepted = []  # CheckedUpload, in the order given
        self.rejected: list[str] = []  # one message per refused file
        self.fields["files"].help_text = _(
            "PDF, JPEG or PNG, up to %(size)s each. You can choose several files at once."
        ) % {"size": filesizeformat(max_upload_bytes())}
        self.fields["files"].widget.attrs.update({"accept": ACCEPT_ATTRIBUTE})

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > self.room:
            raise forms.ValidationError(
                _(
                    "You chose %(n)d files, but this case can take only %(room)d more "
                    "(at most %(max)d in all). Please choose fewer files."
                ),
                params={"n": len(files), "room": max(self.room, 0), "max": max_files_per_case()},
                code="too_many",
            )
        for uploaded in files:
            try:
                self.accepted.append(check_upload(uploaded))
            except UploadRejected as rejected:
                self.rejected.append(rejected.message)
        if not self.accepted:
            raise forms.ValidationError(self.rejected)
        return files

    def uploads(self) -> list:
        """(category, CheckedUpload) pairs for screening.patient.records.receive_records."""
        return [(self.cleaned_data["category"], checked) for checked in self.accepted]


class PatientMessageForm(forms.Form):
    """A message to the coordinator from the status page: the text, one optional document
    (checked like every upload), and the form's one-time key (a double click stores once)."""

    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        strip=True,
        error_messages={"required": _("Write your message before sending it.")},
    )
    attachment = forms.FileField(label=_("Attach a document (optional)"), required=False)
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)
        limit = message_max_length()
        self.checked_upload = None
        self.fields["body"].help_text = _(
            "At most %(max)d characters. Your coordinator reads it in your case file; we email "
            "them that a message is waiting, never what it says."
        ) % {"max": limit}
        self.fields["body"].widget.attrs["maxlength"] = str(limit)
        self.fields["attachment"].help_text = _("PDF, JPEG or PNG, up to %(size)s.") % {
            "size": filesizeformat(max_upload_bytes())
        }
        self.fields["attachment"].widget.attrs.update({"accept": ACCEPT_ATTRIBUTE})

    def clean_body(self):
        try:
            return check_message_body(self.cleaned_data["body"])
        except MessageRefused as refused:
            raise forms.ValidationError(str(refused), code="invalid") from None

    def clean_key(self):
        try:
            return check_message_key(self.cleaned_data["key"])
        except MessageRefused as refused:
            raise forms.ValidationError(str(refused), code="invalid") from None

    def clean_attachment(self):
        uploaded = self.cleaned_data.get("attachment")
        if uploaded:
            try:
                self.checked_upload = check_upload(uploaded)
            except UploadRejected as rejected:
                raise forms.ValidationError(rejected.message, code=rejected.reason) from None
        return uploaded
