"""Screening a document of cases (one case object or a list, in the example-cases.json shape).

An invalid case yields an `errors` entry in its place; the valid ones are still screened, so one
typo in a batch never hides the other results.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .encode import result_json
from .engine import screen
from .profile import InvalidProfile, Profile, validate_patient
from .report import render_table


class CaseDocumentError(ValueError):
    """The document as a whole is not a case or a list of cases."""


def _check_case(case: Any) -> tuple[Any, Profile | None, list[str]]:
    """(id, profile, errors) for one case object; the profile is None when errors is not empty."""
    if not isinstance(case, dict):
        return None, None, [f"case: expected an object with a 'patient', got {type(case).__name__}"]
    case_id = case.get("id")
    errors = []
    if case_id is not None and not isinstance(case_id, (str, int)):
        errors.append(f"id: {case_id!r} is not allowed; expected a string")
        case_id = None
    profile = None
    if "patient" not in case:
        errors.append("patient: is missing; every case needs a 'patient' object")
    else:
        try:
            profile = validate_patient(case["patient"])
        except InvalidProfile as invalid:
            errors += [f"patient.{error}" for error in invalid.errors]
    return case_id, (None if errors else profile), errors


def screen_case(case: Any) -> dict[str, Any]:
    """One case in, one output object out: `{id, ruleset, results}` or `{id, errors}`."""
    case_id, profile, errors = _check_case(case)
    if errors:
        return {"id": case_id, "errors": errors}
    return {"id": case_id, **screen(profile).to_dict()}


def _cases(document: Any) -> list:
    if isinstance(document, dict):
        return [document]
    if isinstance(document, list):
        return document
    raise CaseDocumentError(
        f"expected a case object or a list of cases, got {type(document).__name__}"
    )


def screen_cases(document: Any) -> tuple[list[dict[str, Any]], int]:
    """Screen every case in the document, in order; returns the outputs and the invalid count."""
    outputs = [screen_case(case) for case in _cases(document)]
    return outputs, sum(1 for output in outputs if "errors" in output)


def write_cases_json(document: Any, write: Callable[[str], Any]) -> tuple[int, int]:
    """Screen every case and write the compact JSON of `screen_cases`' outputs, case by case,
    through `write` (so 20,000 cases never sit in memory as one string). Returns the invalid
    count and the case count."""
    cases = _cases(document)
    invalid = 0
    write("[")
    for number, case in enumerate(cases):
        if number:
            write(",")
        case_id, profile, errors = _check_case(case)
        if errors:
            invalid += 1
            write(json.dumps({"id": case_id, "errors": errors}, separators=(",", ":")))
        else:
            write(result_json(screen(profile), case_id=case_id))
    write("]\n")
    return invalid, len(cases)


def screen_cases_json(document: Any) -> tuple[str, int]:
    """The same outputs as `screen_cases`, as one compact JSON text."""
    parts: list[str] = []
    invalid, _count = write_cases_json(document, parts.append)
    return "".join(parts).removesuffix("\n"), invalid


def write_document(
    document: Any, write: Callable[[str], Any], *, table: bool = False, indent: int | None = None
) -> tuple[int, int]:
    """Screen a document and write it: compact JSON by default (streamed, the fast path),
    `indent` for people reading JSON, `table` for a terminal. Returns (invalid, cases).
    Raises CaseDocumentError when the document is not a case or a list of cases."""
    if not table and indent is None:
        return write_cases_json(document, write)
    outputs, invalid = screen_cases(document)
    write((render_table(outputs) if table else json.dumps(outputs, indent=indent)) + "\n")
    return invalid, len(outputs)
