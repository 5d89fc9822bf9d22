"""Preparing, previewing and sending a case summary.

`prepare_summary` renders everything that will be sent (screening/summaries/render.py) and keeps
it on a CaseSummary row: the preview shows that row. `send_summary` puts exactly that row's
subject, text, HTML and (for the patient's own address) PDF on the outbox, keyed by the
summary, so sending twice queues one email; the outbox's delivery task sends it after the
commit, retrying transient SMTP failures and marking permanent ones failed with the server's
reason, each on the case timeline with who sent it and to whom.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from screening.models import (
    Case,
    CaseEvent,
    CaseSummary,
    EventKind,
    SummaryAudience,
    SummaryDelivery,
    SummaryRecipient,
)
from screening.notify.outbox import Attachment, queue_email
from screening.summaries.contacts import RecipientRefused, summary_recipient
from screening.summaries.links import (
    LINK_DAYS,
    download_url,
    download_url_prefix,
    new_link_token,
    token_hash,
)
from screening.summaries.pdf import SummaryRenderError
from screening.summaries.render import render_summary, render_summary_pdf, summary_language

NOT_SCREENED = (
    "This case has not been screened yet, so there is nothing to summarise: a summary reports "
    "the latest screening."
)
SCREENING_MOVED = (
    "The case was screened again since this preview; prepare the summary again to send the "
    "current one."
)


class SummaryRefused(Exception):
    """The summary cannot be prepared or sent; the message says why."""


def can_summarise(case: Case) -> str:
    """Empty if the case can be summarised, else why not."""
    return "" if case.latest_run_id else NOT_SCREENED


def prepare_summary(
    case: Case,
    *,
    recipient: str,
    other_address: str = "",
    audience: str = "",
    language: str = "",
    cover_note: str = "",
    by,
) -> CaseSummary:
    """Render the summary for this recipient and keep it for the preview. Raises
    SummaryRefused (no screening, a recipient refused, the PDF failed: then nothing is kept
    and the failure is on the timeline)."""
    if reason := can_summarise(case):
        raise SummaryRefused(reason)
    try:
        to = summary_recipient(case, recipient, other_address)
    except RecipientRefused as exc:
        raise SummaryRefused(str(exc)) from None
    audience = audience or to.audience
    if audience == SummaryAudience.PHYSICIAN and language not in ("", "en"):
        raise SummaryRefused(
            "Clinical summaries are in English only: the rules' explanations have no "
            "translation. Choose plain wording for another language."
        )
    if not language:
        language = case.interface_language if recipient == SummaryRecipient.PATIENT else "en"
    language = summary_language(audience, language)
    token = new_link_token() if to.delivery == SummaryDelivery.LINK else ""
    try:
        rendered = render_summary(
            case,
            audience=audience,
            language=language,
            delivery=to.delivery,
            recipient_name=to.name,
            cover_note=cover_note.strip(),
            download_url=download_url(token) if token else "",
            by=by,
        )
    except SummaryRenderError as exc:
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.EMAIL_FAILED,
            actor=by if getattr(by, "pk", None) else None,
            message=f"Summary for {to.email} not made, nothing sent: {exc}"[:500],
            data={"summary": None, "to": [to.email], "reason": str(exc)[:300]},
        )
        raise SummaryRefused(f"{exc}. Nothing was sent.") from exc
    with transaction.atomic():
        # A new preview replaces this person's earlier unsent ones for the case.
        CaseSummary.objects.filter(case=case, prepared_by=by, notification__isnull=True).delete()
        return CaseSummary.objects.create(
            case=case,
            prepared_by=by,
            recipient_kind=to.kind,
            recipient_name=to.name,
            recipient_email=to.email,
            audience=audience,
            language=language,
            cover_note=cover_note.strip(),
            delivery=to.delivery,
            run_id=case.latest_run_id,
            ruleset_version=case.latest_run.ruleset_version,
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            pdf=rendered.pdf,
            pdf_filename=rendered.pdf_filename,
            link_token_hash=token_hash(token) if token else "",
        )


def _link_in(summary: CaseSummary) -> list[str]:
    pattern = re.escape(download_url_prefix()) + r"[\w-]+/"
    return list(dict.fromkeys(re.findall(pattern, summary.body_text)))


def send_summary(case: Case, summary_id: int, *, by) -> tuple[CaseSummary, bool]:
    """Queue the previewed summary on the outbox, once. Returns (summary, queued now); a
    summary already queued is returned as it is (a double click or a replayed POST)."""
    with transaction.atomic():
        summary = CaseSummary.objects.select_for_update().filter(pk=summary_id, case=case).first()
        if summary is None:
            raise SummaryRefused("No such summary preview for this case; prepare it again.")
        if summary.notification_id is not None:
            return summary, False
        if summary.run_id != case.latest_run_id:
            raise SummaryRefused(SCREENING_MOVED)
        if summary.recipient_kind == SummaryRecipient.CENTER:
            try:  # consent or the address may have changed since the preview
                summary_recipient(case, SummaryRecipient.CENTER)
            except RecipientRefused as exc:
                raise SummaryRefused(str(exc)) from None
        attached = summary.delivery == SummaryDelivery.ATTACHED
        pdf = bytes(summary.pdf)
        row = queue_email(
            "case_summary" if attached else "case_summary_link",
            summary.recipient_email,
            rendered=(summary.subject, summary.body_text, summary.body_html),
            attachments=[Attachment(summary.pdf_filename, pdf, "application/pdf")]
            if attached
            else (),
            case=case,
            language=summary.language,
            secrets=_link_in(summary),
            key=f"case_summary:{summary.pk}",
            sent_by=by,
            patient_visible=summary.recipient_kind == SummaryRecipient.PATIENT,
        )
        summary.notification = row
        if not attached:
            summary.link_expires_at = timezone.now() + dt.timedelta(days=LINK_DAYS)
        # The outbox row now holds the message as sent (its link removed once it has left).
        summary.subject = summary.body_text = summary.body_html = ""
        summary.save(
            update_fields=[
                "notification",
                "link_expires_at",
                "subject",
                "body_text",
                "body_html",
            ]
        )
    return summary, True


def build_summary_pdf(reference: str, *, audience: str, language: str = "") -> bytes:
    """The PDF a staff member would send for the case with this reference (the command's
    output); SummaryRefused names what is wrong."""
    case = (
        Case.objects.select_related("latest_run", "assigned_to")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if case is None:
        raise SummaryRefused(f"No case with the reference {reference}.")
    if reason := can_summarise(case):
        raise SummaryRefused(reason)
    if audience == SummaryAudience.PHYSICIAN and language not in ("", "en"):
        raise SummaryRefused("Clinical summaries are in English only (--audience physician).")
    try:
        return render_summary_pdf(case, audience, language or case.interface_language)
    except SummaryRenderError as exc:
        raise SummaryRefused(str(exc)) from exc
