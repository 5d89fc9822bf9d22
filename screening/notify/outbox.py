"""The outbox: the one way out for email. Every email Navigator sends is queued here.

Use, from any stage, inside the transaction of the change that calls for the email:

    from screening.notify.outbox import queue_email

    with transaction.atomic():
        ...move the case...
        queue_email(
            "records_request",            # templates/emails/records_request/{subject.txt,...}
            case.email,                   # one address or a list
            case=case,                    # what it is about: a case, or draft=... (or neither)
            language=case.interface_language,  # rendered in it; default: the active language
            context={"status_url": url},  # the templates' context (`case` is added)
            secrets=("status_url",),      # context values removed from the stored copy once sent
            sent_by=request.user,         # a person who sent it on purpose, if any
            key=f"records_request:{records.pk}",  # optional business key: queued once per fact
        )

What happens:
- the email is rendered now, inside `translation.override(language)`, and stored on an outbox
  row (screening.models.Notification) in the caller's transaction: subject, text, HTML,
  recipients, language, a stable Message-ID, attachments. A rolled-back change queues nothing;
  a committed one cannot forget its email. The case timeline gets "email queued".
- after the commit, `screening.deliver_email_task` delivers it (screening/notify/delivery.py):
  claimed with a conditional update, sent, and marked sent in its own commit the moment the
  mail server accepts it; then "email sent" goes on the timeline and the secrets are removed
  from the stored copy. A transient failure (server down, timeout, 4xx) is retried with
  exponential backoff by the sweeper; a permanent refusal (5xx) marks it failed with the
  server's reason, on the timeline. No SMTP call ever happens in a transaction or a web
  request.
- deleting the case or the draft deletes its queued emails; a delivery that finds its row gone
  logs it and stops.

Extension points: `attachments=[Attachment(filename, content, content_type)]` (kept with the
row, sent with every attempt) and `sent_by` (the staff member who sent it on purpose: the
timeline's actor). `assignee=user` marks an email meant for the case's assignee: it is
cancelled if the case is reassigned before it leaves. `claimed=True` is for a worker that
sends the email itself right after its own commit (the pipeline's coordinator notice): the row
is created claimed and the caller passes it to `delivery.send_claimed_email`.
`rendered=(subject, text, html)` stores a message the caller rendered itself and showed to the
person sending it (a previewed case summary, screening/summaries/), so what leaves is what was
previewed; `secrets` then lists the secret values themselves (the context is not used).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils import timezone, translation

from screening.core.languages import offered_language
from screening.jobs import enqueue
from screening.models import (
    Case,
    CaseEvent,
    EventKind,
    IntakeDraft,
    Notification,
    NotificationAttachment,
    NotificationState,
)
from screening.notify.emails import new_message_id, redacted_copy, render_email

logger = logging.getLogger(__name__)

DELIVER_TASK = "screening.deliver_email_task"
DELIVER_MANY_TASK = "screening.deliver_emails_task"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


def _outbox_row(
    template: str,
    to: str | Sequence[str],
    *,
    case: Case | None = None,
    draft: IntakeDraft | None = None,
    language: str | None = None,
    context: Mapping | None = None,
    secrets: Iterable[str] = (),
    key: str | None = None,
    assignee=None,
    sent_by=None,
    patient_visible: bool = False,
    rendered: tuple[str, str, str] | None = None,
) -> Notification:
    """The outbox row of one email, rendered in its language (unsaved); `rendered` is a
    (subject, text, html) the caller already rendered and showed someone (a previewed case
    summary), stored as it is."""
    recipients = [to] if isinstance(to, str) else list(dict.fromkeys(to))
    if not recipients or not all(recipients):
        raise ValueError(f"The {template} email needs at least one recipient address.")
    # One of the languages we offer (a code we do not is English): README "Languages".
    language = offered_language(language or translation.get_language())
    context = {"case": case, **(context or {})}
    if rendered is not None:
        subject, text, html = rendered
    else:
        with translation.override(language):
            subject, text, html = render_email(template, context)
    return Notification(
        key=key or f"{template}:{uuid.uuid4().hex}",
        case=case,
        draft=draft,
        recipient=assignee,
        sent_by=sent_by if getattr(sent_by, "pk", None) else None,
        to=recipients,
        template=template,
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
        secrets=(
            [str(value) for value in secrets if value]
            if rendered is not None
            else [str(context[name]) for name in secrets if context.get(name)]
        ),
        message_id=new_message_id(),
        patient_visible=patient_visible,
    )


def _queued_event(row: Notification) -> CaseEvent:
    return CaseEvent(
        case_id=row.case_id,
        kind=EventKind.EMAIL_QUEUED,
        message=f"Email '{row.subject}' queued for {', '.join(row.to)}"[:500],
        actor=row.sent_by,
        data={"email": row.pk, "template": row.template, "to": row.to},
    )


def queue_email(
    template: str,
    to: str | Sequence[str],
    *,
    attachments: Sequence[Attachment] = (),
    claimed: bool = False,
    **fields,
) -> Notification:
    """Render an email and put it on the outbox; it is delivered after the commit.

    `fields`: case, draft, language, context, secrets, key, assignee, sent_by,
    patient_visible and rendered, as described in the module docstring (`patient_visible`
    shows the "sent" event on the patient's status page too). Returns the outbox row.
    """
    row = _outbox_row(template, to, **fields)
    if claimed:
        row.state, row.claimed_at, row.attempts = NotificationState.SENDING, timezone.now(), 1
    row.save()
    NotificationAttachment.objects.bulk_create(
        NotificationAttachment(
            notification=row, filename=a.filename, content=a.content, content_type=a.content_type
        )
        for a in attachments
    )
    if claimed:
        return row
    if row.case_id is not None:
        _queued_event(row).save()
    else:  # about a draft, or about no case at all (the leads' label watch)
        about = f" for draft {row.draft_id}" if row.draft_id else ""
        logger.info("Email %s (%s) queued%s", row.pk, template, about)
    enqueue(DELIVER_TASK, row.pk)
    return row


@dataclass(frozen=True)
class CaseEmail:
    """One email of a `queue_emails` call: to whom, about which case, with what context."""

    to: str
    case: Case
    context: Mapping
    key: str | None = None


def queue_emails(
    template: str,
    emails: Sequence[CaseEmail],
    *,
    secrets: Iterable[str] = (),
    patient_visible: bool = False,
) -> list[Notification]:
    """queue_email for many cases at once (a bulk re-screen): each is rendered in its case's
    language; the rows and their "queued" events are bulk inserts; one delivery task takes them
    all after the commit (one message instead of one per email, so a queue shared with other
    work is not flooded). A key already on the outbox is skipped, so a repeat queues nothing."""
    keys = [email.key for email in emails if email.key]
    taken = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    rows = [
        _outbox_row(
            template,
            email.to,
            case=email.case,
            language=email.case.language or None,
            context=email.context,
            secrets=secrets,
            key=email.key,
            patient_visible=patient_visible,
        )
        for email in emails
        if email.key not in taken
    ]
    Notification.objects.bulk_create(rows)
    CaseEvent.objects.bulk_create(_queued_event(row) for row in rows)
    if rows:
        enqueue(DELIVER_MANY_TASK, *(row.pk for row in rows))
    return rows


def cancel_queued_emails(case: Case, template: str, reason: str) -> int:
    """Cancel the case's emails of this template that have not started to leave."""
    rows = Notification.objects.filter(
        case=case, template=template, state=NotificationState.QUEUED
    ).select_for_update()
    for row in rows:
        Notification.objects.filter(pk=row.pk).update(
            state=NotificationState.CANCELLED,
            last_error=reason[:500],
            finished=True,
            **redacted_copy(row),
        )
    return len(rows)
