"""/api/v1/: the referring organisations' API. Versioned in the path; a later, incompatible
version gets /api/v2/ beside this one."""

from django.urls import path, re_path

from screening.api.docs import DocsView, SchemaView
from screening.api.views.cases import CaseDocumentsView, CasesView, CaseView, ConsentView
from screening.api.views.fhir import FhirCasesView
from screening.api.views.misc import not_found
from screening.api.views.screen import ScreenView
from screening.api.views.webhook import WebhookPingView, WebhookView

app_name = "api"

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    path("screen", ScreenView.as_view(), name="screen"),
    path("consent", ConsentView.as_view(), name="consent"),
    path("cases", CasesView.as_view(), name="cases"),
    path("cases/fhir", FhirCasesView.as_view(), name="cases_fhir"),
    path("cases/<str:reference>", CaseView.as_view(), name="case"),
    path("cases/<str:reference>/documents", CaseDocumentsView.as_view(), name="case_documents"),
    path("webhook", WebhookView.as_view(), name="webhook"),
    path("webhook/ping", WebhookPingView.as_view(), name="webhook_ping"),
    re_path(r"^.*$", not_found, name="not_found"),
]
