"""Who may see and change a case, and the access log of who did read what.

Roles come from groups (screening/core/roles.py); the object-level rules are here so the
admin, the download view and the services ask the same questions:

- nobody who is not an active staff member sees anything (patients never log in);
- a coordinator sees every open case and every case assigned to them, and changes only the
  cases assigned to them (and may take an unassigned one);
- a lead (`change_any_case`) sees and changes every case, reassigns, and reads the access log
  and the history.

Every view of a case and every document download writes exactly one AccessRecord, and so
does every page of a list that shows patients' names (the case queue, the documents list): who
listed which page, with which search and filters, and which cases it showed.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from django.db.models import Q, QuerySet

from screening.core.addresses import client_address
from screening.models import AccessRecord, Case, CaseStatus, Document

LEAD_PERMISSION = "screening.change_any_case"


def is_staff_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def is_lead(user) -> bool:
    return is_staff_member(user) and user.has_perm(LEAD_PERMISSION)


def can_view_cases(user) -> bool:
    return is_staff_member(user) and user.has_perm("screening.view_case")


def visible_cases(user, queryset: QuerySet | None = None) -> QuerySet:
    """The cases this user may open: all for a lead; open or own for a coordinator."""
    queryset = Case.objects.all() if queryset is None else queryset
    if not can_view_cases(user):
        return queryset.none()
    if is_lead(user):
        return queryset
    return queryset.filter(~Q(status=CaseStatus.CLOSED) | Q(assigned_to=user))


def can_view_case(user, case: Case) -> bool:
    if not can_view_cases(user):
        return False
    return is_lead(user) or case.status != CaseStatus.CLOSED or case.assigned_to_id == user.pk


def can_change_case(user, case: Case) -> bool:
    """Leads change any case; a coordinator only the cases assigned to them."""
    if not (is_staff_member(user) and user.has_perm("screening.change_case")):
        return False
    return is_lead(user) or (case.assigned_to_id is not None and case.assigned_to_id == user.pk)


def can_take_case(user, case: Case) -> bool:
    """'Assign to me': a coordinator may take an unassigned case (or keep their own)."""
    if not (is_staff_member(user) and user.has_perm("screening.change_case")):
        return False
    return is_lead(user) or case.assigned_to_id in (None, user.pk)


def can_view_document(user, document: Document) -> bool:
    return (
        is_staff_member(user)
        and user.has_perm("screening.view_document")
        and document.case_id is not None
        and can_view_case(user, document.case)
    )


def record_access(
    user,
    action: str,
    *,
    case: Case | None = None,
    document: Document | None = None,
    request=None,
    api_key=None,
) -> AccessRecord:
    """Write one access-log row: who (a user, or an organisation's API key), when, which case
    or file, and from where."""
    if document is not None and case is None:
        case = document.case
    return AccessRecord.objects.create(
        **_access_fields(user, action, case, document, request, api_key)
    )


def record_listing(request, action: str, case_ids) -> AccessRecord:
    """One access-log row for a page of a list that showed patients' names: who, from where,
    which list (`page`), which search, filters and page number (`query`), which cases."""
    fields = _access_fields(request.user, action, None, None, request, None)
    return AccessRecord.objects.create(
        **fields,
        page=request.path[:200],
        query=unquote_plus(request.META.get("QUERY_STRING", ""))[:1000],
        shown=list(dict.fromkeys(pk for pk in case_ids if pk is not None)),
    )


def record_api_reads(api_key, cases, *, request=None) -> int:
    """One access-log row per case an organisation read through the API (a list counts as a
    read of every case in it)."""
    rows = [
        AccessRecord(
            **_access_fields(None, AccessRecord.Action.API_READ, case, None, request, api_key)
        )
        for case in cases
    ]
    AccessRecord.objects.bulk_create(rows)
    return len(rows)


def _access_fields(user, action, case, document, request, api_key) -> dict:
    return {
        "user": user if user is not None and user.is_authenticated else None,
        "api_key": api_key,
        "action": action,
        "case": case,
        "document": document,
        "ip_address": client_address(request) if request is not None else None,
        "user_agent": (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[
            :300
        ],
    }
