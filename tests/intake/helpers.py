"""Building intake POSTs: valid answers per step, and walking the wizard with the test client."""

from __future__ import annotations

from django.urls import reverse

from screening.intake.consent import CONSENT_VERSION

ABOUT = {
    "submitter_role": "patient",
    "first_name": "Ana",
    "last_name": "Lopez",
    "patient_first_name": "",
    "patient_last_name": "",
    "email": "ana.lopez@example.org",
    "phone": "+1 555 0100 200",
    "country": "US",
    "language": "es",
    "date_of_birth": "1963-04-02",
    "consent_processing": "on",
    "consent_sharing": "on",
    "consent_not_medical_advice": "on",
    "consent_version": CONSENT_VERSION,
}
DIAGNOSIS = {
    "disease": "dlbcl",
    "subtype_details": "germinal center type",
    "diagnosed_on": "2024-01",
    "biomarkers_for": "dlbcl",
    "marker_cd19_positive": "yes",
}
STATUS = {"status": "refractory", "transplant_eligible": "yes"}
TREATMENT = {
    "had_treatment": "yes",
    "lines-TOTAL_FORMS": "1",
    "lines-INITIAL_FORMS": "0",
    "lines-0-name": "R-CHOP",
    "lines-0-start": "2024-02",
    "lines-0-end": "2024-06",
    "lines-0-best_response": "progression",
    "transplants-TOTAL_FORMS": "1",
    "transplants-INITIAL_FORMS": "0",
}
HEALTH = {"ecog": "1", "active_infection": "no", "cns_involvement": "no", "notes": ""}
DOCUMENTS: dict = {}

VALID = {
    "about": ABOUT,
    "diagnosis": DIAGNOSIS,
    "status": STATUS,
    "treatment": TREATMENT,
    "health": HEALTH,
    "documents": DOCUMENTS,
}
STEPS = ["about", "diagnosis", "status", "treatment", "health", "documents", "review"]


def step_url(step: str) -> str:
    return reverse("intake_step", args=[step])


def payload(step: str, data: dict, **extra) -> dict:
    """The POST body of one step: its fields prefixed with the step name, plus buttons."""
    body = {"intake-current_step": step, **{f"{step}-{key}": value for key, value in data.items()}}
    body.update(extra)
    return body


def post_step(client, step: str, data: dict | None = None, **extra):
    data = VALID.get(step, {}) if data is None else data
    return client.post(step_url(step), payload(step, data, **extra))


def walk_to_review(client, **overrides):
    """Answer every step validly (overrides: step -> data) and return the review page."""
    client.get(reverse("intake"))
    for step in STEPS[:-1]:
        response = post_step(client, step, overrides.get(step))
        assert response.status_code == 302, (step, _errors(response))
    response = client.get(step_url("review"))
    assert response.status_code == 200
    return response


def submission_key(review_response) -> str:
    return review_response.context["wizard"]["form"].expected_key


def submit(client, review_response, **data):
    key = submission_key(review_response)
    return post_step(client, "review", {"submission_key": key, "leave_blank": "", **data})


def _errors(response):
    context = getattr(response, "context", None)
    if not context or "wizard" not in context:
        return response.status_code
    return [link.message for link in context.get("error_links", [])]
