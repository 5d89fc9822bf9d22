"""Intake answers from a structured document (the API's JSON, or a mapped FHIR bundle), checked
by the wizard's own step forms.

There is one set of rules for what a valid intake is: the step forms in
screening/intake/forms/. This module only translates: the document's sections become each
form's posted data, the forms validate exactly as they do for a person (dates in the future,
an end before a start, "no treatment yet" with treatments listed, consent...), and their errors
come back named by the document's own field paths (`treatment.lines[1].end`). A valid document
gives the same `answers` dict the wizard stores, so `submit_case` and the derivation treat both
alike.

The document's shape (checked for types and unknown fields before it gets here, by the API's
serializers) is documented in the README ("API") and the OpenAPI schema. Tri-state facts are
JSON true / false / null (null = not tested or not sure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.http import QueryDict
from django.utils import timezone

from screening.intake.consent import CONSENT_STATEMENTS, CONSENT_VERSION
from screening.intake.forms import AboutForm, DiagnosisForm, DiseaseNowForm, HealthForm
from screening.intake.forms.fields import NO, UNKNOWN, YES
from screening.intake.forms.treatment import TreatmentForm
from screening.intake.vocabulary import DISEASES, RELEVANT_BIOMARKERS, status_questions
from screening.rules.vocabulary import BIOMARKERS

# A hospital's clock may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)

STATUS_FLAGS = (
    "in_consolidation_phase",
    "transplant_eligible",
    "lenalidomide_refractory",
    "no_satisfactory_alternative",
)

# Form field -> document path, per step.
_ABOUT_PATHS = {
    "submitter_role": "contact.role",
    "first_name": "contact.first_name",
    "last_name": "contact.last_name",
    "patient_first_name": "patient.first_name",
    "patient_last_name": "patient.last_name",
    "email": "contact.email",
    "phone": "contact.phone",
    "country": "contact.country",
    "language": "contact.language",
    "date_of_birth": "patient.date_of_birth",
    "consent_processing": "consent.processing",
    "consent_sharing": "consent.sharing",
    "consent_not_medical_advice": "consent.not_medical_advice",
    "consent_version": "consent.version",
}
_DIAGNOSIS_PATHS = {
    "disease": "diagnosis.disease",
    "subtype_details": "diagnosis.details",
    "diagnosed_on": "diagnosis.diagnosed_on",
    **{f"marker_{key}": f"biomarkers.{key}" for key in BIOMARKERS},
}


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one field of the document, in the API's error shape."""

    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


class InvalidIntakeDocument(ValueError):
    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


@dataclass
class StructuredIntake:
    """Valid answers, plus the facts the document gave that the intake does not use."""

    answers: dict[str, Any]
    not_used: list[FieldProblem] = field(default_factory=list)


def _tri(value: Any) -> str:
    if value is True:
        return YES
    if value is False:
        return NO
    return UNKNOWN


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _query_dict(values: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, list):
            data.setlist(key, [_text(item) for item in value])
        else:
            data[key] = _text(value)
    return data


def _problems(form, paths: dict[str, str], *, default: str) -> list[FieldProblem]:
    found = []
    for name, errors in form.errors.as_data().items():
        where = default if name == NON_FIELD_ERRORS else paths.get(name, f"{default}.{name}")
        for error in errors:
            for message in error.messages:
                found.append(FieldProblem(where, error.code or "invalid", str(message)))
    return found


def _about(document: dict) -> tuple[AboutForm, dict]:
    patient, contact = document.get("patient") or {}, document.get("contact") or {}
    consent = document.get("consent") or {}
    data = {
        "submitter_role": contact.get("role"),
        "first_name": contact.get("first_name"),
        "last_name": contact.get("last_name"),
        **_patient_name(patient),
        "email": contact.get("email"),
        "phone": contact.get("phone"),
        "country": contact.get("country"),
        "language": contact.get("language") or "en",
        "date_of_birth": patient.get("date_of_birth"),
        # Checked on its own first (outdated_consent below); the form sees the current one.
        "consent_version": CONSENT_VERSION,
    }
    for key in CONSENT_STATEMENTS:
        if consent.get(key) is True:
            data[f"consent_{key}"] = "on"
    # A hospital may send the patient's name or not, whoever it says filled in the form.
    return AboutForm(_query_dict(data), patient_name_required=False), _ABOUT_PATHS


def _patient_name(patient: dict) -> dict:
    """The patient's first and last name: given as such, or split from `name` ("Luis Lopez":
    "Luis" and "Lopez"; one word is a first name)."""
    first, last = patient.get("first_name"), patient.get("last_name")
    if first is None and last is None:
        words = str(patient.get("name") or "").split()
        first = " ".join(words[:-1]) or " ".join(words)
        last = words[-1] if len(words) > 1 else ""
    return {"patient_first_name": first, "patient_last_name": last}


def _consent_problems(consent: dict) -> list[FieldProblem]:
    problems = []
    if consent.get("version") != CONSENT_VERSION:
        problems.append(
            FieldProblem(
                "consent.version",
                "outdated" if consent.get("version") else "required",
                f"The consent statements the hospital attests are version {CONSENT_VERSION} "
                "(GET /api/v1/consent lists them). Show the patient the current wording and "
                "send its version.",
            )
        )
    agreed = consent.get("agreed_at")
    if isinstance(agreed, datetime) and agreed > timezone.now() + CLOCK_SKEW:
        problems.append(
            FieldProblem("consent.agreed_at", "future", "The agreement cannot be in the future.")
        )
    attested = consent.get("attested_by") or {}
    if not str(attested.get("name") or "").strip():
        problems.append(
            FieldProblem(
                "consent.attested_by.name",
                "required",
                "Name the person at the hospital who attests that the patient agreed.",
            )
        )
    return problems


def _diagnosis(document: dict, birth_date: date | None) -> DiagnosisForm:
    diagnosis, markers = document.get("diagnosis") or {}, document.get("biomarkers") or {}
    disease = diagnosis.get("disease")
    data = {
        "disease": disease,
        "subtype_details": diagnosis.get("details"),
        "diagnosed_on": diagnosis.get("diagnosed_on"),
        # The test questions for this disease are "on the page": no two-part step here.
        "biomarkers_for": disease if disease in DISEASES else "",
    }
    for key in RELEVANT_BIOMARKERS.get(disease, ()):
        data[f"marker_{key}"] = _tri(markers.get(key))
    return DiagnosisForm(_query_dict(data), birth_date=birth_date)


def _status(document: dict, diagnosis: str | None) -> tuple[DiseaseNowForm, dict]:
    status = document.get("status") or {}
    asked = status_questions(diagnosis)
    data: dict[str, Any] = {"status": status.get("status")}
    if "mrd" in asked:
        data["mrd"] = status.get("mrd") or "not_tested"
        level = status.get("mrd_percent")
        data["mrd_percent"] = None if level is None else str(level)
    for key in STATUS_FLAGS:
        if key in asked:
            data[key] = _tri(status.get(key))
    paths = {key: f"status.{key}" for key in ("status", "mrd", "mrd_percent", *STATUS_FLAGS)}
    return DiseaseNowForm(_query_dict(data), diagnosis=diagnosis), paths


def _treatment(
    document: dict, birth_date: date | None, disease_status: str | None
) -> TreatmentForm:
    treatment = document.get("treatment") or {}
    lines = list(treatment.get("lines") or ())
    transplants = list(treatment.get("transplants") or ())
    data: dict[str, Any] = {
        "had_treatment": treatment.get("had_treatment"),
        "other_treatments": list(treatment.get("other_treatments") or ()),
        "other_details": treatment.get("other_details"),
        # Every entry counts as sent ("initial"), so an empty one is an error, not dropped.
        "lines-TOTAL_FORMS": len(lines),
        "lines-INITIAL_FORMS": len(lines),
        "transplants-TOTAL_FORMS": len(transplants),
        "transplants-INITIAL_FORMS": len(transplants),
    }
    for index, line in enumerate(lines):
        for key in ("name", "start", "end", "best_response", "relapse"):
            data[f"lines-{index}-{key}"] = line.get(key)
        data[f"lines-{index}-classes"] = list(line.get("classes") or ())
    for index, transplant in enumerate(transplants):
        data[f"transplants-{index}-kind"] = transplant.get("kind") or ""
        data[f"transplants-{index}-date"] = transplant.get("date")
    return TreatmentForm(_query_dict(data), birth_date=birth_date, disease_status=disease_status)


def _treatment_problems(form: TreatmentForm) -> list[FieldProblem]:
    paths = {name: f"treatment.{name}" for name in form.fields}
    problems = _problems(form, paths, default="treatment")
    for name, formset in (("lines", form.lines), ("transplants", form.transplants)):
        for error in formset.non_form_errors().as_data():
            for message in error.messages:
                problems.append(FieldProblem(f"treatment.{name}", error.code or "invalid", message))
        for index, subform in enumerate(formset.forms):
            base = f"treatment.{name}[{index}]"
            subpaths = {key: f"{base}.{key}" for key in subform.fields}
            problems += _problems(subform, subpaths, default=base)
    return problems


def _health(document: dict) -> HealthForm:
    health = document.get("health") or {}
    ecog = health.get("ecog")
    data = {
        "ecog": UNKNOWN if ecog is None else ecog,
        "active_infection": _tri(health.get("active_infection")),
        "cns_involvement": _tri(health.get("cns_involvement")),
        "notes": health.get("notes"),
    }
    return HealthForm(_query_dict(data))


def _not_used(document: dict, disease: str | None, diagnosis: str | None) -> list[FieldProblem]:
    """Facts given that the intake does not ask for this diagnosis (kept out of screening)."""
    notes = []
    asked = set(RELEVANT_BIOMARKERS.get(disease, ()))
    for key, value in (document.get("biomarkers") or {}).items():
        if value is not None and key not in asked:
            notes.append(
                FieldProblem(
                    f"biomarkers.{key}", "not_used", f"Not used in screening for {disease}."
                )
            )
    questions = set(status_questions(diagnosis))
    status = document.get("status") or {}
    for key in (*STATUS_FLAGS, "mrd", "mrd_percent"):
        if status.get(key) is not None and (key.split("_percent")[0] not in questions):
            notes.append(
                FieldProblem(f"status.{key}", "not_used", f"Not used in screening for {disease}.")
            )
    return notes


def _agreed_at(consent: dict) -> str:
    agreed = consent.get("agreed_at")
    if isinstance(agreed, datetime):
        return agreed.isoformat()
    return timezone.now().isoformat()


def answers_from_document(document: dict[str, Any]) -> StructuredIntake:
    """Validate a structured intake document with the wizard's forms; return its answers.

    Raises InvalidIntakeDocument listing every problem (as the wizard shows every error of a
    step at once); nothing is stored either way.
    """
    problems: list[FieldProblem] = []
    about, about_paths = _about(document)
    about_valid = about.is_valid()
    problems += _problems(about, about_paths, default="contact")
    consent = document.get("consent") or {}
    problems += _consent_problems(consent)
    birth_date = about.cleaned_data.get("date_of_birth") if about_valid else None

    diagnosis_form = _diagnosis(document, birth_date)
    diagnosis_valid = diagnosis_form.is_valid()
    problems += _problems(diagnosis_form, _DIAGNOSIS_PATHS, default="diagnosis")
    disease = (document.get("diagnosis") or {}).get("disease")
    diagnosis = DISEASES.get(disease)

    status_form, status_paths = _status(document, diagnosis)
    status_valid = status_form.is_valid()
    problems += _problems(status_form, status_paths, default="status")
    disease_status = status_form.cleaned_data.get("status") if status_valid else None

    treatment_form = _treatment(document, birth_date, disease_status)
    treatment_valid = treatment_form.is_valid()
    problems += _treatment_problems(treatment_form)

    health_form = _health(document)
    health_valid = health_form.is_valid()
    health_paths = {name: f"health.{name}" for name in health_form.fields}
    problems += _problems(health_form, health_paths, default="health")

    if problems or not all(
        (about_valid, diagnosis_valid, status_valid, treatment_valid, health_valid)
    ):
        raise InvalidIntakeDocument(problems or [FieldProblem("", "invalid", "Invalid intake.")])

    attested = consent.get("attested_by") or {}
    answers = {
        "about": about.answers(),
        "diagnosis": diagnosis_form.answers(),
        "status": status_form.answers(),
        "treatment": treatment_form.answers(),
        "health": health_form.answers(),
        "consent": {
            **about.consent(),
            "agreed_at": _agreed_at(consent),
            "attested_by": {
                "name": str(attested.get("name") or "").strip()[:200],
                "role": str(attested.get("role") or "").strip()[:200],
            },
        },
    }
    return StructuredIntake(answers, _not_used(document, disease, diagnosis))
