"""The profile field catalogue: built from the rules' vocabulary, read and written by path."""

from __future__ import annotations

import pytest

from screening.core import profile_fields as fields
from screening.rules.profile import REQUIRED_FIELDS
from screening.rules.vocabulary import BIOMARKERS, OPTIONAL_FLAGS
from tests.rules.profiles import relapsed_b_all_adult


def test_every_schema_field_can_be_amended():
    expected = {f for f in REQUIRED_FIELDS if f != "biomarkers"}
    expected |= {f"biomarkers.{key}" for key in BIOMARKERS} | set(OPTIONAL_FLAGS)
    expected |= {"other_car_t"}  # Navigator's own, for trials' "no prior CAR-T"
    assert set(fields.PROFILE_FIELDS) == expected


def test_each_missing_fact_of_the_rules_names_a_field_that_settles_it():
    from screening.rules.facts import DOCUMENTS

    for name in DOCUMENTS:
        assert fields.field_of_missing_fact(name) in fields.PROFILE_FIELDS
    assert fields.field_of_missing_fact("cd22_positive") == "biomarkers.cd22_positive"
    assert fields.field_of_missing_fact("relapse_count") == "disease_status"


def test_values_are_read_and_written_by_path_without_touching_the_original():
    profile = relapsed_b_all_adult(cd22_positive=None)
    updated = fields.set_value(profile, "biomarkers.cd22_positive", True)
    assert fields.get_value(updated, "biomarkers.cd22_positive") is True
    assert fields.get_value(profile, "biomarkers.cd22_positive") is None
    assert fields.get_value(profile, "active_infection") is None  # absent is unknown


def test_amendments_apply_in_order_and_the_changes_are_listed():
    base = relapsed_b_all_adult(cd22_positive=None)
    after = fields.apply_amendments(
        base, [("biomarkers.cd22_positive", True), ("ecog", 2), ("ecog", 3)]
    )
    assert fields.changed_fields(base, after) == {
        "biomarkers.cd22_positive": (None, True),
        "ecog": (base["ecog"], 3),
    }


@pytest.mark.parametrize(
    ("path", "value", "words", "fact"),
    [
        ("biomarkers.cd22_positive", True, "present", "CD22 positive"),
        ("biomarkers.kmt2a_rearranged", False, "absent", "no KMT2A rearrangement"),
        ("biomarkers.cd19_positive", None, "unknown", "CD19 expression: unknown"),
        ("mrd_percent", 0.12, "0.12 %", "MRD 0.12 %"),
        ("age_years", 0.5, "6 months", "age: 6 months"),
        ("disease_status", "relapsed", "in first relapse", "disease status: in first relapse"),
        ("prior_therapies", [], "none", "treatments received: none"),
        ("transplant_eligible", True, "yes", "candidate for autologous stem cell transplant: yes"),
    ],
)
def test_values_read_as_words(path, value, words, fact):
    assert fields.describe_value(path, value) == words
    assert fields.describe_fact(path, value) == fact


def test_a_value_is_checked_by_the_rules_own_validation_for_that_field_only():
    broken_elsewhere = relapsed_b_all_adult(age_years="old")
    assert fields.check_value(broken_elsewhere, "ecog", 2) == []
    assert fields.check_value(broken_elsewhere, "ecog", 9) == [
        "ecog: 9 is not allowed; expected an ECOG performance status: a whole number from 0 to "
        "4, or null."
    ]


def test_recording_the_treatments_received_settles_the_lines_the_intake_could_not_read():
    from screening.rules import screen_patient
    from tests.rules.profiles import rr_myeloma_four_lines

    base = rr_myeloma_four_lines(
        prior_therapies=["proteasome_inhibitor", "imid", "anti_cd38"], unrecognised_lines=[4]
    )
    assert fields.field_of_missing_fact("unrecognised_lines") == "prior_therapies"
    assert screen_patient(base).products["elrexfio"].verdict == "needs_review"

    # The treatment summary shows line 4 was pomalidomide (an IMiD) and dexamethasone.
    amended = fields.apply_amendments(
        base, [("prior_therapies", ["proteasome_inhibitor", "imid", "anti_cd38"])]
    )

    assert amended["unrecognised_lines"] == []
    assert base["unrecognised_lines"] == [4]
    assert screen_patient(amended).products["elrexfio"].verdict == "eligible"
