"""The profile derivation: intake answers -> the case-schema `patient` dict (pure, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from screening.intake.derivation import (
    age_in_years,
    classes_from_name,
    derive_profile,
    derive_status,
    derive_treatment,
    line_classes,
    relapse_within_12_months,
)
from screening.intake.vocabulary import DISEASES, RELEVANT_BIOMARKERS
from screening.rules import screen_patient
from screening.rules.profile import validate_patient
from tests.rules.shared_examples import load_examples, read_examples

TODAY = date(2026, 11, 21)


# --- age --------------------------------------------------------------------------------------


def test_age_is_completed_years():
    assert age_in_years(date(1960, 11, 22), TODAY) == 65
    assert age_in_years(date(1960, 11, 21), TODAY) == 66
    assert age_in_years(date(2000, 2, 29), date(2026, 2, 28)) == 25
    assert age_in_years(date(2000, 2, 29), date(2026, 3, 1)) == 26


def test_a_25_year_old_stays_25_until_the_26th_birthday():
    assert age_in_years(date(2000, 11, 22), TODAY) == 25
    assert age_in_years(date(2000, 11, 21), TODAY) == 26


def test_an_infant_gets_completed_months_as_a_fraction_of_a_year():
    assert age_in_years(date(2026, 5, 21), TODAY) == 6 / 12
    assert age_in_years(date(2026, 5, 22), TODAY) == 5 / 12
    assert age_in_years(date(2025, 11, 22), TODAY) == 11 / 12


def test_a_one_month_old_is_exactly_one_twelfth_never_rounded_down():
    age = age_in_years(date(2026, 10, 21), TODAY)
    assert age == 1 / 12
    assert age >= 1 / 12  # Blincyto's "one month and older"


def test_under_a_month_the_age_is_days_over_365_25_and_stays_below_a_month():
    assert age_in_years(date(2026, 11, 3), TODAY) == pytest.approx(18 / 365.25)
    assert age_in_years(date(2026, 10, 22), TODAY) < 1 / 12
    assert age_in_years(TODAY, TODAY) == 0


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(ValueError):
        age_in_years(date(2026, 11, 22), TODAY)


# --- treatment lines --------------------------------------------------------------------------


def line(name="", classes=(), start=None, end=None, relapse=None):
    return {
        "name": name,
        "classes": list(classes),
        "start": start,
        "end": end,
        "best_response": None,
        "relapse": relapse,
    }


def treated(*lines, transplants=(), others=()):
    return {
        "had_treatment": "yes",
        "lines": list(lines),
        "transplants": [{"kind": kind, "date": None} for kind in transplants],
        "other_treatments": list(others),
        "other_details": "",
    }


def test_every_line_entered_counts_once_and_classes_are_merged():
    lines, therapies, _, _ = derive_treatment(
        treated(
            line("R-CHOP", ["chemotherapy", "anthracycline", "anti_cd20"]),
            line("R-ICE", ["chemotherapy", "anti_cd20"]),
            line("Polatuzumab", ["anti_cd20"]),
        ),
        "dlbcl",
    )
    assert lines == 3
    assert therapies == ["anthracycline", "anti_cd20", "chemotherapy"]


def test_a_transplant_adds_its_class_but_never_a_line():
    lines, therapies, _, _ = derive_treatment(
        treated(line("VRd", ["proteasome_inhibitor", "imid"]), transplants=["autologous"]), "mm"
    )
    assert lines == 1
    assert therapies == ["autologous_sct", "imid", "proteasome_inhibitor"]


def test_a_transplant_of_unknown_kind_adds_nothing():
    _, therapies, _, _ = derive_treatment(treated(line("VRd"), transplants=["unknown"]), "mm")
    assert therapies == ["imid", "proteasome_inhibitor"]


def test_other_treatments_add_their_class_without_adding_lines():
    lines, therapies, _, _ = derive_treatment(
        treated(line("Hyper-CVAD"), others=["blinatumomab", "inotuzumab", "bispecific_other"]),
        "b_all",
    )
    assert lines == 1
    assert therapies == ["anthracycline", "blinatumomab", "chemotherapy", "inotuzumab"]


def test_a_car_t_of_unknown_target_makes_the_classes_unknown():
    lines, therapies, _, unrecognised = derive_treatment(
        treated(line("R-CHOP"), line("trial drug"), others=["car_t_unknown"]), "dlbcl"
    )
    assert (lines, therapies, unrecognised) == (2, None, [])


def test_a_line_nobody_could_name_still_counts_and_is_asked_about_while_the_others_are_known():
    history = derive_treatment(
        treated(line("R-CHOP"), line("the trial drug from the hospital")), "dlbcl"
    )
    assert history.prior_lines == 2
    assert history.prior_therapies == ["anthracycline", "anti_cd20", "chemotherapy"]
    assert history.unrecognised_lines == [2]


def test_the_issues_myeloma_history_with_teclistamab_fourth_is_fully_recognised():
    history = derive_treatment(
        treated(
            line("VRd"),
            line("Dara-Rd"),
            line("KPd"),
            line("teclistamab"),
            transplants=["autologous"],
        ),
        "mm",
    )
    assert history.prior_lines == 4
    assert history.prior_therapies == [
        "anti_cd38",
        "autologous_sct",
        "bcma_bispecific",
        "imid",
        "proteasome_inhibitor",
    ]
    assert history.unrecognised_lines == []


def test_every_line_unrecognised_keeps_the_count_and_lists_every_line():
    history = derive_treatment(treated(line("XR-455"), line("study drug B")), "mm")
    assert history == (2, [], None, [1, 2])


@pytest.mark.parametrize(
    "other",
    ["bcma_bispecific", "gprc5d_directed", "cd20_bispecific", "bcma_adc", "menin_inhibitor"],
)
def test_the_ever_had_question_adds_each_new_class_without_adding_a_line(other):
    history = derive_treatment(treated(line("R-CHOP"), others=[other]), "dlbcl")
    assert history.prior_lines == 1
    assert other in history.prior_therapies


def test_no_treatment_yet_means_zero_lines_and_no_classes():
    assert derive_treatment({"had_treatment": "no"}, "b_all") == (0, [], None, [])


def test_not_sure_keeps_lines_and_classes_unknown_even_with_some_listed():
    answers = {**treated(line("R-CHOP"), line("study drug")), "had_treatment": "unknown"}
    assert derive_treatment(answers, "dlbcl") == (None, None, None, [])


@pytest.mark.parametrize(
    ("name", "classes"),
    [
        ("R-CHOP", {"chemotherapy", "anthracycline", "anti_cd20"}),
        ("r-chop x6", {"chemotherapy", "anthracycline", "anti_cd20"}),
        ("R-bendamustine", {"chemotherapy", "anti_cd20"}),
        ("venetoclax-rituximab", {"bcl2_inhibitor", "anti_cd20"}),
        ("Ibrutinib", {"btk_inhibitor"}),
        ("VRd", {"proteasome_inhibitor", "imid"}),
        ("Dara-VRd", {"anti_cd38", "proteasome_inhibitor", "imid"}),
        ("7+3 (cytarabine + daunorubicin)", {"chemotherapy", "anthracycline"}),
        ("7 + 3", {"chemotherapy", "anthracycline"}),
        ("hyper-CVAD with dasatinib", {"chemotherapy", "anthracycline", "tki"}),
        ("Kymriah", {"cd19_car_t"}),
        ("Carvykti (cilta-cel)", {"bcma_car_t"}),
        ("azacitidine and venetoclax", {"hypomethylating_agent", "bcl2_inhibitor"}),
        ("teclistamab", {"bcma_bispecific"}),
        ("Tecvayli", {"bcma_bispecific"}),
        ("tec", {"bcma_bispecific"}),
        ("Tec-Dara", {"bcma_bispecific", "anti_cd38"}),
        ("elranatamab (Elrexfio)", {"bcma_bispecific"}),
        ("elra", {"bcma_bispecific"}),
        ("linvoseltamab", {"bcma_bispecific"}),
        ("linvo", {"bcma_bispecific"}),
        ("Talvey", {"gprc5d_directed"}),
        ("talq", {"gprc5d_directed"}),
        ("belantamab mafodotin", {"bcma_adc"}),
        ("BVd", {"bcma_adc", "proteasome_inhibitor"}),
        ("Blenrep + pomalidomide", {"bcma_adc", "imid"}),
        ("epcoritamab", {"cd20_bispecific"}),
        ("epcor-R2", {"cd20_bispecific", "imid", "anti_cd20"}),
        ("glofitamab", {"cd20_bispecific"}),
        ("glofit", {"cd20_bispecific"}),
        ("Lunsumio", {"cd20_bispecific"}),
        ("mosun", {"cd20_bispecific"}),
        ("zifto", {"menin_inhibitor"}),
        ("Komzifti", {"menin_inhibitor"}),
        ("revu", {"menin_inhibitor"}),
        ("revumenib", {"menin_inhibitor"}),
        ("cilta-cel", {"bcma_car_t"}),
        ("axi-cel", {"cd19_car_t"}),
        ("Rd", set()),  # "R" alone is ambiguous (rituximab or Revlimid): not read
        ("something new", set()),
        ("", set()),
    ],
)
def test_regimen_and_drug_names_give_their_classes(name, classes):
    assert classes_from_name(name) == classes


def test_ticked_classes_and_recognised_names_are_merged_per_line():
    assert line_classes(line("R-CHOP", ["imid"])) == {
        "chemotherapy",
        "anthracycline",
        "anti_cd20",
        "imid",
    }
    assert line_classes(line("unknown regimen")) is None
    assert line_classes(line("", ["not_a_class"])) is None


# --- relapse within 12 months (LBCL) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "relapse", "expected"),
    [
        ("2024-06", "2024-09", True),
        ("2024-06", "2025-05", True),  # 11 months: certainly within 12
        ("2024-06", "2025-06", None),  # 12 calendar months: could be either side
        ("2024-06", "2025-07", False),  # 13: certainly not
        ("2024-06", "2026-01", False),
        ("2024-06", "2024-05", True),  # came back before the end: progression on treatment
    ],
)
def test_relapse_within_12_months_reads_the_first_lines_end_and_relapse(end, relapse, expected):
    lines = [line("R-CHOP", start="2024-01", end=end, relapse=relapse)]
    assert relapse_within_12_months(lines, "dlbcl") is expected


def test_relapse_within_12_months_is_unknown_without_both_months():
    assert relapse_within_12_months([line("R-CHOP", end="2024-06")], "dlbcl") is None
    assert relapse_within_12_months([line("R-CHOP", relapse="2024-09")], "dlbcl") is None
    assert relapse_within_12_months([], "dlbcl") is None


def test_relapse_within_12_months_applies_to_large_b_cell_lymphomas_only():
    lines = [line("R-CHOP", end="2024-06", relapse="2024-09")]
    for diagnosis in ("dlbcl", "hgbcl", "pmbcl", "lbcl_other", "pcnsl"):
        assert relapse_within_12_months(lines, diagnosis) is True
    for diagnosis in ("fl", "b_all", "mm", None):
        assert relapse_within_12_months(lines, diagnosis) is None


def test_the_first_line_is_the_earliest_started_whatever_the_order_entered():
    late = line("R-ICE", start="2025-01", end="2025-03", relapse="2026-06")
    first = line("R-CHOP", start="2024-01", end="2024-06", relapse="2024-10")
    assert relapse_within_12_months([late, first], "dlbcl") is True
    undated = line("R-GemOx", end="2023-01", relapse="2025-06")
    # A line without a start month counts as later than any dated one.
    assert relapse_within_12_months([undated, first], "dlbcl") is True


# --- status and MRD ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"status": "relapsed"}, ("relapsed", None)),
        ({"status": "unknown"}, (None, None)),
        ({"status": "first_remission", "mrd": "not_tested"}, ("first_remission", None)),
        ({"status": "first_remission", "mrd": "negative"}, ("first_remission", 0.0)),
        (
            {"status": "first_remission", "mrd": "detectable", "mrd_percent": 0.5},
            ("first_remission_mrd_positive", 0.5),
        ),
        (
            {"status": "second_remission", "mrd": "detectable", "mrd_percent": 0.1},
            ("second_remission_mrd_positive", 0.1),
        ),
        (
            {"status": "second_remission", "mrd": "detectable", "mrd_percent": None},
            ("second_remission_mrd_positive", None),
        ),
        (
            {"status": "first_remission", "mrd": "detectable", "mrd_percent": 0.05},
            ("first_remission", 0.05),
        ),
        # MRD is a remission measure: with relapsed disease it is not carried over.
        ({"status": "relapsed", "mrd": "detectable", "mrd_percent": 3.0}, ("relapsed", None)),
    ],
)
def test_status_and_mrd_map_to_the_schema(answers, expected):
    assert derive_status(answers) == expected


def test_every_plain_words_disease_maps_to_a_schema_diagnosis_or_not_sure():
    from screening.rules.vocabulary import DIAGNOSES

    assert set(DISEASES.values()) - {None} == set(DIAGNOSES)
    assert set(RELEVANT_BIOMARKERS) == set(DISEASES)


# --- the whole profile, and the shared example cases ------------------------------------------


def born(age: int) -> str:
    """A birth date that makes `age` completed years on TODAY."""
    return date(TODAY.year - age, 1, 15).isoformat()


def answers(age, disease, status, markers, treatment, *, ecog="1", health=None):
    return {
        "about": {"date_of_birth": born(age)},
        "diagnosis": {
            "disease": disease,
            "diagnosis": DISEASES[disease],
            "biomarkers": {
                key: markers.get(key, "unknown") for key in RELEVANT_BIOMARKERS[disease]
            },
        },
        "status": status,
        "treatment": treatment,
        "health": {"ecog": ecog, "active_infection": "unknown", "cns_involvement": "unknown"}
        | (health or {}),
    }


UNTREATED = {"had_treatment": "no", "lines": [], "transplants": [], "other_treatments": []}

# Each example case's story as a person would enter it (see its `summary`).
EXAMPLE_ANSWERS = {
    "EX01": answers(
        12,
        "b_all",
        {
            "status": "second_or_later_relapse",
            "mrd": "not_tested",
            "in_consolidation_phase": "unknown",
        },
        {
            "cd19_positive": "yes",
            "cd22_positive": "yes",
            "kmt2a_rearranged": "no",
            "philadelphia_positive": "no",
        },
        treated(
            line("Induction chemotherapy", ["chemotherapy", "anthracycline"], "2022-03", "2023-01"),
            line("Salvage chemotherapy", ["chemotherapy"], "2024-02", "2024-08"),
        ),
    ),
    "EX08": answers(
        45,
        "b_all",
        {"status": "relapsed", "mrd": "not_tested", "in_consolidation_phase": "unknown"},
        {
            "cd19_positive": "yes",
            "cd22_positive": "yes",
            "kmt2a_rearranged": "no",
            "philadelphia_positive": "yes",
        },
        treated(line("Hyper-CVAD with dasatinib", start="2024-05", end="2025-04")),
    ),
    "EX22": answers(
        55,
        "b_all",
        {"status": "newly_diagnosed", "mrd": "not_tested", "in_consolidation_phase": "unknown"},
        {
            "cd19_positive": "yes",
            "cd22_positive": "yes",
            "kmt2a_rearranged": "no",
            "philadelphia_positive": "no",
        },
        UNTREATED,
    ),
    "EX23": answers(
        16,
        "t_all",
        {"status": "relapsed"},
        {"cd19_positive": "no", "cd22_positive": "no", "kmt2a_rearranged": "no"},
        treated(line("Induction chemotherapy", ["chemotherapy", "anthracycline"])),
    ),
    "EX26": answers(
        55,
        "aml",
        {"status": "relapsed", "no_satisfactory_alternative": "unknown"},
        {"kmt2a_rearranged": "yes", "npm1_mutated": "no"},
        treated(line("7+3", start="2025-01", end="2025-03")),
    ),
    "EX35": answers(
        62,
        "dlbcl",
        {"status": "refractory", "transplant_eligible": "yes"},
        {},
        treated(line("R-CHOP", start="2025-02", end="2025-07")),
    ),
    "EX46": answers(
        57, "dlbcl", {"status": "newly_diagnosed", "transplant_eligible": "unknown"}, {}, UNTREATED
    ),
    "EX49": answers(
        60,
        "fl",
        {"status": "second_or_later_relapse"},
        {},
        treated(
            line("R-bendamustine", start="2019-03", end="2019-09", relapse="2022-05"),
            line("R-CHOP", start="2022-06", end="2022-11", relapse="2025-08"),
        ),
    ),
    "EX56": answers(
        68,
        "cll",
        {"status": "second_or_later_relapse"},
        {},
        treated(
            line("Ibrutinib", start="2019-01", end="2023-02"),
            line("Venetoclax-rituximab", start="2023-03", end="2025-03"),
        ),
    ),
    "EX61": answers(
        62,
        "mm",
        {"status": "relapsed", "lenalidomide_refractory": "yes"},
        {},
        treated(line("VRd", start="2023-01", end="2023-06"), transplants=["autologous"]),
    ),
    "EX67": answers(
        60, "mm", {"status": "newly_diagnosed", "lenalidomide_refractory": "unknown"}, {}, UNTREATED
    ),
    "EX101": answers(
        58,
        "aml",
        {"status": "relapsed", "no_satisfactory_alternative": "yes"},
        {"kmt2a_rearranged": "no", "npm1_mutated": "yes"},
        treated(line("7+3", start="2025-03", end="2025-05")),
    ),
    "EX102": answers(
        66,
        "mm",
        {"status": "refractory", "lenalidomide_refractory": "no"},
        {},
        treated(
            line("VRd"),
            line("Dara-Rd"),
            line("KPd"),
            line("isatuximab, pomalidomide, dexamethasone"),
            transplants=["autologous"],
        ),
    ),
    "EX103": answers(
        64,
        "mm",
        {"status": "second_or_later_relapse", "lenalidomide_refractory": "yes"},
        {},
        treated(
            line("VRd"),
            line("Dara-Rd"),
            line("KPd"),
            line("teclistamab"),
            transplants=["autologous"],
        ),
    ),
    "EX104": answers(
        71,
        "mm",
        {"status": "refractory", "lenalidomide_refractory": "yes"},
        {"bcma_positive": "yes"},
        treated(
            line("VRd"),
            line("daratumumab-lenalidomide-dexamethasone"),
            line("KPd"),
            line("pomalidomide and dexamethasone"),
            line("Talvey"),
        ),
    ),
    "EX105": answers(
        59,
        "dlbcl",
        {"status": "second_or_later_relapse", "transplant_eligible": "unknown"},
        {},
        treated(line("R-CHOP"), line("R-ICE")),
    ),
    "EX106": answers(
        55,
        "hgbcl",
        {"status": "refractory", "transplant_eligible": "unknown"},
        {},
        treated(line("DA-EPOCH-R"), line("R-ICE"), line("glofitamab")),
    ),
    "EX107": answers(63, "fl", {"status": "relapsed"}, {}, treated(line("R-bendamustine"))),
    "EX108": answers(
        67,
        "pcnsl",
        {"status": "refractory", "transplant_eligible": "unknown"},
        {},
        treated(line("high-dose methotrexate with rituximab")),
    ),
    "EX109": answers(
        60,
        "mm",
        {"status": "second_or_later_relapse", "lenalidomide_refractory": "yes"},
        {},
        treated(line("VRd"), line("KRd")),
    ),
    "EX110": answers(
        69,
        "fl",
        {"status": "second_or_later_relapse"},
        {},
        treated(line("R-CHOP"), line("R-bendamustine"), line("mosunetuzumab")),
    ),
    # The issue's story: four lines typed, the fourth a trial drug nobody could name a class for.
    "EX111": answers(
        62,
        "mm",
        {"status": "second_or_later_relapse", "lenalidomide_refractory": "yes"},
        {},
        treated(
            line("VRd"),
            line("daratumumab"),
            line("KPd"),
            line("XR-455 (trial)"),
            transplants=["autologous"],
        ),
    ),
}
EXAMPLES = {case["id"]: case for case in read_examples()}
ASKED_FIELDS = (
    "age_years",
    "diagnosis",
    "disease_status",
    "prior_lines",
    "ecog",
    "mrd_percent",
    "relapse_within_12_months",
    "transplant_eligible",
    "lenalidomide_refractory",
    "in_consolidation_phase",
    "no_satisfactory_alternative",
)


def test_every_shared_example_case_has_its_intake_story_here():
    assert set(EXAMPLE_ANSWERS) == {case["id"] for case in load_examples()}


@pytest.mark.parametrize("case_id", sorted(EXAMPLES))
def test_an_example_cases_story_derives_its_profile(case_id):
    expected = EXAMPLES[case_id]["patient"]
    answers_ = EXAMPLE_ANSWERS[case_id]
    profile = derive_profile(answers_, today=TODAY)

    validate_patient(profile)
    for field in ASKED_FIELDS:
        assert profile[field] == expected[field], field
    # A list of classes in the schema is a set; the derivation keeps it sorted.
    assert profile["prior_therapies"] == sorted(expected["prior_therapies"])
    assert profile["unrecognised_lines"] == expected.get("unrecognised_lines", [])
    asked = RELEVANT_BIOMARKERS[answers_["diagnosis"]["disease"]]
    for key, value in profile["biomarkers"].items():
        # The intake asks only the markers that matter for the disease; others stay unknown.
        assert value == (expected["biomarkers"][key] if key in asked else None), key


@pytest.mark.parametrize("case_id", sorted(EXAMPLES))
def test_an_example_cases_story_gets_the_examples_verdicts(case_id):
    profile = derive_profile(EXAMPLE_ANSWERS[case_id], today=TODAY)
    assert screen_patient(profile).verdicts() == EXAMPLES[case_id]["expected"]


def test_a_profile_from_sparse_answers_is_valid_and_all_unknown():
    profile = derive_profile({}, today=TODAY)
    validate_patient(profile)
    assert profile["age_years"] is None
    assert profile["prior_lines"] is None
    assert profile["prior_therapies"] is None
    assert set(profile["biomarkers"].values()) == {None}


def test_markers_answered_for_another_disease_are_ignored():
    answers_ = answers(40, "mm", {"status": "relapsed"}, {}, UNTREATED)
    answers_["diagnosis"]["biomarkers"]["cd19_positive"] = "yes"  # left from an earlier choice
    assert derive_profile(answers_, today=TODAY)["biomarkers"]["cd19_positive"] is None


def test_status_questions_not_asked_for_the_disease_stay_null():
    answers_ = answers(
        40, "fl", {"status": "relapsed", "transplant_eligible": "yes"}, {}, UNTREATED
    )
    assert derive_profile(answers_, today=TODAY)["transplant_eligible"] is None


# --- the vocabulary the forms offer and the derivation reads ---------------------------------


def test_a_treatment_line_offers_every_schema_drug_class_and_nothing_else():
    from screening.intake.forms.treatment import LINE_CLASS_CHOICES
    from screening.rules.vocabulary import PRIOR_THERAPIES

    offered = {key for key, _label in LINE_CLASS_CHOICES}
    assert offered <= set(PRIOR_THERAPIES)
    # Transplants are asked separately; every drug class, old and new, can be ticked.
    assert set(PRIOR_THERAPIES) - offered == {"allogeneic_sct", "autologous_sct"}


def test_the_ever_had_question_offers_exactly_what_the_derivation_reads():
    from screening.intake.forms.treatment import OTHER_TREATMENT_CHOICES
    from screening.intake.vocabulary import OTHER_TREATMENTS

    assert {key for key, _label in OTHER_TREATMENT_CHOICES} == set(OTHER_TREATMENTS)
    for new in (
        "bcma_bispecific",
        "gprc5d_directed",
        "cd20_bispecific",
        "bcma_adc",
        "menin_inhibitor",
    ):
        assert OTHER_TREATMENTS[new] == new


def test_every_regimen_maps_to_schema_classes():
    from screening.intake.vocabulary import REGIMEN_CLASSES
    from screening.rules.vocabulary import PRIOR_THERAPIES

    for name, classes in REGIMEN_CLASSES.items():
        assert classes and set(classes) <= set(PRIOR_THERAPIES), name
        assert name == name.lower(), name


def test_another_car_t_is_recorded_for_the_trials_without_touching_the_label_classes():
    history = treated(line("R-CHOP"), line("R-ICE"), others=["car_t_other"])
    answers_ = answers(60, "dlbcl", {"current": "refractory"}, {}, history)

    profile = derive_profile(answers_, today=TODAY)

    assert profile["other_car_t"] is True
    assert profile["prior_therapies"] == ["anthracycline", "anti_cd20", "chemotherapy"]
    assert validate_patient(profile).to_dict()["other_car_t"] is True


def test_without_another_car_t_the_profile_has_no_such_key_and_reads_as_unknown():
    history = treated(line("R-CHOP"), others=["car_t_unknown"])
    answers_ = answers(60, "dlbcl", {"current": "refractory"}, {}, history)

    profile = derive_profile(answers_, today=TODAY)

    assert "other_car_t" not in profile
    assert validate_patient(profile).other_car_t is None
    assert "other_car_t" not in validate_patient(profile).to_dict()
