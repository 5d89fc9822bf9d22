"""The shapes of the API's requests and answers: checked for types and unknown fields here, and
described in the OpenAPI schema from the same classes.

These check structure only (a string where a string belongs, no unknown keys, values from the
vocabulary). Whether the answers make sense together (dates, consent, treatments against the
disease status) is decided by the wizard's own step forms (screening/intake/structured.py).
"""

from __future__ import annotations

from rest_framework import serializers

from screening.intake.forms.diagnosis import DISEASE_LABELS
from screening.intake.forms.status import MRD_CHOICES, STATUS_CHOICES
from screening.intake.forms.treatment import (
    LINE_CLASS_CHOICES,
    MAX_LINES,
    MAX_TRANSPLANTS,
    OTHER_TREATMENT_CHOICES,
    RESPONSE_CHOICES,
    TRANSPLANT_CHOICES,
)
from screening.intake.vocabulary import DISEASES
from screening.models import DocumentCategory, SubmitterRole
from screening.rules.vocabulary import BIOMARKERS


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know, instead of silently dropping them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                raise serializers.ValidationError(
                    {
                        str(key): [
                            serializers.ErrorDetail(
                                "Unknown field. Allowed: " + ", ".join(self.fields) + ".",
                                code="unknown_field",
                            )
                        ]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A JSON string, never a number or a boolean turned into one."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data:
            raise serializers.ValidationError("NUL characters are not allowed.", code="invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true / false (and null where allowed): no "yes", 1 or "true" strings."""

    default_error_messages = {"invalid": "Must be true, false or null."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictNumberField(serializers.FloatField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


def tri_state(help_text: str = ""):
    return StrictBooleanField(
        required=False, allow_null=True, default=None, help_text=help_text or "null = not sure"
    )


def choices(pairs) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in pairs if value]


class PatientSerializer(StrictSerializer):
    first_name = StrictCharField(required=False, allow_blank=True, max_length=100)
    last_name = StrictCharField(required=False, allow_blank=True, max_length=100)
    name = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The whole name, read as first names and a last name when first_name and "
        "last_name are not sent.",
    )
    date_of_birth = StrictCharField(help_text="YYYY-MM-DD; the 1st if the day is not known.")


class ContactSerializer(StrictSerializer):
    role = serializers.ChoiceField(
        choices=SubmitterRole.choices, help_text="Who Navigator contacts about the case."
    )
    first_name = StrictCharField(max_length=100)
    last_name = StrictCharField(required=False, allow_blank=True, max_length=100)
    email = StrictCharField(max_length=254, help_text="Receives the confirmation and status link.")
    phone = StrictCharField(required=False, allow_blank=True, max_length=40)
    country = StrictCharField(max_length=2, help_text="ISO 3166-1 alpha-2, e.g. US.")
    language = StrictCharField(required=False, max_length=10, help_text="e.g. en, es; default en")


class DiagnosisSerializer(StrictSerializer):
    disease = serializers.ChoiceField(choices=[(key, str(DISEASE_LABELS[key])) for key in DISEASES])
    details = StrictCharField(required=False, allow_blank=True, max_length=500)
    diagnosed_on = StrictCharField(required=False, allow_null=True, help_text="YYYY-MM")


BiomarkersSerializer = type(
    "BiomarkersSerializer",
    (StrictSerializer,),
    {key: tri_state(f"{name}; null = not tested or not sure") for key, name in BIOMARKERS.items()},
)


class StatusSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=choices(STATUS_CHOICES))
    mrd = serializers.ChoiceField(
        choices=choices(MRD_CHOICES), required=False, allow_null=True, help_text="B-ALL only"
    )
    mrd_percent = StrictNumberField(required=False, allow_null=True, help_text="B-ALL only")
    in_consolidation_phase = tri_state("B-ALL only")
    transplant_eligible = tri_state("large B-cell lymphomas only")
    lenalidomide_refractory = tri_state("myeloma only")
    no_satisfactory_alternative = tri_state("AML only")


class TreatmentLineSerializer(StrictSerializer):
    name = StrictCharField(required=False, allow_blank=True, max_length=200)
    classes = serializers.ListField(
        child=serializers.ChoiceField(choices=choices(LINE_CLASS_CHOICES)), required=False
    )
    start = StrictCharField(required=False, allow_null=True, help_text="YYYY-MM")
    end = StrictCharField(required=False, allow_null=True, help_text="YYYY-MM")
    best_response = serializers.ChoiceField(
        choices=choices(RESPONSE_CHOICES), required=False, allow_null=True
    )
    relapse = StrictCharField(required=False, allow_null=True, help_text="YYYY-MM")


class TransplantSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=choices(TRANSPLANT_CHOICES))
    date = StrictCharField(required=False, allow_null=True, help_text="YYYY-MM")


class TreatmentSerializer(StrictSerializer):
    had_treatment = serializers.ChoiceField(choices=["yes", "no", "unknown"])
    lines = serializers.ListField(
        child=TreatmentLineSerializer(), required=False, max_length=MAX_LINES
    )
    transplants = serializers.ListField(
        child=TransplantSerializer(), required=False, max_length=MAX_TRANSPLANTS
    )
    other_treatments = serializers.ListField(
        child=serializers.ChoiceField(choices=choices(OTHER_TREATMENT_CHOICES)), required=False
    )
    other_details = StrictCharField(required=False, allow_blank=True, max_length=500)


class HealthSerializer(StrictSerializer):
    ecog = StrictIntegerField(min_value=0, max_value=4, allow_null=True, required=False)
    active_infection = tri_state()
    cns_involvement = tri_state()
    notes = StrictCharField(required=False, allow_blank=True, max_length=2000)


class AttesterSerializer(StrictSerializer):
    name = StrictCharField(max_length=200)
    role = StrictCharField(required=False, allow_blank=True, max_length=200)


class ConsentSerializer(StrictSerializer):
    version = StrictCharField(max_length=40, help_text="The version GET /api/v1/consent gives.")
    processing = StrictBooleanField(help_text="Required: must be true.")
    sharing = StrictBooleanField(required=False, default=False)
    not_medical_advice = StrictBooleanField(help_text="Required: must be true.")
    agreed_at = serializers.DateTimeField(required=False)
    attested_by = AttesterSerializer(help_text="Who at the hospital attests the agreement.")


class CaseSubmissionSerializer(StrictSerializer):
    patient = PatientSerializer()
    contact = ContactSerializer()
    diagnosis = DiagnosisSerializer()
    biomarkers = BiomarkersSerializer(required=False)
    status = StatusSerializer()
    treatment = TreatmentSerializer()
    health = HealthSerializer()
    consent = ConsentSerializer()


# --- answers (for the schema) ----------------------------------------------------------------


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorsSerializer(serializers.Serializer):
    errors = ErrorItemSerializer(many=True)


class CaseCreatedSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_page_url = serializers.CharField(
        allow_null=True, help_text="The patient's private status page; only in the first answer."
    )
    case_url = serializers.CharField()
    not_used = ErrorItemSerializer(many=True)


class FhirCaseCreatedSerializer(CaseCreatedSerializer):
    mapped = serializers.ListField(child=serializers.CharField())
    not_mapped = serializers.ListField(child=serializers.CharField())


class ProductVerdictSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    verdict = serializers.ChoiceField(choices=["eligible", "needs_review", "not_eligible"])
    verdict_text = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.DictField())


class ScreeningSummarySerializer(serializers.Serializer):
    ruleset = serializers.CharField()
    screened_at = serializers.DateTimeField()
    notice = serializers.CharField()
    products = ProductVerdictSerializer(many=True)


class RequestedSerializer(serializers.Serializer):
    facts = serializers.ListField(child=serializers.DictField())
    documents = serializers.ListField(child=serializers.DictField())
    requested_at = serializers.DateTimeField()


class CaseReadSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_text = serializers.CharField()
    outcome = serializers.CharField(allow_null=True)
    coordinator = serializers.DictField(allow_null=True)
    submitted_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    screening = ScreeningSummarySerializer(allow_null=True)
    missing_facts = serializers.ListField(child=serializers.DictField())
    records_requested = RequestedSerializer(many=True)
    documents = serializers.ListField(child=serializers.DictField())


class CaseListSerializer(serializers.Serializer):
    cases = CaseReadSerializer(many=True)
    next_updated_since = serializers.DateTimeField(allow_null=True)


class DocumentUploadSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=DocumentCategory.choices)
    files = serializers.ListField(child=serializers.FileField(), help_text="One or more files")


class ScreenResultSerializer(serializers.Serializer):
    ruleset = serializers.CharField()
    notice = serializers.CharField()
    results = serializers.DictField(help_text="product key -> verdict, indications, criteria")


class WebhookSerializer(StrictSerializer):
    url = StrictCharField(max_length=500)


class WebhookStateSerializer(serializers.Serializer):
    url = serializers.CharField(allow_blank=True)
    secret = serializers.CharField(required=False, help_text="Only when it is made.")
    last_delivery = serializers.DictField(allow_null=True)
    failures = serializers.IntegerField()
