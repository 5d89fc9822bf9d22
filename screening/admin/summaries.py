"""The case page's "Email a summary": compose, preview (subject, text, HTML and PDF, exactly
as they will leave), send, and reopen what was sent from the timeline. Thin: the work is in
screening/summaries/ (compose.py, contacts.py, render.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from screening.admin.case_file import CaseFileSection, add_section
from screening.admin.summary_forms import ContactsForm, SendSummaryForm, SummaryComposeForm
from screening.models import AccessRecord, Case, CaseSummary, SummaryDelivery
from screening.rules.results import MEDICAL_ADVICE_NOTICE
from screening.summaries.compose import (
    SummaryRefused,
    can_summarise,
    prepare_summary,
    send_summary,
)
from screening.summaries.contacts import contacts_of
from screening.triage import access

SECTIONS = "admin/screening/case/sections/"
# The HTML part shown in the preview's frame: its inline styles and nothing else.
HTML_PART_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
)


def _contacts_context(case_file: dict, request) -> dict:
    case = case_file["case"]
    can_change = access.can_change_case(request.user, case)
    return {
        "contacts": contacts_of(case),
        "contacts_form": ContactsForm.for_case(case) if can_change else None,
        "summary_refusal": can_summarise(case),
        "summary_form": SummaryComposeForm(case=case) if can_change else None,
        "summary_compose_url": reverse("admin:screening_case_summary_compose", args=[case.pk]),
    }


add_section(
    CaseFileSection("contacts", "Contacts", SECTIONS + "contacts.html", context=_contacts_context),
    after="requests",
)
add_section(
    CaseFileSection("summary", "Email a summary", SECTIONS + "summary.html"), after="contacts"
)


def _case(request, pk, *, change: bool) -> Case:
    case = (
        access.visible_cases(request.user)
        .select_related("latest_run", "assigned_to")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404("No such case, or not one you can see.")
    if change and not access.can_change_case(request.user, case):
        raise PermissionDenied
    return case


def _summary(case: Case, sid) -> CaseSummary:
    summary = (
        CaseSummary.objects.select_related("notification", "prepared_by", "notification__sent_by")
        .filter(pk=sid, case=case)
        .first()
    )
    if summary is None:
        raise Http404("No such summary for this case.")
    return summary


def _summary_url(case: Case, summary: CaseSummary) -> str:
    return reverse("admin:screening_case_summary", args=[case.pk, summary.pk])


class CaseSummaryMixin:
    """URLs and views of the summary pages, for CaseAdmin."""

    def summary_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/summary/",
                view(self.summary_compose_view),
                name="screening_case_summary_compose",
            ),
            path(
                "<int:pk>/summary/<int:sid>/",
                view(self.summary_view),
                name="screening_case_summary",
            ),
            path(
                "<int:pk>/summary/<int:sid>/html/",
                view(xframe_options_sameorigin(self.summary_html_view)),
                name="screening_case_summary_html",
            ),
            path(
                "<int:pk>/summary/<int:sid>/pdf/",
                view(self.summary_pdf_view),
                name="screening_case_summary_pdf",
            ),
            path(
                "<int:pk>/summary/<int:sid>/send/",
                view(require_POST(self.summary_send_view)),
                name="screening_case_summary_send",
            ),
            path(
                "<int:pk>/summary/email/<int:email_id>/",
                view(self.summary_for_email_view),
                name="screening_case_summary_for_email",
            ),
        ]

    def _page(self, request, case, template, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "case": case,
                "back_url": reverse("admin:screening_case_change", args=[case.pk]),
                "notice": MEDICAL_ADVICE_NOTICE,
                "opts": self.model._meta,
                **context,
            },
        )

    def summary_compose_view(self, request, pk):
        case = _case(request, pk, change=True)
        refusal = ""
        if request.method == "POST":
            form = SummaryComposeForm(request.POST, case=case)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    summary = prepare_summary(
                        case,
                        recipient=data["recipient"],
                        other_address=data["other_address"],
                        audience=data["audience"],
                        language=data["language"],
                        cover_note=data["cover_note"],
                        by=request.user,
                    )
                except SummaryRefused as exc:
                    refusal = str(exc)
                else:
                    return HttpResponseRedirect(_summary_url(case, summary))
        else:
            form = SummaryComposeForm(case=case)
        return self._page(
            request,
            case,
            "admin/screening/case/summary_compose.html",
            title="Email a summary",
            form=form,
            refusal=refusal or can_summarise(case),
            contacts=contacts_of(case),
        )

    def summary_view(self, request, pk, sid):
        case = _case(request, pk, change=False)
        summary = _summary(case, sid)
        access.record_access(
            request.user, AccessRecord.Action.VIEW_CASE, case=case, request=request
        )
        email = summary.notification
        return self._page(
            request,
            case,
            "admin/screening/case/summary.html",
            title="Summary sent" if email else "Preview the summary",
            summary=summary,
            email=email,
            subject=email.subject if email else summary.subject,
            body_text=email.body_text if email else summary.body_text,
            link_delivery=summary.delivery == SummaryDelivery.LINK,
            accesses=list(summary.accesses.all()[:50]),
            can_send=email is None and access.can_change_case(request.user, case),
            send_form=SendSummaryForm(initial={"summary": summary.pk}),
            html_url=reverse("admin:screening_case_summary_html", args=[case.pk, summary.pk]),
            pdf_url=reverse("admin:screening_case_summary_pdf", args=[case.pk, summary.pk]),
            send_url=reverse("admin:screening_case_summary_send", args=[case.pk, summary.pk]),
        )

    def summary_html_view(self, request, pk, sid):
        case = _case(request, pk, change=False)
        summary = _summary(case, sid)
        html = summary.notification.body_html if summary.notification else summary.body_html
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = HTML_PART_POLICY
        return response

    def summary_pdf_view(self, request, pk, sid):
        case = _case(request, pk, change=False)
        summary = _summary(case, sid)
        access.record_access(request.user, AccessRecord.Action.DOWNLOAD, case=case, request=request)
        response = HttpResponse(bytes(summary.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{summary.pdf_filename}"'
        response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
        return response

    def summary_send_view(self, request, pk, sid):
        case = _case(request, pk, change=True)
        try:
            summary, queued = send_summary(case, sid, by=request.user)
        except SummaryRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(_summary_url(case, _summary(case, sid)))
        if queued:
            self.message_user(
                request,
                f"Summary queued for {summary.recipient_email}; the timeline shows when it leaves.",
                messages.SUCCESS,
            )
        else:
            self.message_user(request, "This summary was already sent; nothing was sent again.")
        return HttpResponseRedirect(
            reverse("admin:screening_case_change", args=[case.pk]) + "#timeline"
        )

    def summary_for_email_view(self, request, pk, email_id):
        case = _case(request, pk, change=False)
        summary = CaseSummary.objects.filter(case=case, notification_id=email_id).first()
        if summary is None:
            raise Http404("No summary was sent with this email.")
        return HttpResponseRedirect(_summary_url(case, summary))
