"""One rendering for a case summary: subject, text, HTML (CSS inlined for mail clients) and
PDF, from one context. The preview shows exactly this, and sending stores and sends exactly
this (screening/summaries/compose.py); `manage.py case_summary` writes the same PDF."""

from __future__ import annotations

from dataclasses import dataclass

import css_inline
from django.utils import translation

from screening.core.languages import offered_language
from screening.models import Case, SummaryAudience, SummaryDelivery
from screening.notify.emails import render_email
from screening.summaries.content import summary_context
from screening.summaries.links import LINK_DAYS
from screening.summaries.pdf import STATIC_SUMMARIES, render_pdf

EMAIL_TEMPLATES = {
    SummaryDelivery.ATTACHED: "case_summary",
    SummaryDelivery.LINK: "case_summary_link",
}


@dataclass(frozen=True)
class RenderedSummary:
    template: str
    subject: str
    text: str
    html: str
    pdf: bytes
    pdf_filename: str


def _inline_css(html: str) -> str:
    css = (STATIC_SUMMARIES / "summary.css").read_text()
    inliner = css_inline.CSSInliner(extra_css=css, load_remote_stylesheets=False)
    return inliner.inline(html)


def pdf_filename(case: Case) -> str:
    return f"navigator-summary-{case.reference}.pdf"


def summary_language(audience: str, language: str | None) -> str:
    """Clinical summaries are in English (the rules' explanations have no translation)."""
    if audience == SummaryAudience.PHYSICIAN:
        return "en"
    return offered_language(language or "en")


def render_summary_pdf(case: Case, audience: str, language: str | None = None, *, by=None):
    """The summary's PDF alone, as a staff member would send it (the command's output)."""
    with translation.override(summary_language(audience, language)):
        return render_pdf(summary_context(case, audience, prepared_by=by))


def render_summary(
    case: Case,
    *,
    audience: str,
    language: str,
    delivery: str,
    recipient_name: str = "",
    cover_note: str = "",
    download_url: str = "",
    by=None,
) -> RenderedSummary:
    """Everything that will be sent, in the summary's language. Raises SummaryRenderError
    (screening/summaries/pdf.py) when the PDF cannot be made: then nothing is stored."""
    language = summary_language(audience, language)
    template = EMAIL_TEMPLATES[delivery]
    with translation.override(language):
        context = summary_context(case, audience, prepared_by=by)
        pdf = render_pdf(context)
        sender = (by.get_full_name() or by.get_username()) if by is not None else "Navigator"
        context.update(
            recipient_name=recipient_name,
            cover_note=cover_note,
            sender_name=sender,
            download_url=download_url,
            link_days=LINK_DAYS,
        )
        subject, text, html = render_email(template, context)
    return RenderedSummary(template, subject, text, _inline_css(html), pdf, pdf_filename(case))
