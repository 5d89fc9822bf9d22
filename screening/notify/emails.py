"""One builder for every email: a template triple per message, rendered and sent here.

Templates live in templates/emails/<name>/{subject.txt,body.txt,body.html}. Emails to patients
and coordinators carry references and links, never medical details, unless the template is a
case summary that staff send on purpose (and it then carries the not-medical-advice notice).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from screening.core.timeline import record_event
from screening.models import Case, EventKind
from screening.rules.results import MEDICAL_ADVICE_NOTICE


def render_email(name: str, context: dict) -> tuple[str, str, str]:
    """Return (subject, text body, html body) for the template triple `name`."""
    context = {"notice": MEDICAL_ADVICE_NOTICE, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}/subject.txt", context)
    # A subject is one line: a newline in it is a header injection waiting to happen.
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{name}/body.txt", context)
    html = render_to_string(f"emails/{name}/body.html", context)
    return subject, text, html


def send_email(
    name: str,
    to: list[str] | str,
    context: dict,
    *,
    case: Case | None = None,
    actor=None,
    patient_visible: bool = False,
) -> None:
    """Render and send one email; when it concerns a case, the timeline records it."""
    recipients = [to] if isinstance(to, str) else list(to)
    subject, text, html = render_email(name, {"case": case, **context})
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, recipients)
    message.attach_alternative(html, "text/html")
    message.send()
    if case is not None:
        record_event(
            case,
            EventKind.EMAIL_SENT,
            f"Email '{subject}' sent to {', '.join(recipients)}",
            actor=actor,
            data={"template": name, "to": recipients},
            patient_visible=patient_visible,
        )
