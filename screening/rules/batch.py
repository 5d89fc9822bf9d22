"""Screening a document of cases (one case object or a list, in the example-cases.json shape).

An invalid case yields an `errors` entry in its place; the valid ones are still screened, so one
typo in a batch never hides the other results.
"""

from __future__ import annotations

from typing import Any

from .engine import screen
from .profile import InvalidProfile, validate_patient


class CaseDocumentError(ValueError):
    """The document as a whole is not a case or a list of cases."""


def screen_case(case: Any) -> dict[str, Any]:
    """One case in, one output object out: `{id, ruleset, results}` or `{id, errors}`."""
    if not isinstance(case, dict):
        return {
            "id": None,
            "errors": [f"case: expected an object with a 'patient', got {type(case).__name__}"],
        }
    case_id = case.get("id")
    errors = []
    if case_id is not None and not isinstance(case_id, (str, int)):
        errors.append(f"id: {case_id!r} is not allowed; expected a string")
        case_id = None
    if "patient" not in case:
        errors.append("patient: is missing; every case needs a 'patient' object")
    else:
        try:
            profile = validate_patient(case["patient"])
        except InvalidProfile as invalid:
            errors += [f"patient.{error}" for error in invalid.errors]
    if errors:
        return {"id": case_id, "errors": errors}
    return {"id": case_id, **screen(profile).to_dict()}


def screen_cases(document: Any) -> tuple[list[dict[str, Any]], int]:
    """Screen every case in the document, in order; returns the outputs and the invalid count."""
    if isinstance(document, dict):
        cases = [document]
    elif isinstance(document, list):
        cases = document
    else:
        raise CaseDocumentError(
            f"expected a case object or a list of cases, got {type(document).__name__}"
        )
    outputs = [screen_case(case) for case in cases]
    return outputs, sum(1 for output in outputs if "errors" in output)
