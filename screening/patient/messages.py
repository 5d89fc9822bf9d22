"""The person's side of messages with their coordinator: written on the status page.

`send_patient_message(case, body, key=..., upload=...)` is the one entry point. In one
transaction it stores the message (and the document attached to it, through the same checked
upload path as the status page's other files: screening/documents/uploads.py), adds a
patient-visible "message sent" event to the timeline and queues an email on the outbox to the
coordinator (the assignee; with nobody assigned, every active Lead) that says a message is
waiting, with a link to the case file and nothing of what was written. While an earlier message
is still unread (the case file was not opened since), no second email is queued.

A message is stored once per form: the form's key is unique per case, so a double click or a
resent POST returns the message the first one stored and emails nobody twice. Nothing is stored
for an empty or too long message, a closed case, or a document that cannot be stored.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from screening.core.timeline import record_event
from screening.documents.uploads import CheckedUpload, atomic_with_file_cleanup, store_upload
from screening.models import (
    Case,
    CaseStatus,
    DocumentCategory,
    EventKind,
    MessageDirection,
    PatientMessage,
)
from screening.notify.emails import case_admin_url
from screening.notify.outbox import queue_email
from screening.patient.records import records_recipients

SOURCE = "message"  # the Document.source of a file attached to a message
_KEY = re.compile(r"^[0-9a-f]{32}$")


class MessageRefused(ValueError):
    """The message cannot be sent; the text says why, in the person's language."""


def message_max_length() -> int:
    return settings.PATIENT_MESSAGE_MAX_LENGTH


def check_message_body(body: str) -> str:
    """The message as it will be stored (trimmed), or MessageRefused saying what is wrong."""
    body = (body or "").strip()
    if not body:
        raise MessageRefused(_("Write your message before sending it."))
    limit = message_max_length()
    if len(body) > limit:
        raise MessageRefused(
            _(
                "Your message is %(n)d characters long; it can be at most %(max)d. Please "
                "shorten it, or send it in two parts."
            )
            % {"n": len(body), "max": limit}
        )
    return body


def check_message_key(key: str) -> str:
    if not _KEY.match(key or ""):
        raise MessageRefused(
            _("This form is out of date. Reload the page and send your message again.")
        )
    return key


def send_patient_message(
    case: Case, body: str, *, key: str, upload: CheckedUpload | None = None
) -> PatientMessage:
    """Store the person's message (see the module doc); returns it, or the one already stored
    under the same key. Raises MessageRefused, or UploadRejected for a document the case
    cannot take (then nothing is stored)."""
    body = check_message_body(body)
    key = check_message_key(key)
    with atomic_with_file_cleanup():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        earlier = PatientMessage.objects.filter(case=locked, idempotency_key=key).first()
        if earlier is not None:
            return earlier
        if locked.status == CaseStatus.CLOSED:
            raise MessageRefused(
                _(
                    "This case is closed, so it takes no more messages. If something has "
                    "changed, please start a new request."
                )
            )
        try:
            with transaction.atomic():
                message = PatientMessage.objects.create(
                    case=locked,
                    direction=MessageDirection.FROM_PATIENT,
                    body=body,
                    idempotency_key=key,
                )
        except IntegrityError:  # the same form, stored by a request that got there first
            return PatientMessage.objects.get(case=locked, idempotency_key=key)
        document = None
        if upload is not None:
            document = store_upload(
                upload, category=DocumentCategory.OTHER, case=locked, source=SOURCE
            )
            message.document = document
            message.save(update_fields=["document"])
        event = record_event(
            locked,
            EventKind.MESSAGE_RECEIVED,
            "Message from the patient" + (" with a document" if document else ""),
            data={
                "message": message.pk,
                "document": document.pk if document else None,
                "count": 1 if document else 0,
            },
            patient_visible=True,
        )
        # One "message waiting" email until the coordinator opens the case file: more messages
        # before that add to the same waiting (and to the same unread list), not to the inbox.
        waiting = (
            PatientMessage.objects.filter(
                case=locked, direction=MessageDirection.FROM_PATIENT, read_at__isnull=True
            )
            .exclude(pk=message.pk)
            .exists()
        )
        recipients = records_recipients(locked)
        if recipients and not waiting:
            queue_email(
                "message_received",
                recipients,
                case=locked,
                language=settings.LANGUAGE_CODE,  # staff read English
                context={
                    "case_url": case_admin_url(locked) + "#messages",
                    "recipient": locked.assigned_to,
                    "with_document": document is not None,
                },
                key=f"message_received:{event.pk}",
            )
    return message
