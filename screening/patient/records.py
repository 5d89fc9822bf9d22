"""The patient's side of a records request: documents sent from the status page.

`receive_records(case, uploads)` is the one entry point for documents a person adds from
their status page. While the case is in "records requested", it closes the loop in one
transaction: the documents are stored, the open requests are marked fulfilled, the case goes
back to "in review", a patient-visible "records received" event is added, and, after commit,
the coordinator is emailed (the assigned coordinator; with nobody assigned, every active Lead).
While the case is open in any other status the documents are simply added (a patient-visible
"documents added" event, no email: the coordinator sees them on the case). A closed case
takes no more documents.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from screening.core.timeline import record_event
from screening.core.workflow import move_case
from screening.documents.uploads import (
    CheckedUpload,
    atomic_with_file_cleanup,
    max_files_per_case,
    store_upload,
    too_many_files,
)
from screening.models import Case, CaseStatus, DocumentCategory, EventKind, RecordsRequest
from screening.notify.emails import case_admin_url
from screening.notify.outbox import queue_email
from screening.patient.fact_words import fact_and_document
from screening.rules.facts import DOCUMENTS, FACT_NAMES

logger = logging.getLogger(__name__)

LEAD_GROUP = "Lead"
SOURCE = "status_page"
# Documents a referring organisation sends through the API (screening/api/) take the same path.
API_SOURCE = "api"


class CaseClosedForUploads(ValueError):
    """The case is closed: it takes no more documents. The message says what to do instead."""


@dataclass(frozen=True)
class RequestedItem:
    """One line of a records request, in plain words."""

    document: str  # what to upload
    shows: str = ""  # the fact it settles, when the request named a fact


def requested_items(request: RecordsRequest) -> list[RequestedItem]:
    """What the person was asked to upload, in the active language: one line per fact and per
    document category."""
    items = []
    for name in request.facts:
        if name in DOCUMENTS:
            fact, document = fact_and_document(name, FACT_NAMES.get(name, name), DOCUMENTS[name])
            items.append(RequestedItem(document, fact))
    items += [
        RequestedItem(str(DocumentCategory(category).label))
        for category in request.categories
        if category in DocumentCategory.values
    ]
    return items


# What an email may say about a requested fact: the kind of document to upload, never the fact
# it settles (README "Data minimisation"): "a flow cytometry report", not "CD22 expression".
# The status page, behind its token, says what each document is for.
CLINIC_NOTE = gettext_lazy("A recent clinic note from your treating team")
AGE_PROOF = gettext_lazy("An ID or any medical record with your date of birth")
EMAIL_DOCUMENT_TYPES = {
    "age_years": AGE_PROOF,
    "diagnosis": DocumentCategory.PATHOLOGY,
    "disease_status": CLINIC_NOTE,
    "prior_lines": DocumentCategory.TREATMENT_SUMMARY,
    "prior_therapies": DocumentCategory.TREATMENT_SUMMARY,
    "unrecognised_lines": DocumentCategory.TREATMENT_SUMMARY,
    "relapse_count": DocumentCategory.TREATMENT_SUMMARY,
    "relapse_within_12_months": DocumentCategory.TREATMENT_SUMMARY,
    "lenalidomide_refractory": DocumentCategory.TREATMENT_SUMMARY,
    "in_consolidation_phase": DocumentCategory.TREATMENT_SUMMARY,
    "mrd_percent": DocumentCategory.LABS,
    "cd19_positive": DocumentCategory.FLOW_CYTOMETRY,
    "cd22_positive": DocumentCategory.FLOW_CYTOMETRY,
    "bcma_positive": DocumentCategory.FLOW_CYTOMETRY,
    "kmt2a_rearranged": DocumentCategory.CYTOGENETICS,
    "npm1_mutated": DocumentCategory.CYTOGENETICS,
    "philadelphia_positive": DocumentCategory.CYTOGENETICS,
    "transplant_eligible": CLINIC_NOTE,
    "no_satisfactory_alternative": CLINIC_NOTE,
}


def _type_words(kind) -> str:
    return str(kind.label) if isinstance(kind, DocumentCategory) else str(kind)


def requested_document_types(request: RecordsRequest) -> list[str]:
    """The records request as its email names it, in the active language: one line per kind
    of document (a fact and a category asking for the same kind give one line), nothing about
    what the documents would show."""
    kinds = [EMAIL_DOCUMENT_TYPES.get(name, DocumentCategory.OTHER) for name in request.facts]
    kinds += [DocumentCategory(c) for c in request.categories if c in DocumentCategory.values]
    return list(dict.fromkeys(_type_words(kind) for kind in kinds))


def open_requests(case: Case) -> list[RecordsRequest]:
    return list(case.records_requests.filter(fulfilled_at__isnull=True).order_by("created_at"))


def records_recipients(case: Case) -> list[str]:
    """Who hears about received records: the assignee, or with nobody assigned, the Leads."""
    assignee = case.assigned_to
    if assignee is not None and assignee.is_active and assignee.email:
        return [assignee.email]
    leads = (
        get_user_model()
        .objects.filter(groups__name=LEAD_GROUP, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(leads))


def receive_records(
    case: Case, uploads: Sequence[tuple[str, CheckedUpload]], *, source: str = SOURCE
) -> list:
    """Store documents the person sent from their status page (or their referring organisation
    sent through the API, `source="api"`); see the module doc.

    `uploads` are (category, CheckedUpload) pairs, all already checked. Raises UploadRejected
    (too many files; nothing is stored) or CaseClosedForUploads. Returns the new Documents.
    """
    if not uploads:
        return []
    with atomic_with_file_cleanup():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status == CaseStatus.CLOSED:
            raise CaseClosedForUploads(
                _(
                    "This case is closed, so it takes no more documents. If something has "
                    "changed, please start a new request."
                )
            )
        room = max_files_per_case() - locked.documents.count()
        if len(uploads) > room:
            raise too_many_files(uploads[max(room, 0)][1].name)

        documents = [
            store_upload(checked, category=category, case=locked, source=source)
            for category, checked in uploads
        ]
        data = {"documents": [d.pk for d in documents], "count": len(documents), "source": source}
        by_organisation = source == API_SOURCE
        if locked.status != CaseStatus.RECORDS_REQUESTED:
            record_event(
                locked,
                EventKind.DOCUMENT_UPLOADED,
                (
                    _("%(n)d document(s) added by the referring organisation.")
                    if by_organisation
                    else _("%(n)d document(s) added from the status page.")
                )
                % {"n": len(documents)},
                data=data,
                patient_visible=True,
            )
            return documents

        now = timezone.now()
        fulfilled = list(
            locked.records_requests.filter(fulfilled_at__isnull=True).values_list("pk", flat=True)
        )
        RecordsRequest.objects.filter(pk__in=fulfilled).update(fulfilled_at=now)
        moved = move_case(
            locked,
            CaseStatus.IN_REVIEW,
            reason="referring organisation sent requested records"
            if by_organisation
            else "patient uploaded requested records",
        )
        event = record_event(
            moved,
            EventKind.RECORDS_RECEIVED,
            _("Records received: %(n)d document(s).") % {"n": len(documents)},
            data={**data, "requests": fulfilled},
            patient_visible=True,
        )
        _queue_records_received(moved, event, len(documents))
    return documents


def _queue_records_received(case: Case, event, count: int) -> None:
    """Tell the coordinator(s) that records arrived, through the outbox: a mail server that is
    down or slow never touches the patient's upload."""
    recipients = records_recipients(case)
    if not recipients:
        logger.warning("Records received on case %s: nobody to notify", case.reference)
        return
    queue_email(
        "records_received",
        recipients,
        case=case,
        language=settings.LANGUAGE_CODE,
        context={
            "case_url": case_admin_url(case),
            "recipient": case.assigned_to,
            "count": count,
        },
        key=f"records_received:{event.pk}",
    )
