"""Screening models, one module per noun. Import from here: `from screening.models import Case`."""

from screening.models.access import AccessRecord
from screening.models.amendments import Amendment, AmendmentSource, ContactMethod
from screening.models.case import Case, CaseStatus, Outcome, Priority, SubmitterRole
from screening.models.coordination import CoordinatorProfile, Note, RecordsRequest
from screening.models.documents import (
    Document,
    DocumentCategory,
    ScanStatus,
    TextStatus,
    private_storage,
)
from screening.models.facts import FactProposal, ProposalState
from screening.models.intake import IntakeDraft, ResumeLink, StatusToken
from screening.models.labels import LabelChange, LabelCheck
from screening.models.messages import MessageDirection, PatientMessage
from screening.models.notifications import (
    Notification,
    NotificationAttachment,
    NotificationState,
)
from screening.models.organisations import (
    ApiKey,
    ApiSubmission,
    IdempotencyRecord,
    Organisation,
    Scope,
    WebhookDelivery,
    WebhookState,
)
from screening.models.rescreen_jobs import (
    RescreenBatch,
    RescreenBatchState,
    RescreenJob,
    RescreenJobState,
)
from screening.models.runs import ProductVerdict, ScreeningRun
from screening.models.summaries import (
    CaseSummary,
    SummaryAccess,
    SummaryAudience,
    SummaryDelivery,
    SummaryRecipient,
)
from screening.models.timeline import CaseEvent, EventKind
from screening.models.trials import Trial, TrialMatch, TrialSite

__all__ = [
    "AccessRecord",
    "Amendment",
    "AmendmentSource",
    "ApiKey",
    "ApiSubmission",
    "Case",
    "CaseEvent",
    "CaseStatus",
    "CaseSummary",
    "ContactMethod",
    "CoordinatorProfile",
    "Document",
    "DocumentCategory",
    "EventKind",
    "FactProposal",
    "IdempotencyRecord",
    "IntakeDraft",
    "LabelChange",
    "LabelCheck",
    "MessageDirection",
    "Note",
    "Notification",
    "NotificationAttachment",
    "Organisation",
    "NotificationState",
    "Outcome",
    "PatientMessage",
    "Priority",
    "ProductVerdict",
    "ProposalState",
    "RecordsRequest",
    "RescreenBatch",
    "RescreenBatchState",
    "RescreenJob",
    "RescreenJobState",
    "ResumeLink",
    "ScanStatus",
    "Scope",
    "ScreeningRun",
    "StatusToken",
    "SubmitterRole",
    "SummaryAccess",
    "SummaryAudience",
    "SummaryDelivery",
    "SummaryRecipient",
    "TextStatus",
    "Trial",
    "TrialMatch",
    "TrialSite",
    "WebhookDelivery",
    "WebhookState",
    "private_storage",
]
