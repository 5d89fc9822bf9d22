"""Telling the person that their case was updated, without saying what.

When a coordinator's amendment (or an accepted fact from a report, or a withdrawal) changes a
verdict of the preliminary screening, or a re-screen under new rules makes a product likely
eligible, the person's status page already shows the new plain-language summary (it reads the
latest run); this makes the re-screen's own timeline event their "your case was updated" line
(one event for the change, worded on the status page from its kind and never from the
coordinators' message) and emails them that their case was updated, with a fresh link to
their status page and no medical details. This is the only "case updated" email: amendments,
their withdrawals and accepted proposals (screening/triage/amendments.py) call
`notify_patient_of_update`; the bulk re-screen calls `notify_patients_of_updates`, the same for
a whole batch with bulk inserts. The email goes through the outbox in the caller's
transaction, so a rolled-back change sends nothing and no mail server is spoken to inside the
request.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from screening.core.tokens import issue_status_token, issue_status_tokens, status_page_url
from screening.models import Case, CaseEvent
from screening.notify.outbox import CaseEmail, queue_email, queue_emails

TEMPLATE = "case_updated"
# Why the screening changed, for the email's wording (never which product or verdict).
AMENDED = "amended"  # a coordinator added information
RULES_CHANGED = "rules_changed"  # the label information Navigator screens against changed
ANSWERS_REREAD = "answers_reread"  # a correction to how Navigator reads the intake answers


def _context(case: Case, token: str, reason: str) -> dict:
    return {"first_name": case.first_name, "status_url": status_page_url(token), "reason": reason}


def notify_patient_of_update(
    case: Case, event: CaseEvent | None, *, by=None, reason: str = AMENDED
) -> bool:
    """If the re-screen recorded in `event` (the case's saved RESCREENED event, or None when
    nothing was re-screened) changed a verdict, make it the person's "your case was updated"
    line and queue the email. Call inside the transaction that made the change. Returns
    whether the person was told."""
    changes = (event.data or {}).get("changes") if event is not None else None
    if not changes or not _reachable(case):
        return False
    as_patient_update(event, changes)
    event.save(update_fields=["patient_visible", "data"])
    # Only token hashes are stored, so the link needs a new token (older ones stay valid).
    token = issue_status_token(case)
    queue_email(
        TEMPLATE,
        case.email,
        case=case,
        language=case.interface_language,
        context=_context(case, token, reason),
        secrets=("status_url",),
        key=f"{TEMPLATE}:event:{event.pk}",
        sent_by=by,
        patient_visible=True,
    )
    return True


def notify_patients_of_updates(
    updates: Sequence[tuple[Case, list[str], int]], *, reread: Container[int] = ()
) -> set[int]:
    """For a batch of a bulk re-screen: each (case, products newly likely, run id) whose person
    can be reached gets the email, with one insert for the status tokens and one for the outbox
    rows, and one delivery task. The email is keyed by the run, so it goes once. Returns the
    ids of the cases told: the caller makes their re-screen event the person's timeline line
    (`as_patient_update`), so the case has one event for the change, not two. The cases in
    `reread` changed because their answers were derived again (the email says so), the
    others because the rules changed."""
    told = [(case, run_id) for case, _products, run_id in updates if _reachable(case)]
    if not told:
        return set()
    tokens = issue_status_tokens([case for case, _ in told])
    queue_emails(
        TEMPLATE,
        [
            CaseEmail(
                case.email,
                case,
                _context(
                    case, tokens[case.pk], ANSWERS_REREAD if case.pk in reread else RULES_CHANGED
                ),
                key=f"{TEMPLATE}:run:{run_id}",
            )
            for case, run_id in told
        ],
        secrets=("status_url",),
        patient_visible=True,
    )
    return {case.pk for case, _ in told}


def as_patient_update(event: CaseEvent, products) -> CaseEvent:
    """Show a re-screen event on the person's status page as "your case was updated" (the
    page words it from the kind and this flag, never from the coordinators' message)."""
    event.patient_visible = True
    event.data = {**event.data, "update": True, "products": sorted(products)}
    return event


def _reachable(case: Case) -> bool:
    return case.is_open and bool(case.email)
