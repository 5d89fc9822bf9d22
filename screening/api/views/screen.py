"""POST /api/v1/screen: screen a list of profiles with the rules and store nothing."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from screening.api.errors import ApiError, error
from screening.api.serializers import ErrorsSerializer, ScreenResultSerializer
from screening.api.views.base import ApiView
from screening.models import Scope
from screening.rules import MEDICAL_ADVICE_NOTICE, InvalidProfile, screen, validate_patient

EXAMPLE_PATIENT = {
    "age_years": 34,
    "diagnosis": "b_all",
    "disease_status": "refractory",
    "prior_lines": 2,
    "prior_therapies": ["chemotherapy", "anthracycline"],
    "biomarkers": {
        "cd19_positive": True,
        "cd22_positive": None,
        "bcma_positive": None,
        "kmt2a_rearranged": False,
        "npm1_mutated": None,
        "philadelphia_positive": False,
    },
    "ecog": 1,
    "mrd_percent": None,
    "relapse_within_12_months": None,
    "transplant_eligible": None,
    "lenalidomide_refractory": None,
    "in_consolidation_phase": None,
    "no_satisfactory_alternative": None,
}


class ScreenView(ApiView):
    required_scope = Scope.SCREEN

    @extend_schema(
        operation_id="screen_profiles",
        summary="Screen profiles without storing anything",
        description=(
            "A JSON list of `patient` objects in the case schema's shape; the answer is a list "
            "in the same order, each with `results` keyed by product key (verdict, indications "
            "and their criteria, missing facts, cautions). If any profile is invalid, nothing "
            "is screened and every problem is listed (`[3].age_years`)."
        ),
        request={"application/json": {"type": "array", "items": {"type": "object"}}},
        responses={200: ScreenResultSerializer(many=True), 422: ErrorsSerializer},
        examples=[OpenApiExample("One profile", value=[EXAMPLE_PATIENT], request_only=True)],
    )
    def post(self, request):
        profiles = request.data
        if not isinstance(profiles, list):
            raise ApiError(422, [error(None, "not_a_list", "Send a JSON list of patient objects.")])
        limit = settings.API_SCREEN_MAX_PROFILES
        if len(profiles) > limit:
            raise ApiError(422, [error(None, "too_many", f"At most {limit} profiles in one call.")])
        valid, problems = [], []
        for index, patient in enumerate(profiles):
            try:
                valid.append(validate_patient(patient))
            except InvalidProfile as invalid:
                problems += [
                    error(f"[{index}].{problem.field}", "invalid", problem.message)
                    for problem in invalid.errors
                ]
        if problems:
            raise ApiError(422, problems)
        return Response(
            [{"notice": MEDICAL_ADVICE_NOTICE, **screen(profile).to_dict()} for profile in valid]
        )
