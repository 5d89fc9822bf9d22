"""Step 6: the patient's reports. Each file is checked and stored as soon as it is posted.

The wizard view hands the posted files to screening.intake.submit.add_draft_documents (which
uses the upload checks in screening.documents.uploads) and puts each rejected file's reason on
this form's `files` field; the files that passed stay listed, with a remove button each.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from screening.documents.uploads import ACCEPT_ATTRIBUTE, max_files_per_case
from screening.intake.forms.fields import StepForm, step_helper
from screening.models import DocumentCategory


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleaned to a list (maybe empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class DocumentsForm(StepForm):
    title = _("Documents")

    category = forms.ChoiceField(
        label=_("What kind of document are you adding?"),
        choices=DocumentCategory.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    files = MultipleFileField(label=_("Choose one or more files"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Worded here, not on the class: a lazy string formatted at import would stay English.
        self.fields["files"].help_text = _(
            "PDF, JPEG or PNG, up to 20 MB each and %(max)s files in all. Photos of paper "
            "reports are fine if the text is readable."
        ) % {"max": max_files_per_case()}
        self.helper = step_helper("category", "files")

    def summary(self) -> list[tuple[str, str]]:
        return []  # the review page lists the documents themselves

    def answers(self) -> dict:
        return {}
