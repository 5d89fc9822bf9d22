"""Telling the person that their case was updated, without saying what.

When a coordinator's amendment (or an accepted fact from a report, or a withdrawal) changes a
verdict of the preliminary screening, the person's status page already shows the new plain-
language summary (it reads the latest run); this adds a line to their timeline and emails them
that their case was updated, with a fresh link to their status page and no medical details.
The email goes through the outbox in the caller's transaction, so a rolled-back amendment sends
nothing and no mail server is spoken to inside the request.
"""

from __future__ import annotations

from screening.core.timeline import record_event
from screening.core.tokens import issue_status_token, status_page_url
from screening.models import Case, EventKind
from screening.notify.outbox import queue_email

TEMPLATE = "case_updated"


def notify_patient_of_update(case: Case, *, changes: dict, by=None) -> bool:
    """If any verdict changed (`changes`: product → [old, new]), add a patient-visible
    "your case was updated" event and queue the email. Call inside the transaction that made
    the change. Returns whether the person was told."""
    if not changes or not case.is_open or not case.email:
        return False
    record_event(
        case,
        EventKind.RESCREENED,
        "Patient told that the preliminary screening changed",
        actor=by,
        data={"update": True, "products": sorted(changes)},
        patient_visible=True,
    )
    # Only token hashes are stored, so the link needs a new token (older ones stay valid).
    token = issue_status_token(case)
    queue_email(
        TEMPLATE,
        case.email,
        case=case,
        language=case.language or None,
        context={"first_name": case.first_name, "status_url": status_page_url(token)},
        secrets=("status_url",),
        sent_by=by,
        patient_visible=True,
    )
    return True
