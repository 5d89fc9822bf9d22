"""The status page's upload form: one document type and several files.

Each file is checked on its own (screening/documents/uploads.check_upload). Files that pass are
kept even when others are refused; each refused file gets its own plain-words reason.
"""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from screening.documents.uploads import (
    ACCEPT_ATTRIBUTE,
    MAX_FILES_PER_CASE,
    UploadRejected,
    check_upload,
    max_upload_bytes,
)
from screening.models import DocumentCategory


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

    def __init__(self, *args, room: int = MAX_FILES_PER_CASE, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = room
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
                params={"n": len(files), "room": max(self.room, 0), "max": MAX_FILES_PER_CASE},
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
