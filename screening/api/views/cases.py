"""Cases: submit one (JSON), list the organisation's recent changes, read one, add documents."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from screening.api.casefile import case_summary, find_organisation_case, updated_cases
from screening.api.errors import ApiError, error, flatten
from screening.api.serializers import (
    CaseCreatedSerializer,
    CaseListSerializer,
    CaseReadSerializer,
    CaseSubmissionSerializer,
    DocumentUploadSerializer,
    ErrorsSerializer,
)
from screening.api.views.base import IDEMPOTENCY_HEADER, ApiView
from screening.core.idempotency import fingerprint
from screening.core.tokens import status_page_url
from screening.documents.uploads import UploadRejected, check_upload
from screening.intake.referrals import submit_referral
from screening.intake.structured import InvalidIntakeDocument, answers_from_document
from screening.models import ApiSubmission, DocumentCategory, Scope
from screening.patient.records import API_SOURCE, CaseClosedForUploads, receive_records
from screening.rules.profile import InvalidProfile
from screening.triage.access import record_api_reads

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    description="Any unique string (e.g. a UUID): a repeat with the same key and the same "
    "request gets the first response and creates nothing more.",
)


def not_found(reference: str) -> ApiError:
    # The same answer for a case that does not exist and for another organisation's case, so
    # a reference is never confirmed to anyone who did not submit it.
    return ApiError(404, [error("reference", "not_found", f"No case {reference} of yours.")])


def created_body(request, case, *, not_used=(), extra=None) -> dict:
    token = getattr(case, "raw_status_token", None)
    return {
        "reference": case.reference,
        "status": case.status,
        "status_page_url": status_page_url(token) if token else None,
        "case_url": request.build_absolute_uri(f"/api/v1/cases/{case.reference}"),
        "not_used": [problem.as_dict() for problem in not_used],
        **(extra or {}),
    }


def intake_or_422(document: dict):
    try:
        return answers_from_document(document)
    except InvalidIntakeDocument as invalid:
        raise ApiError(422, [problem.as_dict() for problem in invalid.problems]) from None


def referral_or_422(view, answers, key, **kwargs):
    try:
        return submit_referral(
            view.client.organisation,
            answers,
            api_key=view.client.key,
            idempotency_key=key,
            **kwargs,
        )
    except InvalidProfile as invalid:
        raise ApiError(
            422,
            [error(f"profile.{e.field}", "invalid_profile", e.message) for e in invalid.errors],
        ) from None


class CasesView(ApiView):
    required_scope = {"GET": Scope.CASES_READ, "POST": Scope.CASES_SUBMIT}

    @extend_schema(
        operation_id="list_cases",
        summary="The organisation's cases updated since a time (for polling)",
        parameters=[
            OpenApiParameter(
                "updated_since",
                str,
                description="ISO 8601 time; cases whose status, screening, coordinator, "
                "requests or documents changed at or after it, oldest change first, at most "
                "100. Poll again with `next_updated_since`.",
            )
        ],
        responses={200: CaseListSerializer, 422: ErrorsSerializer},
    )
    def get(self, request):
        raw = request.query_params.get("updated_since")
        since = None
        if raw:
            try:
                since = parse_datetime(raw.replace(" ", "+"))
            except ValueError:
                since = None
            if since is None or since.tzinfo is None:
                raise ApiError(
                    422,
                    [
                        error(
                            "updated_since",
                            "invalid",
                            "Give an ISO 8601 time with its offset, e.g. 2026-05-01T09:00:00Z.",
                        )
                    ],
                )
        cases = updated_cases(self.client.organisation, since)
        record_api_reads(self.client.key, cases, request=request._request)
        summaries = [case_summary(case) for case in cases]
        return Response(
            {
                "cases": summaries,
                "next_updated_since": summaries[-1]["updated_at"] if summaries else since,
            }
        )

    @extend_schema(
        operation_id="submit_case",
        summary="Submit a case",
        description="The intake's content as JSON, checked exactly like the intake form. 201 "
        "with the reference and the patient's status-page link (shown only in this answer; "
        "give it to the patient). The contact also receives the confirmation email.",
        request=CaseSubmissionSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: CaseCreatedSerializer, 422: ErrorsSerializer},
    )
    def post(self, request):
        serializer = CaseSubmissionSerializer(data=request.data)
        if not serializer.is_valid():
            raise ApiError(422, flatten(serializer.errors))
        intake = intake_or_422(serializer.validated_data)

        def create(key):
            case = referral_or_422(self, intake.answers, key, source=ApiSubmission.Source.JSON)
            return 201, created_body(request, case, not_used=intake.not_used)

        return self.idempotent(request, fingerprint(request.data), create)


class CaseView(ApiView):
    required_scope = Scope.CASES_READ

    @extend_schema(
        operation_id="read_case",
        summary="Read one of the organisation's cases",
        responses={200: CaseReadSerializer, 404: ErrorsSerializer},
    )
    def get(self, request, reference):
        case = find_organisation_case(self.client.organisation, reference)
        if case is None:
            raise not_found(reference)
        record_api_reads(self.client.key, [case], request=request._request)
        return Response(case_summary(case))


class CaseDocumentsView(ApiView):
    required_scope = Scope.CASES_SUBMIT
    parser_classes = [MultiPartParser]

    def max_body_bytes(self) -> int:
        from django.conf import settings

        return settings.MAX_REQUEST_BYTES

    @extend_schema(
        operation_id="add_documents",
        summary="Add documents to one of the organisation's cases",
        description="multipart/form-data with `category` and one or more `files` (PDF, JPEG "
        "or PNG, checked by their content like every upload). All files are checked first: "
        "if any is refused, none is stored. While the coordinator waits for records, this "
        "answers the request and puts the case back in review.",
        request={"multipart/form-data": DocumentUploadSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: dict, 404: ErrorsSerializer, 409: ErrorsSerializer, 422: ErrorsSerializer},
    )
    def post(self, request, reference):
        case = find_organisation_case(self.client.organisation, reference)
        if case is None:
            raise not_found(reference)
        category = self._category(request)
        files = request.FILES.getlist("files") + request.FILES.getlist("file")
        if not files:
            raise ApiError(422, [error("files", "required", "Attach at least one file.")])
        checked, problems = [], []
        for index, uploaded in enumerate(files):
            try:
                checked.append(check_upload(uploaded))
            except UploadRejected as rejected:
                problems.append(error(f"files[{index}]", rejected.reason, rejected.message))
        if problems:
            raise ApiError(422, problems)

        def store(key):
            try:
                documents = receive_records(
                    case, [(category, item) for item in checked], source=API_SOURCE
                )
            except UploadRejected as rejected:
                raise ApiError(422, [error("files", rejected.reason, rejected.message)]) from None
            except CaseClosedForUploads as closed:
                raise ApiError(409, [error("reference", "case_closed", str(closed))]) from None
            return 201, {
                "reference": case.reference,
                "documents": [
                    {
                        "id": document.pk,
                        "name": document.original_name,
                        "category": document.category,
                        "size": document.size,
                        "sha256": document.sha256,
                        "content_type": document.content_type,
                    }
                    for document in documents
                ],
            }

        return self.idempotent(
            request, fingerprint(case.reference, category, [c.sha256 for c in checked]), store
        )

    def _category(self, request) -> str:
        unknown = [key for key in request.data if key not in {"category", "files", "file"}]
        if unknown:
            raise ApiError(
                422,
                [error(key, "unknown_field", "Send only category and files.") for key in unknown],
            )
        category = request.data.get("category")
        if category not in DocumentCategory.values:
            raise ApiError(
                422,
                [
                    error(
                        "category",
                        "invalid_choice",
                        f"Choose one of: {', '.join(DocumentCategory.values)}.",
                    )
                ],
            )
        return category


class ConsentView(ApiView):
    required_scope = Scope.CASES_SUBMIT

    @extend_schema(
        operation_id="consent_statements",
        summary="The consent statements a hospital attests, and their version",
        responses={200: dict},
    )
    def get(self, request):
        from screening.intake.consent import CONSENT_STATEMENTS, CONSENT_VERSION

        return Response(
            {
                "version": CONSENT_VERSION,
                "statements": [
                    {"key": key, "text": text, "required": required}
                    for key, (text, required) in CONSENT_STATEMENTS.items()
                ],
            }
        )
