"""The coordinator's side of messages with the person behind a case (the person writes from
their status page: screening/patient/messages.py).

- `case_messages(case, user, request=...)`: the thread for the case file, oldest first. The
  first time someone who may answer (the case's coordinator, or a lead) opens the case file
  after the person wrote, their unread messages are marked read and the reading goes in the
  access log ("Read the patient's messages").
- `cases_with_unread_messages(ids)` and `unread_messages_filter()`: the queue's "new message"
  marker and its "messages waiting" filter.
- `answer_patient_message(case, body, by=..., key=...)`: only someone who may change the case
  (its coordinator, or a lead: screening/triage/access.py) answers. In one transaction the
  answer is stored, a patient-visible "your coordinator wrote to you" event goes on the
  timeline, the answer goes in the access log, and an email in the case's language tells the
  person that a message is waiting, with a fresh link to their status page and nothing of what
  was written. The form's key makes a double click one answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from screening.core.timeline import record_event
from screening.core.tokens import issue_status_token, status_page_url
from screening.models import AccessRecord, Case, EventKind, MessageDirection, PatientMessage
from screening.notify.outbox import queue_email
from screening.triage.access import can_change_case, record_access
from screening.triage.actions import TriageError


@dataclass(frozen=True)
class CaseMessage:
    message: PatientMessage
    unread: bool  # the person's message had not been read before this page


def case_messages(case: Case, user, *, request=None) -> list[CaseMessage]:
    """The messages of the case for its case file (two queries; three more the first time new
    messages from the person are read)."""
    rows = list(
        PatientMessage.objects.filter(case=case)
        .select_related("author", "document")
        .order_by("created_at", "pk")
    )
    unread = [row.pk for row in rows if row.from_patient and row.read_at is None]
    # Read by someone who can answer (its coordinator, or a lead); another coordinator looking
    # at an open case sees them as new, and they stay new for the one who answers.
    if unread and can_change_case(user, case):
        with transaction.atomic():
            PatientMessage.objects.filter(pk__in=unread).update(read_at=timezone.now())
            record_access(user, AccessRecord.Action.READ_MESSAGES, case=case, request=request)
    return [CaseMessage(row, row.pk in unread) for row in rows]


def cases_with_unread_messages(case_ids) -> set[int]:
    """Which of these cases have a message from the person that no coordinator has read yet
    (one query, for a page of the queue)."""
    return set(
        PatientMessage.objects.filter(
            case_id__in=list(case_ids),
            direction=MessageDirection.FROM_PATIENT,
            read_at__isnull=True,
        )
        .values_list("case_id", flat=True)
        .distinct()
    )


def unread_messages_filter() -> Q:
    """The queue's "messages waiting" filter: cases with an unread message from the person."""
    return Q(
        pk__in=PatientMessage.objects.filter(
            direction=MessageDirection.FROM_PATIENT, read_at__isnull=True
        ).values("case_id")
    )


def answer_patient_message(case: Case, body: str, *, by, key: str, request=None) -> PatientMessage:
    """Store the coordinator's message to the person and tell them by email (see the module
    doc). Returns the message (the one already stored, for a repeated key). Raises
    TriageError with a plain-words reason; then nothing is stored."""
    if not can_change_case(by, case):
        raise TriageError(_("Only the case’s coordinator or a lead can write to the patient."))
    body = (body or "").strip()
    limit = settings.PATIENT_MESSAGE_MAX_LENGTH
    if not body:
        raise TriageError(_("The message is empty."))
    if len(body) > limit:
        raise TriageError(
            _("The message is too long (%(n)d characters; at most %(max)d).")
            % {"n": len(body), "max": limit}
        )
    if not key or len(key) > 64:
        raise TriageError(_("The form is out of date: reload the case and write again."))
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        earlier = PatientMessage.objects.filter(case=locked, idempotency_key=key).first()
        if earlier is not None:
            return earlier
        try:
            with transaction.atomic():
                message = PatientMessage.objects.create(
                    case=locked,
                    direction=MessageDirection.TO_PATIENT,
                    author=by,
                    body=body,
                    idempotency_key=key,
                )
        except IntegrityError:  # the same form, stored by a request that got there first
            return PatientMessage.objects.get(case=locked, idempotency_key=key)
        event = record_event(
            locked,
            EventKind.MESSAGE_ANSWERED,
            "Message to the patient",
            actor=by,
            data={"message": message.pk},
            patient_visible=True,
        )
        record_access(by, AccessRecord.Action.ANSWER_MESSAGE, case=locked, request=request)
        if locked.email:
            token = issue_status_token(locked)
            queue_email(
                "message_waiting",
                locked.email,
                case=locked,
                language=locked.interface_language,
                context={
                    "first_name": locked.first_name,
                    "status_url": status_page_url(token) + "#messages",
                },
                secrets=("status_url",),
                key=f"message_waiting:{event.pk}",
                sent_by=by,
                patient_visible=True,
            )
    return message
