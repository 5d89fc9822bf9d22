from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from screening.core.health import collect_liveness, collect_readiness
from screening.core.tokens import find_case_by_status_token
from screening.intake.submit import get_live_draft, set_draft_language
from screening.intake.views.printable import open_case, printed_answers_html, private
from screening.intake.views.sent import CONFIRMATION_SESSION_KEY
from screening.intake.views.storage import DRAFT_SESSION_KEY
from screening.models import Case
from screening.patient.language import set_case_language
from screening.summaries.pdf import SummaryRenderError, html_to_pdf


@require_safe
def home(request):
    return render(request, "home.html")


@never_cache
@require_safe  # GET and HEAD: load balancers often probe with HEAD
def healthz(request):
    """Liveness, for load balancers: this process and its database answer."""
    report = collect_liveness()
    return JsonResponse(report.as_dict(), status=200 if report.healthy else 503)


@never_cache
@require_safe
def readyz(request):
    """Readiness, for monitoring: database, broker and at least one worker answer."""
    report = collect_readiness()
    return JsonResponse(report.as_dict(), status=200 if report.healthy else 503)


def remember_language(request, language: str) -> None:
    """The person chose `language` with the switcher on this page: the form they are filling
    in, and the case whose page this is, keep it (its emails follow it from now on)."""
    draft = get_live_draft(request.session.get(DRAFT_SESSION_KEY))
    if draft is not None:
        set_draft_language(draft, language)
    match = request.resolver_match
    case = None
    if match.url_name == "status":
        case = find_case_by_status_token(match.kwargs.get("token", ""))
    elif match.url_name == "intake_submitted":
        sent = request.session.get(CONFIRMATION_SESSION_KEY) or {}
        case = Case.objects.filter(reference=sent.get("reference") or "").first()
    if case is not None:
        set_case_language(case, language)


@require_safe
def printed_answers_pdf(request, token):
    """The printable answers page (screening/intake/views/printable.py) as a PDF download,
    made by the summaries' renderer (WeasyPrint; it loads nothing from outside the app)."""
    case, refusal = open_case(request, token)
    if refusal is not None:
        return refusal
    try:
        pdf = html_to_pdf(printed_answers_html(request, case, token))
    except SummaryRenderError:
        message = _("The PDF could not be made just now. The printable page still works.")
        context = {"message": message, "token": token}
        return private(render(request, "status/answers_pdf_failed.html", context, status=503))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="navigator-{case.reference}-answers.pdf"'
    )
    # Should a browser render it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    return private(response)
