"""What a referring organisation reads about a case it submitted (GET /api/v1/cases…).

The status in plain words, the coordinator's name, the preliminary screening per product in
the status page's own words (screening.patient.status_page), the facts still missing with the
document that settles each, what the coordinator asked for, and the documents received. Never
notes, reasons for moves, priority or anything a coordinator wrote privately.

"Updated" is the time of the last event that changes what this answer shows (received,
screened, re-screened, status moved, assigned, records asked for or received, documents
added), so polling with `updated_since` sees exactly those changes.
"""

from __future__ import annotations

from django.db.models import Max, Prefetch, Q, QuerySet
from django.urls import reverse

from screening.models import Case, CaseStatus, Document, EventKind, RecordsRequest
from screening.notify.webhooks import requested_document, requested_fact
from screening.patient.status_page import STATUS_TEXT, plain_screening
from screening.triage.actions import missing_facts

UPDATE_KINDS = (
    EventKind.SUBMITTED,
    EventKind.SCREENED,
    EventKind.RESCREENED,
    EventKind.STATUS_CHANGED,
    EventKind.ASSIGNED,
    EventKind.RECORDS_REQUESTED,
    EventKind.RECORDS_RECEIVED,
    EventKind.DOCUMENT_UPLOADED,
)
LIST_LIMIT = 100


def organisation_cases(organisation) -> QuerySet:
    """The organisation's cases with what the summary needs, and their last update time."""
    return (
        Case.objects.filter(api_submission__organisation=organisation)
        .select_related("latest_run", "assigned_to")
        .prefetch_related(
            Prefetch(
                "records_requests",
                queryset=RecordsRequest.objects.filter(fulfilled_at__isnull=True).order_by(
                    "created_at"
                ),
                to_attr="open_requests",
            ),
            Prefetch("documents", queryset=Document.objects.order_by("uploaded_at", "pk")),
        )
        .annotate(last_update=Max("events__at", filter=Q(events__kind__in=UPDATE_KINDS)))
    )


def find_organisation_case(organisation, reference: str) -> Case | None:
    """The organisation's own case with this reference, or None (also for another's case)."""
    if not reference or len(reference) > 20:
        return None
    return organisation_cases(organisation).filter(reference=reference.upper()).first()


def updated_cases(organisation, since) -> list[Case]:
    """Up to LIST_LIMIT of the organisation's cases updated at or after `since`, oldest first."""
    cases = organisation_cases(organisation)
    if since is not None:
        cases = cases.filter(last_update__gte=since)
    return list(cases.order_by("last_update", "pk")[:LIST_LIMIT])


def _coordinator(case: Case) -> dict | None:
    user = case.assigned_to
    if user is None:
        return None
    return {"name": user.get_full_name() or user.get_username()}


def _screening(case: Case) -> dict | None:
    screening = plain_screening(case)
    if screening is None:
        return None
    lines = [*screening.likely, *screening.review, *screening.not_eligible]
    return {
        "ruleset": case.latest_run.ruleset_version,
        "screened_at": screening.created_at,
        "notice": screening.notice,
        "products": [
            {
                "key": line.key,
                "name": line.name,
                "verdict": line.verdict,
                "verdict_text": line.verdict_text,
                "reasons": line.reasons,
                "missing": line.missing,
            }
            for line in lines
        ],
    }


def case_summary(case: Case) -> dict:
    """The organisation's view of one case (from a case loaded by organisation_cases)."""
    requests = getattr(case, "open_requests", None)
    if requests is None:
        requests = list(case.records_requests.filter(fulfilled_at__isnull=True))
    open_requests = requests if case.status == CaseStatus.RECORDS_REQUESTED else []
    return {
        "reference": case.reference,
        "url": reverse("api:case", args=[case.reference]),
        "status": case.status,
        "status_text": str(STATUS_TEXT[case.status]),
        "outcome": case.outcome or None if case.status == CaseStatus.CLOSED else None,
        "coordinator": _coordinator(case),
        "submitted_at": case.submitted_at,
        "updated_at": getattr(case, "last_update", None) or case.submitted_at,
        "screening": _screening(case),
        "missing_facts": [
            {"field": row.field, "fact": row.fact, "document": row.document}
            for row in missing_facts(case)
        ],
        "records_requested": [
            {
                "facts": [requested_fact(name) for name in request.facts],
                "documents": [requested_document(category) for category in request.categories],
                "requested_at": request.created_at,
            }
            for request in open_requests
        ],
        "documents": [
            {
                "id": document.pk,
                "name": document.original_name,
                "category": document.category,
                "size": document.size,
                "uploaded_at": document.uploaded_at,
            }
            for document in case.documents.all()
        ],
    }
