"""What coordinators do to a case: assign, move, request records, re-screen, mark duplicates,
write notes. The admin checks who may act (screening/triage/access.py) and calls these.

Each function either completes and records it on the timeline, or raises TriageError (or the
workflow's InvalidMove, a subclass) with a plain-words message and leaves nothing half-saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from screening.core.roles import COORDINATOR, LEAD
from screening.core.timeline import record_event
from screening.core.tokens import issue_status_token, status_page_url
from screening.core.workflow import InvalidMove, check_move, move_case
from screening.models import (
    Case,
    CaseStatus,
    DocumentCategory,
    EventKind,
    Note,
    Outcome,
    RecordsRequest,
)
from screening.notify.outbox import queue_email
from screening.pipeline.assignment import AssignmentError, assign_case, coordinators
from screening.rules.data.products import PRODUCTS
from screening.rules.facts import DOCUMENTS

NOTE_MAX_LENGTH = 5000
MESSAGE_MAX_LENGTH = 2000


class TriageError(InvalidMove):
    """A coordinator's request that cannot be carried out; the message says why."""


# --- Assignment ------------------------------------------------------------------------------


def assignable_users() -> QuerySet:
    """Active staff in the Coordinator or Lead role: who a case may be assigned to."""
    return coordinators((COORDINATOR, LEAD)).order_by("first_name", "last_name", "username")


def assign_to(case: Case, assignee, *, by) -> Case:
    """Assign the case to `assignee` (a coordinator or lead) through the pipeline's
    assign_case, which records the event and emails the new assignee after commit."""
    if not assignable_users().filter(pk=assignee.pk).exists():
        raise TriageError(
            _("%(user)s is not an active coordinator and cannot be assigned cases.")
            % {"user": assignee.get_username()}
        )
    try:
        changed = assign_case(case, assignee, by=by)
    except AssignmentError as exc:
        raise TriageError(f"{case.reference}: {exc}") from exc
    if not changed:
        raise TriageError(
            _("%(case)s is already assigned to %(user)s.")
            % {"case": case.reference, "user": assignee.get_username()}
        )
    case.refresh_from_db()
    return case


# --- Status ----------------------------------------------------------------------------------


def change_status(
    case: Case,
    target: str,
    *,
    by,
    reason: str,
    outcome: str = "",
    duplicate_of: Case | None = None,
) -> Case:
    """Move the case through the workflow on a coordinator's word; the reason is required.

    Records requested is reached only through request_records, so the patient is always told
    what to upload.
    """
    reason = (reason or "").strip()
    if not reason:
        raise TriageError(_("Say why the status changes; the reason is kept in the history."))
    if target == CaseStatus.RECORDS_REQUESTED:
        raise TriageError(_("Use “Request records” so the patient is told exactly what to upload."))
    return move_case(case, target, by=by, reason=reason, outcome=outcome, duplicate_of=duplicate_of)


@dataclass
class BulkOutcome:
    """What a bulk action did: the cases it changed and why it left the others alone."""

    done: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def bulk_change_status(cases, target: str, *, by, reason: str, outcome: str = "") -> BulkOutcome:
    """change_status for each case on its own: one refusal does not undo the others."""
    result = BulkOutcome()
    for case in cases:
        try:
            change_status(case, target, by=by, reason=reason, outcome=outcome)
        except InvalidMove as exc:
            result.refused[case.reference] = str(exc)
        else:
            result.done.append(case.reference)
    return result


def bulk_assign(cases, assignee, *, by) -> BulkOutcome:
    result = BulkOutcome()
    for case in cases:
        try:
            assign_to(case, assignee, by=by)
        except InvalidMove as exc:
            result.refused[case.reference] = str(exc)
        else:
            result.done.append(case.reference)
    return result


# --- Records requests ------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingFactRow:
    field: str
    fact: str
    document: str
    products: tuple[str, ...]  # brand names of the products waiting on this fact


def missing_facts(case: Case) -> list[MissingFactRow]:
    """The facts the latest screening found missing, once each, with the products they hold up."""
    run = case.latest_run
    if run is None:
        return []
    rows: dict[str, dict] = {}
    brands = {key: PRODUCTS[key].brand if key in PRODUCTS else key for key in run.results}
    # By brand: PostgreSQL's jsonb does not keep the results' key order, so the stored order
    # would differ between databases.
    for key in sorted(run.results, key=brands.__getitem__):
        for fact in run.results[key].get("missing", []):
            row = rows.setdefault(
                fact["field"],
                {"fact": fact["fact"], "document": fact["document"], "products": []},
            )
            brand = brands[key]
            if brand not in row["products"]:
                row["products"].append(brand)
    return [
        MissingFactRow(name, row["fact"], row["document"], tuple(row["products"]))
        for name, row in rows.items()
    ]


def requested_document_types(request: RecordsRequest) -> list[str]:
    """What the records request's email lists: kinds of document, not what they show."""
    from screening.patient.records import requested_document_types

    return requested_document_types(request)


def records_request_items(request: RecordsRequest) -> list[str]:
    """The lines the patient reads: each document to upload, in plain words. The status page
    lists the same items (screening.patient.records.requested_items)."""
    from screening.patient.records import requested_items

    return [
        _("%(document)s (it shows: %(fact)s)") % {"document": item.document, "fact": item.shows}
        if item.shows
        else item.document
        for item in requested_items(request)
    ]


def request_records(
    case: Case,
    facts: list[str],
    categories: list[str],
    message: str,
    *,
    by,
) -> RecordsRequest:
    """Ask the patient for records: store the request, move the case to records requested and
    email the patient a new status link listing exactly what to upload.

    A new status token is issued because only token hashes are stored, so the link in the
    confirmation email cannot be recreated. Older tokens stay valid: they open the same
    person's own page, and revoking them would break a link the person may have kept.
    Revoking is a separate, deliberate act (screening.core.tokens.revoke_status_tokens).
    """
    facts = list(dict.fromkeys(facts or []))
    categories = list(dict.fromkeys(categories or []))
    message = (message or "").strip()
    if not facts and not categories:
        raise TriageError(_("Choose at least one missing fact or document to ask for."))
    unknown = [name for name in facts if name not in DOCUMENTS]
    if unknown:
        raise TriageError(_("Unknown facts: %(facts)s.") % {"facts": ", ".join(unknown)})
    bad = [c for c in categories if c not in DocumentCategory.values]
    if bad:
        raise TriageError(_("Unknown document types: %(types)s.") % {"types": ", ".join(bad)})
    if len(message) > MESSAGE_MAX_LENGTH:
        raise TriageError(
            _("The message is too long (%(n)d characters; at most %(max)d).")
            % {"n": len(message), "max": MESSAGE_MAX_LENGTH}
        )
    check_move(case.status, CaseStatus.RECORDS_REQUESTED)

    with transaction.atomic():
        request = RecordsRequest.objects.create(
            case=case, requested_by=by, facts=facts, categories=categories, message=message
        )
        items = records_request_items(request)
        moved = move_case(
            case,
            CaseStatus.RECORDS_REQUESTED,
            by=by,
            reason=_("Records requested: %(items)s") % {"items": "; ".join(items)},
        )
        record_event(
            moved,
            EventKind.RECORDS_REQUESTED,
            _("We asked for more records (%(n)d item(s)).") % {"n": len(items)},
            actor=by,
            data={"request": request.pk, "facts": facts, "categories": categories},
            patient_visible=True,
        )
        token = issue_status_token(moved)
        # The person reads this in the language of their pages (the items too). The email
        # names kinds of document only, and says that there is a message without copying it:
        # what the records would show and the coordinator's words are on the status page,
        # behind its token (README "Data minimisation").
        language = moved.interface_language
        with translation.override(language):
            document_types = requested_document_types(request)
        queue_email(
            "records_request",
            moved.email,
            case=moved,
            language=language,
            context={
                "items": document_types,
                "has_message": bool(message),
                "status_url": status_page_url(token),
                "first_name": moved.first_name,
            },
            secrets=("status_url",),
            key=f"records_request:{request.pk}",
            sent_by=by,
            patient_visible=True,
        )
    case.refresh_from_db()
    return request


# --- Re-screening ----------------------------------------------------------------------------


def rescreen_now(case: Case, *, by):
    """Screen the case again under the current ruleset (the pipeline's rescreen_case: a
    timeline event naming changed verdicts, and a priority raise for a newly likely product).

    Returns its RescreenResult; `rescreened` is False when neither the answers nor the rules
    changed since the last run, or the case is not screened yet or is closed. Raises
    TriageError when the stored profile cannot be screened.
    """
    from screening.pipeline.rescreen import rescreen_case
    from screening.rules.profile import InvalidProfile

    try:
        return rescreen_case(case, by=by)
    except InvalidProfile as exc:
        raise TriageError(
            _("%(case)s could not be screened: %(error)s") % {"case": case.reference, "error": exc}
        ) from exc


# --- Duplicates ------------------------------------------------------------------------------


def acknowledge_newly_likely(cases, *, by) -> BulkOutcome:
    """The coordinator has seen which products a re-screen made likely eligible: the queue's
    marker goes, with a timeline line saying who acknowledged what."""
    result = BulkOutcome()
    for case in cases:
        with transaction.atomic():
            locked = Case.objects.select_for_update().only("pk", "newly_likely").get(pk=case.pk)
            if not locked.newly_likely:
                continue
            Case.objects.filter(pk=case.pk).update(newly_likely=[], newly_likely_at=None)
            brands = ", ".join(
                PRODUCTS[key].brand for key in locked.newly_likely if key in PRODUCTS
            )
            record_event(
                case,
                EventKind.NOTE,
                _("Newly likely eligible acknowledged: %(products)s") % {"products": brands},
                actor=by,
                data={"acknowledged": locked.newly_likely},
            )
        result.done.append(case.reference)
    return result


def suggest_duplicates(case: Case, limit: int = 10) -> list[Case]:
    """Other cases that are likely the same person: same email, or same date of birth and
    same name. Oldest first, since the earliest case is usually the one to keep."""
    likely = Q(email__iexact=case.email)
    if case.date_of_birth is not None:
        likely |= Q(
            date_of_birth=case.date_of_birth,
            first_name__iexact=case.first_name,
            last_name__iexact=case.last_name,
        )
    return list(
        Case.objects.filter(likely)
        .exclude(pk=case.pk)
        .select_related("assigned_to")
        .order_by("submitted_at", "pk")[:limit]
    )


def mark_duplicate(case: Case, original: Case, *, by, reason: str = "") -> Case:
    """Close the case as a duplicate of `original`."""
    if original.pk == case.pk:
        raise TriageError(_("A case cannot be a duplicate of itself."))
    if original.duplicate_of_id == case.pk:
        raise TriageError(
            _("%(original)s is already marked as a duplicate of %(case)s.")
            % {"original": original.reference, "case": case.reference}
        )
    return move_case(
        case,
        CaseStatus.CLOSED,
        by=by,
        outcome=Outcome.DUPLICATE,
        duplicate_of=original,
        reason=(reason or "").strip()
        or _("Duplicate of %(original)s") % {"original": original.reference},
    )


# --- Notes -----------------------------------------------------------------------------------


def add_note(case: Case, text: str, *, by) -> Note:
    """A coordinator's private note; it also appears on the (staff-only) timeline."""
    text = (text or "").strip()
    if not text:
        raise TriageError(_("The note is empty."))
    if len(text) > NOTE_MAX_LENGTH:
        raise TriageError(
            _("The note is too long (%(n)d characters; at most %(max)d).")
            % {"n": len(text), "max": NOTE_MAX_LENGTH}
        )
    with transaction.atomic():
        note = Note.objects.create(case=case, author=by, text=text)
        record_event(
            case,
            EventKind.NOTE,
            text,
            actor=by,
            data={"note": note.pk},
            patient_visible=False,
        )
    return note
