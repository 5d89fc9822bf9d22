"""What a person sees on their own status page, in plain words, and nothing else.

Everything here is built from fields that are safe to show the person who holds the link:
the status, patient-visible timeline events (rendered from their kind and counts, never from
the stored message, which is written for coordinators), open records requests, the latest
screening run, the coordinator's first name and the messages the person and the coordinator
wrote to each other. Notes, private reasons, other staff names,
access records and priority never reach the template.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from screening.models import Case, CaseEvent, CaseStatus, EventKind, Outcome
from screening.patient.fact_words import missing_fact_words, unmet_reason
from screening.patient.records import RequestedItem, open_requests, requested_items
from screening.rules.criteria import NOT_MET
from screening.rules.data.products import PRODUCTS
from screening.rules.results import ELIGIBLE, MEDICAL_ADVICE_NOTICE, NEEDS_REVIEW, NOT_ELIGIBLE
from screening.trials.reads import PatientTrials, patient_trials

S = CaseStatus

# The steps a case goes through, as the person sees them.
STAGES = [
    ("received", gettext_lazy("Received"), gettext_lazy("We have your information.")),
    (
        "screening",
        gettext_lazy("Being screened"),
        gettext_lazy("Navigator is comparing your answers with the product labels."),
    ),
    (
        "review",
        gettext_lazy("Under review"),
        gettext_lazy("A coordinator is reviewing your case."),
    ),
    (
        "referred",
        gettext_lazy("Referred"),
        gettext_lazy("A coordinator has passed your case on to a treatment center."),
    ),
    ("closed", gettext_lazy("Closed"), gettext_lazy("This case is closed.")),
]
STAGE_OF_STATUS = {
    S.SUBMITTED: "received",
    S.SCREENING: "screening",
    S.AWAITING_REVIEW: "review",
    S.IN_REVIEW: "review",
    S.RECORDS_REQUESTED: "review",
    S.REFERRED: "referred",
    S.CLOSED: "closed",
}
STATUS_TEXT = {
    S.SUBMITTED: gettext_lazy("Received"),
    S.SCREENING: gettext_lazy("Being screened"),
    S.AWAITING_REVIEW: gettext_lazy("Under review"),
    S.IN_REVIEW: gettext_lazy("Under review"),
    S.RECORDS_REQUESTED: gettext_lazy("Records requested"),
    S.REFERRED: gettext_lazy("Referred"),
    S.CLOSED: gettext_lazy("Closed"),
}
OUTCOME_TEXT = {
    Outcome.REFERRED_FOR_TREATMENT: gettext_lazy("Referred for treatment."),
    Outcome.NOT_ELIGIBLE: gettext_lazy("Not eligible for the products Navigator screens for."),
    Outcome.WITHDRAWN: gettext_lazy("Withdrawn."),
    Outcome.DUPLICATE: gettext_lazy("This request repeated another one, which carries on."),
}
VERDICT_TEXT = {
    ELIGIBLE: gettext_lazy("Likely eligible"),
    NEEDS_REVIEW: gettext_lazy("Needs review"),
    NOT_ELIGIBLE: gettext_lazy("Not eligible"),
}


@dataclass
class Step:
    key: str
    label: str
    help: str
    state: str  # done / current / upcoming


@dataclass
class TimelineEntry:
    at: object
    text: str


@dataclass
class ProductLine:
    key: str
    name: str
    verdict: str
    verdict_text: str
    reasons: list[str] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)  # {"fact", "document"}


@dataclass
class PlainScreening:
    created_at: object
    likely: list[ProductLine]
    review: list[ProductLine]
    not_eligible: list[ProductLine]
    notice: str = MEDICAL_ADVICE_NOTICE
    # The coordinator added facts from records or the treating team (amendments): the
    # summary says it rests on more than the person's own answers.
    with_records: bool = False


@dataclass
class StatusPage:
    case: Case
    status_text: str
    steps: list[Step]
    outcome_text: str
    coordinator_first_name: str
    timeline: list[TimelineEntry]
    requested: list[RequestedItem]
    request_messages: list[str]
    screening: PlainScreening | None
    can_upload: bool
    records_requested: bool
    trials: PatientTrials | None = None
    thread: list[ThreadEntry] = field(default_factory=list)
    can_write: bool = False


@dataclass
class ThreadEntry:
    """One message of the person's conversation with their coordinator."""

    at: object
    from_patient: bool
    author_first_name: str  # the coordinator's first name on their answers
    body: str
    document_name: str = ""


def message_thread(case: Case) -> list[ThreadEntry]:
    """The messages between the person and their coordinator, oldest first (one query)."""
    rows = case.patient_messages.select_related("author", "document").order_by("created_at", "pk")
    return [
        ThreadEntry(
            at=row.created_at,
            from_patient=row.from_patient,
            author_first_name=(row.author.first_name if row.author_id else ""),
            body=row.body,
            document_name=(row.document.original_name if row.document_id else ""),
        )
        for row in rows
    ]


def status_steps(case: Case) -> list[Step]:
    current = STAGE_OF_STATUS[case.status]
    keys = [key for key, _label, _help in STAGES]
    position = keys.index(current)
    steps = []
    for index, (key, label, help_text) in enumerate(STAGES):
        if (
            key == "referred"
            and case.status == S.CLOSED
            and case.outcome
            not in (
                Outcome.REFERRED_FOR_TREATMENT,
                "",
            )
        ):
            continue  # a case closed without a referral never went through that step
        if index < position or (index == position and case.status == S.CLOSED):
            state = "done"
        elif index == position:
            state = "current"
        else:
            state = "upcoming"
        if key == "review" and case.status == S.RECORDS_REQUESTED:
            label = gettext_lazy("Records requested")
            help_text = gettext_lazy("We need more records from you: see below.")
        steps.append(Step(key, str(label), str(help_text), state))
    return steps


def event_text(event: CaseEvent) -> str:
    """One timeline line in plain words, from the event's kind and counts only."""
    data = event.data or {}
    count = data.get("count") if isinstance(data.get("count"), int) else 0
    if event.kind == EventKind.SUBMITTED:
        return _("We received your information.")
    if event.kind == EventKind.SCREENING_STARTED:
        return _("Screening started.")
    if event.kind == EventKind.RESCREENED and data.get("update"):
        return _("Your case was updated: the preliminary screening changed.")
    if event.kind in (EventKind.SCREENED, EventKind.RESCREENED):
        return _("The preliminary screening is ready.")
    if event.kind == EventKind.STATUS_CHANGED:
        target = data.get("to")
        if target in STATUS_TEXT:
            return _("Status: %(status)s.") % {"status": STATUS_TEXT[target]}
        return _("Status changed.")
    if event.kind == EventKind.RECORDS_REQUESTED:
        return _("A coordinator asked for more records.")
    if event.kind == EventKind.RECORDS_RECEIVED:
        return ngettext(
            "We received the document you sent.",
            "We received the %(n)d documents you sent.",
            count,
        ) % {"n": count}
    if event.kind == EventKind.DOCUMENT_UPLOADED:
        if data.get("source") == "api":
            return ngettext(
                "Your referring hospital sent %(n)d document.",
                "Your referring hospital sent %(n)d documents.",
                count,
            ) % {"n": count}
        return ngettext("You added %(n)d document.", "You added %(n)d documents.", count) % {
            "n": count
        }
    if event.kind == EventKind.EMAIL_SENT:
        return _("We sent you an email.")
    if event.kind == EventKind.MESSAGE_RECEIVED:
        if count:
            return _("You sent a message with a document to your coordinator.")
        return _("You sent a message to your coordinator.")
    if event.kind == EventKind.MESSAGE_ANSWERED:
        return _("Your coordinator wrote to you.")
    return str(EventKind(event.kind).label) if event.kind in EventKind.values else ""


def patient_timeline(case: Case) -> list[TimelineEntry]:
    events = case.events.filter(patient_visible=True).order_by("at", "pk")
    entries = [TimelineEntry(event.at, event_text(event)) for event in events]
    return [entry for entry in entries if entry.text]


def _product_name(key: str) -> str:
    product = PRODUCTS.get(key)
    return f"{product.brand} ({product.generic})" if product else key


def _reasons(result: dict) -> list[str]:
    """Why a product is not eligible: the unmet requirements of the indications for the
    person's disease; if none is for their disease, the one line that says so."""
    same_disease, other_disease = [], []
    for indication in result.get("indications", []):
        criteria = indication.get("criteria", [])
        unmet = [c for c in criteria if c.get("outcome") == NOT_MET]
        if any(c.get("name") == "diagnosis" for c in unmet):
            other_disease.extend(unmet_reason(c) for c in unmet)
        else:
            same_disease.extend(unmet_reason(c) for c in unmet)
    chosen = same_disease or other_disease[:1]
    return [text for text in dict.fromkeys(chosen) if text]


def plain_screening(case: Case) -> PlainScreening | None:
    run = case.latest_run
    if run is None:
        return None
    groups: dict[str, list[ProductLine]] = {ELIGIBLE: [], NEEDS_REVIEW: [], NOT_ELIGIBLE: []}
    for key, result in (run.results or {}).items():
        verdict = result.get("verdict")
        if verdict not in groups:
            continue
        line = ProductLine(key, _product_name(key), verdict, str(VERDICT_TEXT[verdict]))
        if verdict == NEEDS_REVIEW:
            line.missing = [missing_fact_words(fact) for fact in result.get("missing", [])]
        elif verdict == NOT_ELIGIBLE:
            line.reasons = _reasons(result)
        groups[verdict].append(line)
    for lines in groups.values():
        lines.sort(key=lambda line: line.name)
    return PlainScreening(
        run.created_at,
        groups[ELIGIBLE],
        groups[NEEDS_REVIEW],
        groups[NOT_ELIGIBLE],
        with_records=case.profile != case.intake_profile,
    )


def build_status_page(case: Case) -> StatusPage:
    """Everything the status page shows for this case."""
    requests = open_requests(case) if case.status == S.RECORDS_REQUESTED else []
    requested: list[RequestedItem] = []
    for request in requests:
        for item in requested_items(request):
            if item not in requested:
                requested.append(item)
    assignee = case.assigned_to
    return StatusPage(
        case=case,
        status_text=str(STATUS_TEXT[case.status]),
        steps=status_steps(case),
        outcome_text=str(OUTCOME_TEXT.get(case.outcome, "")) if case.status == S.CLOSED else "",
        coordinator_first_name=(assignee.first_name if assignee is not None else ""),
        timeline=patient_timeline(case),
        requested=requested,
        request_messages=[r.message for r in requests if r.message],
        screening=plain_screening(case),
        can_upload=case.is_open,
        records_requested=case.status == S.RECORDS_REQUESTED,
        trials=patient_trials(case),
        thread=message_thread(case),
        can_write=case.is_open,
    )
