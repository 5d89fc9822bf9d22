"""Synthetic case documents for the API tests (nobody real)."""

from screening.intake.consent import CONSENT_VERSION

CONSENT = {
    "version": CONSENT_VERSION,
    "processing": True,
    "sharing": True,
    "not_medical_advice": True,
    "attested_by": {"name": "Dr Rowan Ashby", "role": "Referring haematologist"},
}

CONTACT = {
    "role": "patient",
    "first_name": "Marta",
    "last_name": "Quill",
    "email": "marta.quill@example.org",
    "phone": "+1 555 0100 200",
    "country": "US",
    "language": "en",
}

# Refractory DLBCL after R-CHOP (one line): the LBCL second-line setting.
VALID_CASE = {
    "patient": {"name": "Marta Quill", "date_of_birth": "1968-04-12"},
    "contact": CONTACT,
    "diagnosis": {"disease": "dlbcl", "details": "germinal center type", "diagnosed_on": "2024-01"},
    "biomarkers": {"cd19_positive": True},
    "status": {"status": "refractory", "transplant_eligible": False},
    "treatment": {
        "had_treatment": "yes",
        "lines": [
            {
                "name": "R-CHOP",
                "classes": [],
                "start": "2024-02",
                "end": "2024-07",
                "best_response": "progression",
            }
        ],
    },
    "health": {"ecog": 1, "active_infection": False, "cns_involvement": False},
    "consent": CONSENT,
}
