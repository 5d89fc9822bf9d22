"""Intake: drafts kept server-side, resume links, documents on drafts, and submitting a case.

- A draft (IntakeDraft) holds the wizard's answers while someone fills in the form; its key
  lives in their session. Drafts expire 14 days after the last change and are purged with
  their files by `purge_expired_drafts` (a periodic task).
- "Save and continue later" sends a resume link: a random token (only its sha256 is stored),
  signed with the site's secret and a timestamp, that works once within 14 days.
- `submit_case` turns the answers into a case in one transaction, exactly once per
  submission key.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from screening.core.languages import offered_language
from screening.core.references import hash_token, new_case_reference, new_token
from screening.core.timeline import record_event
from screening.core.tokens import issue_status_token, status_page_url
from screening.documents.processing import enqueue_document_processing
from screening.documents.uploads import (
    UploadRejected,
    check_upload,
    delete_document_files,
    store_upload,
)
from screening.intake.derivation import (
    DERIVATION_VERSION,
    derive_profile,
    derive_trial_inputs,
)
from screening.models import (
    Case,
    CaseStatus,
    Document,
    DocumentCategory,
    EventKind,
    IntakeDraft,
    ResumeLink,
)
from screening.notify.outbox import queue_email
from screening.pipeline.screen import request_screening
from screening.rules.profile import validate_patient

logger = logging.getLogger(__name__)

DRAFT_LIFETIME = timedelta(days=14)
RESUME_LINK_LIFETIME = timedelta(days=14)
_RESUME_SALT = "navigator.intake.resume-link"
REFERENCE_ATTEMPTS = 8


# --- Drafts -----------------------------------------------------------------------------------


def create_draft(data: dict) -> IntakeDraft:
    """A new draft holding `data` (the wizard's storage), alive for DRAFT_LIFETIME, in the
    language the person is reading."""
    return IntakeDraft.objects.create(
        key=new_token(),
        data=data,
        language=offered_language(translation.get_language()),
        expires_at=timezone.now() + DRAFT_LIFETIME,
    )


def get_live_draft(key: str | None) -> IntakeDraft | None:
    """The unsubmitted, unexpired draft with this key, or None."""
    if not key or len(key) > 64:
        return None
    return IntakeDraft.objects.filter(
        key=key, submitted_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def save_draft(draft: IntakeDraft, data: dict) -> bool:
    """Store new wizard data on a draft and push its expiry back; False if it was submitted.
    The draft takes the language the person is reading now."""
    expires_at = max(draft.expires_at, timezone.now() + DRAFT_LIFETIME)
    language = offered_language(translation.get_language())
    saved = IntakeDraft.objects.filter(pk=draft.pk, submitted_at__isnull=True).update(
        data=data, expires_at=expires_at, language=language, updated_at=timezone.now()
    )
    if saved:
        draft.data, draft.expires_at, draft.language = data, expires_at, language
    return bool(saved)


def set_draft_language(draft: IntakeDraft, language: str) -> str:
    """Remember the language the person chose for the form (an offered one, else English)."""
    language = offered_language(language)
    IntakeDraft.objects.filter(pk=draft.pk, submitted_at__isnull=True).update(language=language)
    draft.language = language
    return language


def submission_key_for(draft: IntakeDraft) -> str:
    """The draft's one-time submission key (derived, so the draft key never leaves the server)."""
    return hashlib.sha256(f"submit:{draft.key}".encode()).hexdigest()


# --- Documents on a draft ---------------------------------------------------------------------


@dataclass
class UploadOutcome:
    stored: list[Document]
    rejected: list[str]  # one plain-words message per file not kept


def add_draft_documents(draft: IntakeDraft, files, category: str) -> UploadOutcome:
    """Check and store each file on the draft; a bad file never stops the others."""
    outcome = UploadOutcome([], [])
    for uploaded in files:
        try:
            checked = check_upload(uploaded)
            outcome.stored.append(store_upload(checked, category=category, draft=draft))
        except UploadRejected as rejected:
            outcome.rejected.append(rejected.message)
    return outcome


def draft_documents(draft: IntakeDraft | None) -> list[Document]:
    if draft is None or draft.pk is None:
        return []
    return list(Document.objects.filter(draft=draft, case__isnull=True))


def set_draft_documents_category(draft: IntakeDraft, document_ids, category: str) -> list[Document]:
    """Give the draft's documents `document_ids` their kind (files stored before it was
    chosen); returns the documents changed. Ids of other drafts' documents are ignored."""
    if category not in DocumentCategory.values:
        raise ValueError(f"unknown document category {category!r}")
    documents = Document.objects.filter(pk__in=list(document_ids), draft=draft, case__isnull=True)
    changed = list(documents)
    documents.update(category=category)
    return changed


def remove_draft_document(draft: IntakeDraft, document_id) -> Document | None:
    """Delete one of the draft's documents (row now, file after commit); None if not its own."""
    try:
        document_id = int(document_id)
    except (TypeError, ValueError):
        return None
    with transaction.atomic():
        document = Document.objects.filter(pk=document_id, draft=draft, case__isnull=True).first()
        if document is None:
            return None
        delete_document_files([document])
        document.delete()
    return document


# --- Resume links -----------------------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_RESUME_SALT)


def send_resume_link(draft: IntakeDraft, email: str) -> ResumeLink:
    """Create a single-use resume link for the draft and queue its email (outbox); returns the
    stored link."""
    raw = new_token()
    now = timezone.now()
    url = settings.SITE_URL + reverse("intake_resume", args=[_signer().sign(raw)])
    with transaction.atomic():
        link = ResumeLink.objects.create(
            draft=draft, token_hash=hash_token(raw), expires_at=now + RESUME_LINK_LIFETIME
        )
        # The draft must outlive the link that restores it.
        IntakeDraft.objects.filter(pk=draft.pk).update(
            email=email, expires_at=max(draft.expires_at, link.expires_at)
        )
        queue_email(
            "resume_link",
            email,
            draft=draft,
            context={"resume_url": url, "expires_at": link.expires_at},
            secrets=("resume_url",),
            key=f"resume_link:{link.pk}",
            language=draft.language,
        )
    return link


def _link_for(signed_token: str) -> ResumeLink | None:
    try:
        raw = _signer().unsign(signed_token, max_age=RESUME_LINK_LIFETIME)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    now = timezone.now()
    return (
        ResumeLink.objects.select_related("draft")
        .filter(
            token_hash=hash_token(raw),
            used_at__isnull=True,
            expires_at__gt=now,
            draft__submitted_at__isnull=True,
            draft__expires_at__gt=now,
        )
        .first()
    )


def check_resume_link(signed_token: str) -> IntakeDraft | None:
    """The draft the link would open now (does not use it up), or None."""
    link = _link_for(signed_token)
    return link.draft if link is not None else None


def redeem_resume_link(signed_token: str) -> IntakeDraft | None:
    """Use the link (once) and return its draft; None for a bad, used or expired link."""
    link = _link_for(signed_token)
    if link is None:
        return None
    claimed = ResumeLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    return link.draft if claimed else None


# --- Purging ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    drafts: int
    documents: int


def purge_expired_drafts(*, now: datetime | None = None, batch_size: int = 200) -> PurgeResult:
    """Delete expired drafts, their resume links, and the documents (and files) never submitted.

    Safe to run any number of times and alongside the wizard: each batch is one transaction and
    files are deleted only after it commits.
    """
    now = now or timezone.now()
    drafts = documents = 0
    while True:
        with transaction.atomic():
            ids = list(
                IntakeDraft.objects.filter(expires_at__lt=now)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            orphans = list(Document.objects.filter(draft_id__in=ids, case__isnull=True))
            delete_document_files(orphans)
            Document.objects.filter(pk__in=[d.pk for d in orphans]).delete()
            IntakeDraft.objects.filter(pk__in=ids).delete()
        drafts += len(ids)
        documents += len(orphans)
    if drafts:
        logger.info("Purged %s expired intake drafts and %s documents", drafts, documents)
    return PurgeResult(drafts, documents)


# --- Submitting -------------------------------------------------------------------------------


def _consented_at(consent: dict) -> datetime:
    agreed = consent.get("agreed_at")
    if agreed:
        try:
            return datetime.fromisoformat(agreed)
        except (TypeError, ValueError):
            pass
    return timezone.now()


def patient_name(about: dict) -> str:
    """Whom the case is about: the name given for the patient (first and last name, or the one
    free-text name older answers had), or the submitter's own name when they are the patient;
    blank otherwise."""
    parts = (about.get("patient_first_name"), about.get("patient_last_name"))
    given = " ".join(part.strip() for part in parts if part and part.strip())
    given = given or (about.get("patient_name") or "").strip()
    if given:
        return given[:200]
    if about.get("submitter_role") == "patient":
        return " ".join(p for p in (about.get("first_name"), about.get("last_name")) if p)[:200]
    return ""


def _interface_language(answers: dict, draft: IntakeDraft | None) -> str:
    """The language of the person's pages and emails: the one they filled the form in; for a
    case without a draft (a referring hospital's), the preferred language if we offer it."""
    if draft is not None and draft.language:
        return offered_language(draft.language)
    return offered_language(answers["about"].get("language"))


def _new_case(answers: dict, profile: dict, submission_key: str, interface_language: str) -> Case:
    about, consent = answers["about"], answers["consent"]
    fields = {
        "submission_key": submission_key,
        "status": CaseStatus.SUBMITTED,
        "submitter_role": about["submitter_role"],
        "first_name": about["first_name"],
        "last_name": about.get("last_name", ""),
        "email": about["email"],
        "phone": about.get("phone", ""),
        "country": about["country"],
        "travel_countries": derive_trial_inputs(answers)["travel_countries"],
        "language": about["language"],
        "interface_language": interface_language,
        "date_of_birth": about.get("date_of_birth") or None,
        "patient_name": patient_name(about),
        "consent_version": consent["version"],
        "consented_at": _consented_at(consent),
        "consent_processing": bool(consent.get("processing")),
        "consent_sharing": bool(consent.get("sharing")),
        "consent_not_medical_advice": bool(consent.get("not_medical_advice")),
        "disease": profile["diagnosis"] or "unsure",
        "intake": answers,
        "intake_profile": profile,
        "derivation_version": DERIVATION_VERSION,
        "profile": profile,
    }
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                return Case.objects.create(reference=new_case_reference(), **fields)
        except IntegrityError:
            # Either the reference clashed (try another) or this submission already exists
            # (let the caller find it).
            if Case.objects.filter(submission_key=submission_key).exists():
                raise
    raise RuntimeError("could not find a free case reference")


def _queue_confirmation(case: Case, token: str) -> None:
    queue_email(
        "intake_confirmation",
        case.email,
        case=case,
        context={
            "reference": case.reference,
            "first_name": case.first_name,
            "status_url": status_page_url(token),
            "document_count": case.document_count,
        },
        secrets=("status_url",),
        key=f"intake_confirmation:{case.pk}",
        language=case.interface_language,
    )


def submit_case(answers: dict, *, submission_key: str, draft: IntakeDraft | None = None) -> Case:
    """Create the case for these intake answers, once per `submission_key`.

    In one transaction: the case (random reference, answers, derived and validated profile,
    consent), the draft's documents moved onto it, a status token, the "received" timeline
    event, screening requested and the confirmation email (reference, next steps, status
    link; no medical details) queued on the outbox. After commit: screening, document
    processing and the email's delivery are enqueued.

    The returned case carries the raw status token as `case.raw_status_token` (it is never
    stored). Replaying a submission key returns the existing case with `raw_status_token`
    None, and sends nothing. Raises `screening.rules.profile.InvalidProfile` if the answers do
    not make a valid profile; then nothing is stored.
    """
    existing = Case.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        existing.raw_status_token = None
        return existing

    profile = derive_profile(answers, today=timezone.localdate())
    validate_patient(profile)
    try:
        with transaction.atomic():
            if draft is not None:
                # Uploads to this draft wait for us (store_upload locks the same row).
                IntakeDraft.objects.select_for_update().filter(pk=draft.pk).first()
            case = _new_case(answers, profile, submission_key, _interface_language(answers, draft))
            documents = []
            if draft is not None:
                documents = list(Document.objects.filter(draft=draft, case__isnull=True))
                Document.objects.filter(pk__in=[d.pk for d in documents]).update(
                    case=case, draft=None
                )
                for document in documents:
                    document.case, document.draft = case, None
                case.document_count = len(documents)
                Case.objects.filter(pk=case.pk).update(document_count=len(documents))
                IntakeDraft.objects.filter(pk=draft.pk).update(submitted_at=timezone.now(), data={})
            token = issue_status_token(case)
            record_event(
                case,
                EventKind.SUBMITTED,
                "Case received",
                data={"documents": len(documents)},
                patient_visible=True,
            )
            request_screening(case)
            for document in documents:
                enqueue_document_processing(document)
            _queue_confirmation(case, token)
    except IntegrityError:
        existing = Case.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        existing.raw_status_token = None
        return existing
    case.raw_status_token = token
    return case
