"""POST /api/v1/cases/fhir: a case from a FHIR R4 bundle, plus the contact and the consent."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from screening.api.errors import ApiError, error, flatten
from screening.api.serializers import (
    ConsentSerializer,
    ContactSerializer,
    ErrorsSerializer,
    FhirCaseCreatedSerializer,
    HealthSerializer,
    StrictSerializer,
)
from screening.api.views.base import ApiView, StrictJSONParser
from screening.api.views.cases import (
    IDEMPOTENCY_PARAMETER,
    created_body,
    intake_or_422,
    referral_or_422,
)
from screening.core.idempotency import fingerprint
from screening.intake.fhir import InvalidBundle, map_bundle
from screening.models import ApiSubmission, Scope

# R4 (4.0.x) and R4B (4.3.x), whose resources used here are the same.
FHIR_VERSIONS = ("4.0", "4.3")


def _fhir_version(content_type: str) -> str:
    """The fhirVersion parameter of a FHIR media type, if any."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "fhirversion":
            return value.strip().strip('"')
    return ""


class FhirJSONParser(StrictJSONParser):
    media_type = "application/fhir+json"


class FhirSubmissionSerializer(StrictSerializer):
    bundle = serializers.JSONField(help_text="A FHIR R4 Bundle of type transaction or collection.")
    contact = ContactSerializer()
    consent = ConsentSerializer()
    health = HealthSerializer(required=False)


class FhirCasesView(ApiView):
    required_scope = Scope.CASES_SUBMIT
    parser_classes = [StrictJSONParser, FhirJSONParser]

    @extend_schema(
        operation_id="submit_fhir_case",
        summary="Submit a case as a FHIR R4 bundle",
        description="`bundle` carries the clinical facts (Patient, Condition, Observations, "
        "medications, procedures), read through the code tables in the README; `contact` and "
        "`consent` are as for POST /cases. The answer lists what was mapped and what was not; "
        "what was not stays unknown.",
        request=FhirSubmissionSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: FhirCaseCreatedSerializer, 422: ErrorsSerializer},
    )
    def post(self, request):
        version = _fhir_version(request.META.get("CONTENT_TYPE", ""))
        if version and not version.startswith(FHIR_VERSIONS):
            raise ApiError(
                415,
                [
                    error(
                        "Content-Type",
                        "fhir_version",
                        f"Only FHIR R4 is read (fhirVersion=4.0); this says fhirVersion={version}.",
                    )
                ],
            )
        serializer = FhirSubmissionSerializer(data=request.data)
        if not serializer.is_valid():
            raise ApiError(422, flatten(serializer.errors))
        data = serializer.validated_data
        try:
            mapped = map_bundle(data["bundle"])
        except InvalidBundle as invalid:
            raise ApiError(422, [problem.as_dict() for problem in invalid.problems]) from None
        document = {
            **mapped.document,
            "contact": data["contact"],
            "consent": data["consent"],
            "health": data.get("health") or {},
        }
        intake = intake_or_422(document)
        report = {"mapped": mapped.mapped, "not_mapped": mapped.not_mapped}

        def create(key):
            case = referral_or_422(
                self, intake.answers, key, source=ApiSubmission.Source.FHIR, mapping=report
            )
            return 201, created_body(request, case, not_used=intake.not_used, extra=report)

        return self.idempotent(request, fingerprint(request.data), create)
