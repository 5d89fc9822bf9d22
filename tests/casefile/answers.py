"""Stored intake answers (the shape the wizard keeps on `Case.intake`), and cases made from
them the way `submit_case` makes them: derived, versioned and screened by the pipeline."""

from __future__ import annotations

import copy

from django.utils import timezone

from screening.intake.derivation import DERIVATION_VERSION, derive_profile
from screening.models import Case
from screening.pipeline.screen import screen_case
from tests.factories import CaseFactory

# A relative filled the form for a 58-year-old with lenalidomide-refractory myeloma after three
# lines; the third line's brand name ("Pomalyst") is one the regimen table does not know, so
# that line is asked about (an earlier BCMA-directed therapy is not ruled out) and Abecma and
# Carvykti need review, while the classes of the first two lines are known.
MYELOMA_ANSWERS = {
    "about": {
        "submitter_role": "family",
        "first_name": "Oriana",
        "last_name": "Vantongeren",
        "patient_name": "Bartholomew Vantongeren",
        "email": "oriana.v@example.org",
        "phone": "+1 555 0100 321",
        "country": "US",
        "language": "en",
        "date_of_birth": "1968-03-14",
    },
    "diagnosis": {
        "disease": "mm",
        "diagnosis": "mm",
        "subtype_details": "IgG kappa",
        "diagnosed_on": "2020-05",
        "biomarkers": {"bcma_positive": "unknown"},
    },
    "status": {"status": "refractory", "lenalidomide_refractory": "yes"},
    "treatment": {
        "had_treatment": "yes",
        "lines": [
            {
                "name": "VRd",
                "classes": [],
                "start": "2020-06",
                "end": "2021-01",
                "best_response": "partial",
                "relapse": "2021-09",
            },
            {
                "name": "Dara-Kd",
                "classes": ["anti_cd38", "proteasome_inhibitor"],
                "start": "2021-10",
                "end": "2022-12",
                "best_response": "complete",
                "relapse": "2023-06",
            },
            {
                "name": "Pomalyst and dexamethasone",
                "classes": [],
                "start": "2023-07",
                "end": "2024-03",
                "best_response": "progression",
                "relapse": None,
            },
        ],
        "transplants": [{"kind": "autologous", "date": "2021-02"}],
        "other_treatments": [],
        "other_details": "",
    },
    "health": {
        "ecog": "1",
        "active_infection": "no",
        "cns_involvement": "no",
        "notes": "Tires easily; lives two hours from the nearest centre.",
    },
    "consent": {
        "version": "2026-11-01",
        "processing": True,
        "sharing": True,
        "not_medical_advice": True,
        "agreed_at": "2026-11-20T10:00:00+00:00",
    },
}


def myeloma_answers() -> dict:
    return copy.deepcopy(MYELOMA_ANSWERS)


def case_from_answers(answers: dict, *, version: str = DERIVATION_VERSION, **fields) -> Case:
    """A case created as submit_case creates one (profile derived from the answers, the
    derivation version recorded), then screened by the real pipeline."""
    about = answers["about"]
    profile = derive_profile(answers, today=timezone.localdate())
    case = CaseFactory(
        intake=answers,
        intake_profile=profile,
        profile=profile,
        derivation_version=version,
        submitter_role=about["submitter_role"],
        first_name=about["first_name"],
        last_name=about["last_name"],
        email=about["email"],
        **fields,
    )
    screen_case(case.pk)
    case.refresh_from_db()
    return case
