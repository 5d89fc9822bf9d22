"""Invalid-input tests for validate_patient / screen_patient, from case-schema.md.

Every bad field must come back as its own FieldError (dotted path, the bad value, one sentence
naming the field, the value and what is allowed) inside InvalidProfile; no junk input may leak
a TypeError, KeyError or any other exception.
"""

from __future__ import annotations

import copy
import json
import math
import re
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st

from screening.rules import InvalidProfile, screen_patient, validate_patient
from tests.rules.profiles import (
    BIOMARKER_KEYS,
    DIAGNOSES,
    DISEASE_STATUSES,
    PRIOR_THERAPIES,
    SCHEMA_FIELDS,
    make_patient,
    relapsed_b_all_adult,
    without,
)
from tests.rules.strategies import patients

BOOLEAN_FIELDS = (
    "relapse_within_12_months",
    "transplant_eligible",
    "lenalidomide_refractory",
    "in_consolidation_phase",
    "no_satisfactory_alternative",
)
OPTIONAL_BOOLEAN_FIELDS = ("active_infection", "cns_involvement")


def errors_for(patient: Any) -> list:
    with pytest.raises(InvalidProfile) as caught:
        validate_patient(patient)
    errors = list(caught.value.errors)
    assert errors, "InvalidProfile must carry at least one FieldError"
    return errors


def only_error(patient: Any):
    errors = errors_for(patient)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def same_value(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    return type(actual) is type(expected) and actual == expected


def names_value(message: str, value: Any) -> bool:
    lowered = message.lower()
    return any(form.lower() in lowered for form in (str(value), repr(value)))


def leaf(field_path: str) -> str:
    """The last name in a dotted path: 'biomarkers.cd19_positive' -> 'cd19_positive'."""
    return re.sub(r"\[\d+\]$", "", field_path).split(".")[-1]


def assert_readable(error, field: str, value: Any) -> None:
    assert error.field == field
    assert same_value(error.value, value), (error.value, value)
    assert names_value(error.message, value), error.message
    line = str(error)
    assert line.strip() and "\n" not in line
    assert leaf(field) in line


# --- the happy path: every edge of every allowed range is accepted --------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"age_years": 0},
        {"age_years": 0.05},
        {"age_years": 1 / 12},
        {"age_years": 130},
        {"age_years": 129.9},
        {"age_years": None},
        {"prior_lines": 0},
        {"prior_lines": 30},
        {"prior_lines": None},
        {"ecog": 0},
        {"ecog": 4},
        {"ecog": None},
        {"mrd_percent": 0},
        {"mrd_percent": 0.0},
        {"mrd_percent": 0.1},
        {"mrd_percent": 100},
        {"mrd_percent": None},
        {"diagnosis": None},
        {"disease_status": None},
        {"prior_therapies": None},
        {"prior_therapies": []},
        {"prior_therapies": list(PRIOR_THERAPIES)},
        {"active_infection": True, "cns_involvement": False},
        {"active_infection": None, "cns_involvement": None},
        *({field: value} for field in BOOLEAN_FIELDS for value in (True, False, None)),
        *({key: value} for key in BIOMARKER_KEYS for value in (True, False, None)),
    ],
    ids=repr,
)
def test_a_profile_at_the_edge_of_every_allowed_range_is_valid_and_screens(overrides):
    patient = make_patient(**overrides)

    validate_patient(patient)
    screen_patient(patient)


@pytest.mark.parametrize("diagnosis", DIAGNOSES)
def test_every_diagnosis_and_status_in_the_vocabulary_is_valid(diagnosis):
    for status in DISEASE_STATUSES:
        patient = make_patient(diagnosis=diagnosis, disease_status=status)

        validate_patient(patient)
        screen_patient(patient)


def test_the_optional_navigator_fields_may_be_left_out():
    patient = make_patient()
    assert "active_infection" not in patient and "cns_involvement" not in patient

    validate_patient(patient)


def test_validation_and_screening_do_not_modify_the_input():
    patient = relapsed_b_all_adult(active_infection=True)
    before = copy.deepcopy(patient)

    validate_patient(patient)
    screen_patient(patient)

    assert patient == before


# --- one bad field, one specific error ------------------------------------------------------


@pytest.mark.parametrize("field", SCHEMA_FIELDS)
def test_a_missing_field_is_named_in_the_error(field):
    error = only_error(without(make_patient(), field))

    assert error.field == field
    assert field in str(error)


@pytest.mark.parametrize("key", BIOMARKER_KEYS)
def test_a_missing_biomarker_is_named_by_its_dotted_path(key):
    patient = make_patient()
    del patient["biomarkers"][key]

    error = only_error(patient)
    assert error.field == f"biomarkers.{key}"
    assert key in str(error)


@pytest.mark.parametrize("extra", ["weight_kg", "Age_years", "cd19_positive", "expected"])
def test_an_unknown_field_is_rejected_and_named(extra):
    patient = make_patient()
    patient[extra] = True

    error = only_error(patient)

    assert error.field == extra
    assert extra in str(error)


def test_an_unknown_biomarker_is_rejected_and_named():
    patient = make_patient()
    patient["biomarkers"]["cd20_positive"] = True

    error = only_error(patient)
    assert error.field == "biomarkers.cd20_positive"
    assert "cd20_positive" in str(error)


@pytest.mark.parametrize(
    ("value", "allowed"),
    [(-1, "130"), (-0.01, "130"), (130.5, "130"), (131, "130"), (1000, "130")],
)
def test_an_age_out_of_range_names_the_value_and_the_range(value, allowed):
    error = only_error(make_patient(age_years=value))

    assert_readable(error, "age_years", value)
    assert allowed in error.message and "0" in error.message


@pytest.mark.parametrize("value", ["12", "twelve", True, False])
def test_an_age_that_is_not_a_number_names_the_value(value):
    assert_readable(only_error(make_patient(age_years=value)), "age_years", value)


@pytest.mark.parametrize("value", [[12], {"years": 12}, [], {}])
def test_an_age_that_is_a_container_is_rejected(value):
    error = only_error(make_patient(age_years=value))

    assert error.field == "age_years"
    assert same_value(error.value, value)
    assert "age_years" in str(error)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_an_age_that_is_not_a_finite_number_is_rejected(value):
    error = only_error(make_patient(age_years=value))

    assert error.field == "age_years"


@pytest.mark.parametrize("value", [-1, 31, 100])
def test_a_line_count_out_of_range_names_the_value_and_the_range(value):
    error = only_error(make_patient(prior_lines=value))

    assert_readable(error, "prior_lines", value)
    assert "30" in error.message


@pytest.mark.parametrize("value", [1.5, 0.5, "2", "two", True, False, [2], math.nan])
def test_a_line_count_that_is_not_a_whole_number_is_rejected(value):
    error = only_error(make_patient(prior_lines=value))

    assert error.field == "prior_lines"
    assert same_value(error.value, value)
    assert "prior_lines" in str(error)


@pytest.mark.parametrize("value", [-1, 5, 10])
def test_an_ecog_out_of_range_names_the_value_and_the_range(value):
    error = only_error(make_patient(ecog=value))

    assert_readable(error, "ecog", value)
    assert "4" in error.message


@pytest.mark.parametrize("value", [2.5, "1", True, [1]])
def test_an_ecog_that_is_not_a_whole_number_is_rejected(value):
    error = only_error(make_patient(ecog=value))

    assert error.field == "ecog"
    assert same_value(error.value, value)


@pytest.mark.parametrize("value", [-0.1, -5, 100.1, 250])
def test_an_mrd_out_of_range_names_the_value_and_the_range(value):
    error = only_error(make_patient(mrd_percent=value))

    assert_readable(error, "mrd_percent", value)
    assert "100" in error.message


@pytest.mark.parametrize("value", ["0.5", "0.5%", True, [0.5], math.nan])
def test_an_mrd_that_is_not_a_number_is_rejected(value):
    error = only_error(make_patient(mrd_percent=value))

    assert error.field == "mrd_percent"
    assert same_value(error.value, value)


@pytest.mark.parametrize("value", ["lymphoma", "B_ALL", "b-all", "ALL", ""])
def test_an_unknown_diagnosis_names_the_value_and_the_allowed_values(value):
    error = only_error(make_patient(diagnosis=value))

    assert error.field == "diagnosis"
    assert same_value(error.value, value)
    assert "diagnosis" in str(error)
    if value:
        assert value in error.message
    assert "b_all" in error.message and "dlbcl" in error.message


@pytest.mark.parametrize("value", [1, True, ["b_all"], {"b_all": True}])
def test_a_diagnosis_that_is_not_a_string_is_rejected(value):
    error = only_error(make_patient(diagnosis=value))

    assert error.field == "diagnosis"
    assert same_value(error.value, value)


@pytest.mark.parametrize("value", ["remission", "relapse", "Relapsed", "cr1"])
def test_an_unknown_disease_status_names_the_value_and_the_allowed_values(value):
    error = only_error(make_patient(disease_status=value))

    assert_readable(error, "disease_status", value)
    assert "second_or_later_relapse" in error.message


@pytest.mark.parametrize("value", [3, False, ["relapsed"], {"status": "relapsed"}])
def test_a_disease_status_that_is_not_a_string_is_rejected(value):
    error = only_error(make_patient(disease_status=value))

    assert error.field == "disease_status"
    assert same_value(error.value, value)


@pytest.mark.parametrize("value", ["chemotherapy", {"chemotherapy": True}, 3, True])
def test_prior_therapies_that_are_not_a_list_are_rejected(value):
    error = only_error(make_patient(prior_therapies=value))

    assert error.field == "prior_therapies"
    assert same_value(error.value, value)
    assert "prior_therapies" in str(error)


@pytest.mark.parametrize(
    ("therapies", "field", "value"),
    [
        (["rituximab"], "prior_therapies[0]", "rituximab"),
        (["chemotherapy", "rituximab"], "prior_therapies[1]", "rituximab"),
        (["chemotherapy", "anthracycline", "CAR-T"], "prior_therapies[2]", "CAR-T"),
        (["chemotherapy", None], "prior_therapies[1]", None),
        (["chemotherapy", 7], "prior_therapies[1]", 7),
        (["chemotherapy", ["imid"]], "prior_therapies[1]", ["imid"]),
        (["chemotherapy", {"imid": True}], "prior_therapies[1]", {"imid": True}),
    ],
)
def test_an_unknown_prior_therapy_is_named_by_its_position(therapies, field, value):
    error = only_error(make_patient(prior_therapies=therapies))

    assert error.field == field
    assert same_value(error.value, value)
    assert "prior_therapies" in str(error)


def test_an_unknown_prior_therapy_message_lists_the_allowed_classes():
    error = only_error(make_patient(prior_therapies=["rituximab"]))

    assert "rituximab" in error.message
    assert "anti_cd20" in error.message


@pytest.mark.parametrize("value", [None, [], "all negative", True, 0, [True] * 6])
def test_biomarkers_that_are_not_an_object_are_rejected(value):
    error = only_error(make_patient(biomarkers=value))

    assert error.field == "biomarkers"
    assert same_value(error.value, value)
    assert "biomarkers" in str(error)


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, [], {}, "positive"])
@pytest.mark.parametrize("key", BIOMARKER_KEYS)
def test_a_biomarker_that_is_not_true_false_or_null_is_rejected(key, value):
    error = only_error(make_patient(**{key: value}))

    assert error.field == f"biomarkers.{key}"
    assert same_value(error.value, value)
    assert key in str(error)


def test_a_biomarker_error_names_the_value_and_the_allowed_values():
    error = only_error(make_patient(cd19_positive="positive"))

    assert_readable(error, "biomarkers.cd19_positive", "positive")
    assert "true" in error.message.lower() and "false" in error.message.lower()


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, [], {"value": True}])
@pytest.mark.parametrize("field", BOOLEAN_FIELDS + OPTIONAL_BOOLEAN_FIELDS)
def test_a_yes_no_field_that_is_not_true_false_or_null_is_rejected(field, value):
    error = only_error(make_patient(**{field: value}))

    assert error.field == field
    assert same_value(error.value, value)
    assert field in str(error)


@pytest.mark.parametrize("field", BOOLEAN_FIELDS + OPTIONAL_BOOLEAN_FIELDS)
def test_a_yes_no_field_error_names_the_value_and_the_allowed_values(field):
    error = only_error(make_patient(**{field: "maybe"}))

    assert_readable(error, field, "maybe")
    assert "true" in error.message.lower() and "false" in error.message.lower()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"age_years": -1}, "age_years"),
        ({"age_years": "12"}, "age_years"),
        ({"prior_lines": 1.5}, "prior_lines"),
        ({"ecog": 5}, "ecog"),
        ({"mrd_percent": 101}, "mrd_percent"),
        ({"diagnosis": "lymphoma"}, "diagnosis"),
        ({"disease_status": "remission"}, "disease_status"),
        ({"prior_therapies": "chemotherapy"}, "prior_therapies"),
        ({"prior_therapies": ["rituximab"]}, "prior_therapies"),
        ({"biomarkers": []}, "biomarkers"),
        ({"cd19_positive": "yes"}, "cd19_positive"),
        ({"transplant_eligible": "no"}, "transplant_eligible"),
        ({"active_infection": 1}, "active_infection"),
    ],
    ids=repr,
)
def test_the_error_message_on_its_own_names_the_field(overrides, field):
    # The contract: .message is "one clear sentence naming the field, the value and what is
    # allowed", so it must read correctly when shown without the dotted path in front of it.
    error = only_error(make_patient(**overrides))

    assert field in error.message, error.message


def test_a_missing_field_message_on_its_own_names_the_field():
    error = only_error(without(make_patient(), "ecog"))

    assert "ecog" in error.message, error.message


def test_an_unknown_field_message_on_its_own_names_the_field():
    patient = make_patient()
    patient["weight_kg"] = 70

    assert "weight_kg" in only_error(patient).message


# --- several bad fields, one error each -----------------------------------------------------


def test_several_bad_fields_give_one_error_each():
    patient = make_patient(
        age_years=-1,
        ecog=9,
        diagnosis="lymphoma",
        prior_therapies=["chemotherapy", "rituximab"],
        cd19_positive="yes",
        mrd_percent=101,
        transplant_eligible="no",
    )

    errors = errors_for(patient)
    fields = [e.field for e in errors]
    assert sorted(fields) == sorted(
        [
            "age_years",
            "ecog",
            "diagnosis",
            "prior_therapies[1]",
            "biomarkers.cd19_positive",
            "mrd_percent",
            "transplant_eligible",
        ]
    )


def test_missing_extra_and_bad_fields_are_all_reported_together():
    patient = without(make_patient(age_years="old", weight_kg=70), "ecog")
    patient["biomarkers"].pop("npm1_mutated")
    patient["biomarkers"]["cd20_positive"] = False

    fields = sorted(e.field for e in errors_for(patient))
    assert fields == sorted(
        ["age_years", "ecog", "weight_kg", "biomarkers.npm1_mutated", "biomarkers.cd20_positive"]
    )


def test_two_bad_prior_therapies_give_two_errors():
    patient = make_patient(prior_therapies=["rituximab", "chemotherapy", "ibrutinib"])

    assert sorted(e.field for e in errors_for(patient)) == [
        "prior_therapies[0]",
        "prior_therapies[2]",
    ]


def test_every_error_is_a_single_readable_line():
    patient = make_patient(age_years=-3, diagnosis="x-lymphoma", cd22_positive=2)

    for error in errors_for(patient):
        line = str(error)
        assert line.strip() and "\n" not in line
        assert leaf(error.field) in line


def test_screening_an_invalid_profile_raises_invalid_profile_before_any_verdict():
    with pytest.raises(InvalidProfile) as caught:
        screen_patient(make_patient(age_years=200, disease_status="remission"))

    assert sorted(e.field for e in caught.value.errors) == ["age_years", "disease_status"]


# --- junk never leaks a raw exception -------------------------------------------------------


@pytest.mark.parametrize(
    "junk",
    [None, [], "", "patient", 0, 1.5, True, b"{}", set(), (), [make_patient()], object()],
    ids=lambda junk: type(junk).__name__,
)
def test_a_patient_that_is_not_an_object_is_rejected_cleanly(junk):
    for call in (validate_patient, screen_patient):
        with pytest.raises(InvalidProfile) as caught:
            call(junk)
        assert caught.value.errors
        for error in caught.value.errors:
            assert str(error).strip()


def test_an_empty_object_reports_every_schema_field_as_missing():
    fields = {e.field for e in errors_for({})}

    assert fields == set(SCHEMA_FIELDS)


@pytest.mark.parametrize(
    "patient",
    [
        {1: 2},
        {None: None},
        {**make_patient(), 5: "five"},
        make_patient(age_years=[[], {}]),
        make_patient(diagnosis=["b_all", ["dlbcl"]]),
        make_patient(prior_therapies=[[["imid"]], {"a": {}}]),
        make_patient(prior_therapies=({"x"},)),
        make_patient(biomarkers={1: True, None: False}),
        make_patient(biomarkers={k: {"nested": [1]} for k in BIOMARKER_KEYS}),
        make_patient(biomarkers=[("cd19_positive", True)]),
        make_patient(ecog={"score": 1}, mrd_percent=[0.1]),
        make_patient(relapse_within_12_months=object()),
        make_patient(age_years=complex(1, 1)),
    ],
    ids=[
        "int-key",
        "none-key",
        "extra-int-key",
        "age-list",
        "diagnosis-nested-list",
        "therapies-nested",
        "therapies-tuple-of-set",
        "biomarker-odd-keys",
        "biomarker-nested-values",
        "biomarkers-as-pairs",
        "ecog-and-mrd-containers",
        "bool-field-object",
        "age-complex",
    ],
)
def test_nested_junk_is_rejected_as_an_invalid_profile_not_a_crash(patient):
    for call in (validate_patient, screen_patient):
        with pytest.raises(InvalidProfile) as caught:
            call(patient)
        assert caught.value.errors


@pytest.mark.parametrize("value", [10**400, -(10**400)], ids=["huge", "minus-huge"])
@pytest.mark.parametrize("field", ["age_years", "prior_lines", "ecog", "mrd_percent"])
def test_an_integer_too_large_for_a_float_is_rejected_not_crashed(field, value):
    # json.loads turns a 400-digit literal into a Python int; comparing it must not overflow.
    patient = make_patient()
    patient[field] = value

    for call in (validate_patient, screen_patient):
        with pytest.raises(InvalidProfile) as caught:
            call(patient)
        assert [e.field for e in caught.value.errors] == [field]


@pytest.mark.parametrize(
    "field", ["age_years", "diagnosis", "prior_therapies", "biomarkers", "transplant_eligible"]
)
def test_deeply_nested_json_is_rejected_not_crashed(field):
    patient = make_patient()
    # Assigned, not passed to make_patient: deepcopy of 900 levels would itself recurse too far.
    patient[field] = json.loads("[" * 900 + "]" * 900)

    for call in (validate_patient, screen_patient):
        with pytest.raises(InvalidProfile):
            call(patient)


# --- property tests: total on junk, total and deterministic on valid profiles ---------------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**6), max_value=10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
_fields = st.sampled_from((*SCHEMA_FIELDS, "active_infection", "cns_involvement", "extra"))


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(replacements=st.dictionaries(_fields, _json, max_size=3))
def test_any_json_value_in_any_field_is_either_accepted_or_rejected_cleanly(replacements):
    patient = make_patient()
    patient.update(replacements)
    try:
        validate_patient(patient)
    except InvalidProfile as exc:
        assert exc.errors
        return
    screen_patient(patient)


@hypothesis.settings(max_examples=150, deadline=None)
@hypothesis.given(junk=_json)
def test_any_json_value_as_the_whole_patient_is_rejected_cleanly(junk):
    with pytest.raises(InvalidProfile):
        validate_patient(junk)


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(patient=patients)
def test_every_valid_profile_screens_without_error_and_deterministically(patient):
    validate_patient(patient)
    first = screen_patient(patient)
    assert first.to_dict() == screen_patient(copy.deepcopy(patient)).to_dict()
    for product in first.products.values():
        assert product.verdict in ("eligible", "needs_review", "not_eligible")
