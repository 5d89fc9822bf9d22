"""The case file's "Messages" section: the conversation with the person behind the case, and
the form its coordinator (or a lead) answers with. The answer is one of the case page's actions
(case_actions.py, "answer"); the reading and the writing are in screening/triage/messages.py.
"""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from screening.admin.case_file import SECTION_TEMPLATES, CaseFileSection, add_section
from screening.triage import access
from screening.triage.messages import answer_patient_message, case_messages


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Message to the patient"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        error_messages={
            "required": gettext_lazy("Write the message before sending it."),
            "max_length": gettext_lazy(
                "The message is too long (%(show_value)d characters; at most %(limit_value)d)."
            ),
        },
        help_text=gettext_lazy(
            "The patient reads it on their status page; the email only says a message is waiting."
        ),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].validators.append(
            MaxLengthValidator(settings.PATIENT_MESSAGE_MAX_LENGTH)
        )
        self.fields["body"].widget.attrs["maxlength"] = str(settings.PATIENT_MESSAGE_MAX_LENGTH)
        if not self.is_bound:
            self.initial["key"] = uuid.uuid4().hex


def answer(request, case, data):
    """The "answer" case action: write to the patient."""
    answer_patient_message(case, data["body"], by=request.user, key=data["key"], request=request)
    return _(
        "Message sent. The patient is told by email that a message is waiting on their status page."
    ), messages.SUCCESS


def _messages_context(case_file: dict, request) -> dict:
    case = case_file["case"]
    can_answer = access.can_change_case(request.user, case)
    return {
        "case_messages": case_messages(case, request.user, request=request),
        "answer_form": AnswerForm() if can_answer else None,
        "message_max_length": settings.PATIENT_MESSAGE_MAX_LENGTH,
    }


add_section(
    CaseFileSection(
        "messages",
        gettext_lazy("Messages"),
        SECTION_TEMPLATES + "messages.html",
        context=_messages_context,
    ),
    after="requests",
)
