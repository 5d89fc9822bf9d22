"""The compact JSON the CLI writes is byte for byte `json.dumps(result.to_dict())`."""

import json

from hypothesis import given, settings

from screening.rules import screen_patient
from screening.rules.batch import screen_cases, screen_cases_json
from screening.rules.encode import result_json, results_json

from .profiles import make_patient, rr_myeloma_four_lines, third_line_dlbcl
from .shared_examples import read_examples
from .strategies import patients


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"))


@settings(max_examples=300, deadline=None)
@given(patient=patients)
def test_the_compact_json_is_exactly_the_result_dumped(patient):
    result = screen_patient(patient)
    assert result_json(result) == compact(result.to_dict())
    # What a stored screening run keeps (the bulk re-screen writes it as text).
    assert results_json(result) == compact(result.to_dict()["results"])


def test_a_diagnosis_seen_before_is_encoded_from_its_own_profile_not_the_first_ones():
    first = screen_patient(third_line_dlbcl(age_years=30))
    second = screen_patient(third_line_dlbcl(age_years=70, cd19_positive=False))
    assert result_json(first) == compact(first.to_dict())
    assert result_json(second) == compact(second.to_dict())
    assert result_json(first) != result_json(second)


def test_screening_a_document_to_json_gives_the_same_outputs_as_the_dict_path():
    cases = [
        *read_examples(),
        {"id": "bad", "patient": make_patient(age_years="old")},
        {"id": 7, "patient": rr_myeloma_four_lines(unrecognised_lines=[2])},
        "not a case",
    ]
    text, invalid = screen_cases_json(cases)
    outputs, expected_invalid = screen_cases(cases)

    assert invalid == expected_invalid == 2
    assert text == compact(outputs)
