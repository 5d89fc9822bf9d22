"""One builder for every email: a template triple per message, rendered here.

Templates live in templates/emails/<name>/{subject.txt,body.txt,body.html}. Emails to patients
and coordinators carry references and links, never medical details, unless the template is a
case summary that staff send on purpose (and it then carries the not-medical-advice notice).
Nothing here sends: every email leaves through the outbox (screening/notify/outbox.py).
"""

from __future__ import annotations

import uuid
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy

# The rules' notice (screening.rules.results.MEDICAL_ADVICE_NOTICE, plain Python) as the
# catalogues know it, so every email and the status page give it in the person's language; a
# test keeps the two in step.
NOTICE = gettext_lazy(
    "Navigator compares the information given with the approved US label indications. It is not "
    "medical advice and not a treatment decision: the treating team decides."
)


def render_email(name: str, context: dict) -> tuple[str, str, str]:
    """Return (subject, text body, html body) for the template triple `name`, in the active
    language (the outbox renders inside the email's language)."""
    context = {"notice": str(NOTICE), "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}/subject.txt", context)
    # A subject is one line: a newline in it is a header injection waiting to happen.
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{name}/body.txt", context)
    html = render_to_string(f"emails/{name}/body.html", context)
    return subject, text, html


def new_message_id() -> str:
    """A Message-ID for a new outbox row, kept with it so every attempt sends the same one
    (a receiving server or mail client can then recognise a repeat)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<navigator.{uuid.uuid4().hex}@{domain}>"


def build_message(row) -> EmailMultiAlternatives:
    """The email an outbox row (screening.models.Notification) stands for, as stored."""
    message = EmailMultiAlternatives(
        row.subject,
        row.body_text,
        settings.DEFAULT_FROM_EMAIL,
        list(row.to),
        headers={"Message-ID": row.message_id},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for attachment in row.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return message


REDACTED = "[link removed after sending]"


def redacted_copy(row) -> dict:
    """The row's stored subject and bodies with its secrets (links with tokens) removed, as
    fields to save; once the email has left, nobody needs them again."""
    fields = {"subject": row.subject, "body_text": row.body_text, "body_html": row.body_html}
    for secret in row.secrets:
        for name, value in fields.items():
            fields[name] = value.replace(secret, REDACTED).replace(escape(secret), REDACTED)
    return {**fields, "secrets": []}


def case_admin_url(case) -> str:
    """The coordinator's link to the case in the admin (sign-in required)."""
    return settings.SITE_URL + reverse("admin:screening_case_change", args=[case.pk])
