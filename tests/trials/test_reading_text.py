"""The tables and the text reader: conditions to diagnoses, the category rule, bullets, and
the recognisers' negation."""

from __future__ import annotations

import pytest

from screening.rules.trials import derive_category, map_conditions, parse_study, split_criteria
from screening.rules.trials.eligibility import EXCLUSION, INCLUSION
from screening.rules.trials.recognise import recognise
from tests.trials.studies import sample_studies, study


@pytest.mark.parametrize(
    ("conditions", "met", "unknown"),
    [
        (
            ["Relapsed/Refractory Large B Cell Lymphoma"],
            {"dlbcl", "hgbcl", "pmbcl", "lbcl_other"},
            {"pcnsl"},
        ),
        (["T-cell Acute Lymphoblastic Leukemia", "Lymphoblastic Lymphoma"], {"t_all"}, set()),
        (["Acute Lymphocytic Leukemia", "Chronic Lymphocytic Leukemia"], {"b_all", "cll"}, set()),
        (["Acute Lymphoblastic Leukemia"], {"b_all", "t_all"}, set()),
        (["Multiple Myeloma"], {"mm"}, set()),
        (
            ["Acute Myeloid Leukemia", "T-cell Lymphoblastic Leukemia/Lymphoma"],
            {"aml", "t_all"},
            set(),
        ),
        (["Hodgkin Lymphoma"], set(), set()),
        (
            ["Non-Hodgkin Lymphoma"],
            {"dlbcl", "fl", "mcl", "mzl", "sll", "hgbcl", "pmbcl", "lbcl_other"},
            {"pcnsl"},
        ),
        (["Primary CNS Lymphoma"], {"pcnsl"}, set()),
        (["Transformed Follicular Lymphoma"], {"dlbcl"}, set()),
        (["CLL/SLL"], {"cll", "sll"}, set()),
        (["Leukaemia, Myeloid, Acute"], {"aml"}, set()),
    ],
)
def test_conditions_map_to_the_schemas_diagnoses(conditions, met, unknown):
    coverage = map_conditions(tuple(conditions))
    assert {d for d, o in coverage.outcomes.items() if o == "met"} == met
    assert {d for d, o in coverage.outcomes.items() if o == "unknown"} == unknown


def test_a_trial_outside_the_schema_rules_everyone_out_but_an_unreadable_one_rules_nobody_out():
    hodgkin = map_conditions(("Hodgkin Lymphoma",))
    assert hodgkin.outcome("dlbcl") == "not_met"
    unreadable = map_conditions(("Zebra syndrome",))
    assert unreadable.unmapped == ("Zebra syndrome",)
    assert unreadable.outcome("dlbcl") == "unknown"


def test_mesh_terms_are_read_only_when_the_conditions_cannot_be():
    assert map_conditions(("Zebra syndrome",), ("Multiple Myeloma",)).outcome("mm") == "met"
    narrow = map_conditions(("Follicular Lymphoma",), ("Lymphoma",))
    assert narrow.outcome("dlbcl") == "not_met"


def test_each_sample_record_gets_the_category_its_program_has():
    categories = {}
    for raw in sample_studies():
        record = parse_study(raw)
        categories[record.nct_id] = derive_category(record)
    assert categories == {
        "NCT04416984": "allogeneic",  # ALLO-501A
        "NCT06500273": "allogeneic",  # cema-cel, known by its name only
        "NCT04150497": "allogeneic",  # UCART22
        "NCT04984356": "allogeneic",  # WU-CART-007, an allogeneic CD7 product
        "NCT05643742": "allogeneic",  # CTX112
        "NCT04689659": "cd7",  # from the patient's own transplant donor: not off the shelf
        "NCT05442515": "dual_target",
        "NCT04796675": "car_nk",
        "NCT02443831": "other",
        "NCT07109518": "allogeneic",  # "allogeneic (universal) CD7 CAR-T product"
        "NCT05554939": "allogeneic",
        "NCT05396885": "bcma",
    }


@pytest.mark.parametrize(
    ("title", "intervention", "category"),
    [
        ("PD-1 knockout CD19 CAR-T made with CRISPR", "PD1-19bbz", "crispr_autologous"),
        ("Arlocabtagene autoleucel versus standard regimens", "BMS-986393", "gprc5d"),
        ("GPRC5D-directed CAR-T in myeloma", "GPRC5D CAR-T", "gprc5d"),
        ("Tandem CD19/CD20 CAR-T in lymphoma", "LV20.19 CAR", "dual_target"),
        ("Autologous CD19 CAR-T after allogeneic stem cell transplant", "CD19 CAR-T", "other"),
        ("Cord blood CAR-NK cells", "CAR-NK-CD19", "car_nk"),
    ],
)
def test_the_category_rule(title, intervention, category):
    record = parse_study(
        study("NCT90000010", title=title, interventions=(("BIOLOGICAL", intervention),))
    )
    assert derive_category(record) == category


def test_bullets_keep_their_section_cohort_and_nesting():
    text = (
        "[FIXTURE SUMMARY - a preamble]\n\nINCLUSION CRITERIA\n1. Age >= 18\n"
        "2. One of the following:\n   a) CD19+ disease\n   b) CD22+ disease\nPhase 1:\n"
        "  - Relapsed after two lines of\n  - therapy\n-Patients must have ECOG 0-1 -\n"
        "exclusion criteria:\n* Prior CAR-T therapy,\n  including investigational products\n"
    )
    bullets = split_criteria(text)
    assert [(b.section, b.text) for b in bullets] == [
        (INCLUSION, "Age >= 18"),
        (INCLUSION, "CD19+ disease"),
        (INCLUSION, "CD22+ disease"),
        (INCLUSION, "Relapsed after two lines of therapy"),
        (INCLUSION, "Patients must have ECOG 0-1"),
        (EXCLUSION, "Prior CAR-T therapy, including investigational products"),
    ]
    assert bullets[1].alternative and bullets[1].parent == "One of the following:"
    assert bullets[3].cohort == "Phase 1"


def test_without_headings_every_bullet_is_left_for_the_trial_team():
    (bullet,) = split_criteria("* No prior CAR-T therapy")
    assert bullet.section == ""
    assert recognise(bullet) == ([], True)


def _read(section: str, text: str):
    (bullet,) = split_criteria(f"{section.title()} Criteria:\n\n* {text}")
    findings, leftover = recognise(bullet)
    return [(f.name, f.polarity, f.guarded) for f in findings], leftover


@pytest.mark.parametrize(
    ("section", "text", "expected"),
    [
        ("inclusion", "No prior CAR-T therapy", [("prior therapy", "must_not", False)]),
        ("exclusion", "Prior CAR-T therapy", [("prior therapy", "must_not", False)]),
        ("inclusion", "Prior CAR-T therapy is allowed", [("prior therapy", "allows", False)]),
        ("inclusion", "Prior CAR-T therapy not allowed", [("prior therapy", "must_not", False)]),
        ("exclusion", "No active CNS involvement", [("CNS disease", "must", False)]),
        ("exclusion", "Active CNS disease", [("CNS disease", "must_not", False)]),
        (
            "exclusion",
            "CNS involvement judged high-risk by the investigator",
            [("CNS disease", "must_not", True)],
        ),
        ("exclusion", "Epilepsy or other CNS disease", []),
        ("inclusion", "CD19-positive disease", [("antigen", "must", False)]),
        ("inclusion", "Disease without CD19 expression", [("antigen", "must_not", False)]),
        ("exclusion", "CD19-negative disease", [("antigen", "must", False)]),
        (
            "inclusion",
            "Relapsed or refractory disease",
            [("relapsed or refractory", "must", False)],
        ),
        ("inclusion", "High-risk or relapsed disease", [("relapsed or refractory", "must", True)]),
        ("inclusion", "Did not respond to induction", [("relapsed or refractory", "must", False)]),
        ("inclusion", "At least 2 prior lines of therapy", [("prior lines", "must", False)]),
        ("exclusion", "More than 3 prior lines", [("prior lines", "must_not", False)]),
        ("inclusion", "ECOG performance status 0 or 1", [("ECOG", "must", False)]),
        ("exclusion", "ECOG >= 3", [("ECOG", "must_not", False)]),
        (
            "exclusion",
            "Allogeneic HSCT within 100 days",
            [("allogeneic transplant", "must_not", False)],
        ),
        (
            "exclusion",
            "Prior anti-CD19 therapy in the expansion cohort",
            [("prior therapy", "must_not", True)],
        ),
        (
            "inclusion",
            "Prior CD19-directed therapy allowed (no response to it is a target)",
            [("prior therapy", "allows", False)],
        ),
        (
            "inclusion",
            "R/R disease, including relapse after CD19-directed therapy",
            [("prior therapy", "allows", False), ("relapsed or refractory", "must", False)],
        ),
        (
            "inclusion",
            "Relapse after allogeneic stem cell transplant",
            [("relapsed or refractory", "must", False), ("allogeneic transplant", "must", True)],
        ),
        ("inclusion", "Patients ≥ 18 years", [("age (criteria text)", "must", False)]),
    ],
)
def test_recognised_bullets_and_their_polarity(section, text, expected):
    findings, _leftover = _read(section, text)
    assert findings == expected


def test_a_bullet_saying_more_than_it_recognises_is_also_left_for_the_trial_team():
    assert _read("inclusion", "ECOG 0-1 and adequate organ function")[1] is True
    assert _read("inclusion", "ECOG 0-1")[1] is False
