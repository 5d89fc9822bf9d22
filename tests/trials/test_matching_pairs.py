"""Profile × trial pairs with verdicts derived by hand from the records' text.

Each row names the trial, the person, the expected verdict and the criterion that decides it
(with its outcome), so a row fails if the verdict is right for the wrong reason. The records
are the 12 sample studies (tests/trials/data) and three synthetic ones for what the sample
lacks: age limits in months, a "no prior CAR-T" inclusion, an allogeneic-transplant window.
"""

from __future__ import annotations

import pytest

from screening.rules.trials import match_trial
from tests.trials.studies import catalogue_of, person, sample_studies, study

INFANT = study(
    "NCT90000001",
    title="Synthetic infant CD19 CAR-T",
    conditions=("B-cell Acute Lymphoblastic Leukemia",),
    minimum_age="6 Months",
    maximum_age="18 Months",
    criteria=(
        "Inclusion Criteria:\n\n* Relapsed or refractory disease\n\n"
        "Exclusion Criteria:\n\n* Active CNS disease"
    ),
)
NO_PRIOR_CAR_T = study(
    "NCT90000002",
    criteria=(
        "Inclusion Criteria:\n\n* No prior CAR-T therapy\n* ECOG 0-2\n\n"
        "Exclusion Criteria:\n\n"
        "* Allogeneic stem cell transplant within 6 months of enrolment\n"
        "* Patients without measurable disease"
    ),
)
CATALOGUE = catalogue_of(*sample_studies(), INFANT, NO_PRIOR_CAR_T)
TRIALS = {trial.nct_id: trial for trial in CATALOGUE.trials}

R_R_DLBCL = {"diagnosis": "dlbcl", "disease_status": "refractory", "prior_lines": 2}
FIRST_CR_DLBCL = {"diagnosis": "dlbcl", "disease_status": "first_remission", "prior_lines": 1}
B_ALL = {"diagnosis": "b_all", "disease_status": "relapsed", "prior_lines": 1, "age_years": 30}
B_ALL_CHILD = {**B_ALL, "age_years": 10, "cd19_positive": True}
T_ALL = {"diagnosis": "t_all", "disease_status": "refractory", "prior_lines": 2, "age_years": 30}
CLL = {
    "diagnosis": "cll",
    "disease_status": "relapsed",
    "prior_lines": 2,
    "age_years": 60,
    "cd19_positive": True,
    "cns_involvement": False,
}
MM = {"diagnosis": "mm", "disease_status": "relapsed", "prior_lines": 4, "age_years": 62}
CLEAN = {"cns_involvement": False, "active_infection": False}

# (case, trial, person's country, travel countries, patient fields, verdict, criterion, outcome)
PAIRS = [
    # ALPHA2 (NCT04416984): allogeneic CD19, r/r LBCL, adults, no sites listed.
    (
        "alpha2-rr-dlbcl",
        "NCT04416984",
        "US",
        (),
        {**R_R_DLBCL, **CLEAN},
        "needs_review",
        "sites",
        "unknown",
    ),
    (
        "alpha2-newly-diagnosed",
        "NCT04416984",
        "US",
        (),
        {**CLEAN},
        "not_eligible",
        "relapsed or refractory",
        "not_met",
    ),
    (
        "alpha2-cns-exclusion",
        "NCT04416984",
        "US",
        (),
        {**R_R_DLBCL, "cns_involvement": True},
        "not_eligible",
        "CNS disease",
        "not_met",
    ),
    (
        "alpha2-prior-car-t-main-cohort",
        "NCT04416984",
        "US",
        (),
        {**R_R_DLBCL, **CLEAN, "prior_therapies": ["chemotherapy", "cd19_car_t"]},
        "needs_review",
        "prior therapy",
        "unknown",
    ),
    (
        "alpha2-follicular",
        "NCT04416984",
        "US",
        (),
        {**R_R_DLBCL, "diagnosis": "fl"},
        "not_eligible",
        "diagnosis",
        "not_met",
    ),
    (
        "alpha2-age-17",
        "NCT04416984",
        "US",
        (),
        {**R_R_DLBCL, **CLEAN, "age_years": 17},
        "not_eligible",
        "age",
        "not_met",
    ),
    (
        "alpha2-pcnsl",
        "NCT04416984",
        "US",
        (),
        {**R_R_DLBCL, **CLEAN, "diagnosis": "pcnsl"},
        "needs_review",
        "diagnosis",
        "unknown",
    ),
    # ALPHA3 (NCT06500273): 1L consolidation, ECOG 0-1, progression excluded, two US sites.
    ("alpha3-first-remission", "NCT06500273", "US", (), FIRST_CR_DLBCL, "eligible", "sites", "met"),
    (
        "alpha3-relapsed",
        "NCT06500273",
        "US",
        (),
        {**FIRST_CR_DLBCL, "disease_status": "relapsed"},
        "not_eligible",
        "disease progression",
        "not_met",
    ),
    (
        "alpha3-ecog-2",
        "NCT06500273",
        "US",
        (),
        {**FIRST_CR_DLBCL, "ecog": 2},
        "not_eligible",
        "ECOG",
        "not_met",
    ),
    (
        "alpha3-lives-in-france",
        "NCT06500273",
        "FR",
        (),
        FIRST_CR_DLBCL,
        "not_eligible",
        "sites",
        "not_met",
    ),
    (
        "alpha3-would-travel-to-us",
        "NCT06500273",
        "FR",
        ("US",),
        FIRST_CR_DLBCL,
        "eligible",
        "sites",
        "met",
    ),
    (
        "alpha3-ecog-unknown",
        "NCT06500273",
        "US",
        (),
        {**FIRST_CR_DLBCL, "ecog": None},
        "needs_review",
        "ECOG",
        "unknown",
    ),
    # BALLI-01 (NCT04150497): CD22+ r/r B-ALL, adults, US sites.
    (
        "balli-cd22-positive",
        "NCT04150497",
        "US",
        (),
        {**B_ALL, **CLEAN, "cd22_positive": True},
        "eligible",
        "antigen",
        "met",
    ),
    (
        "balli-cd22-negative",
        "NCT04150497",
        "US",
        (),
        {**B_ALL, **CLEAN, "cd22_positive": False},
        "not_eligible",
        "antigen",
        "not_met",
    ),
    (
        "balli-cd22-unknown",
        "NCT04150497",
        "US",
        (),
        {**B_ALL, **CLEAN},
        "needs_review",
        "antigen",
        "unknown",
    ),
    (
        "balli-after-cd19-car-t",
        "NCT04150497",
        "US",
        (),
        {**B_ALL, **CLEAN, "cd22_positive": True, "prior_therapies": ["cd19_car_t"]},
        "eligible",
        "prior therapy",
        "met",
    ),
    (
        "balli-first-remission",
        "NCT04150497",
        "US",
        (),
        {**B_ALL, **CLEAN, "cd22_positive": True, "disease_status": "first_remission"},
        "not_eligible",
        "relapsed or refractory",
        "not_met",
    ),
    (
        "balli-second-remission",
        "NCT04150497",
        "US",
        (),
        {**B_ALL, **CLEAN, "cd22_positive": True, "disease_status": "second_remission"},
        "needs_review",
        "relapsed or refractory",
        "unknown",
    ),
    (
        "balli-active-infection",
        "NCT04150497",
        "US",
        (),
        {**B_ALL, "cd22_positive": True, "cns_involvement": False, "active_infection": True},
        "needs_review",
        "infection",
        "unknown",
    ),
    (
        "balli-age-16",
        "NCT04150497",
        "US",
        (),
        {**B_ALL, **CLEAN, "cd22_positive": True, "age_years": 16},
        "not_eligible",
        "age",
        "not_met",
    ),
    # WU-CART-007 (NCT04984356): allogeneic CD7 for T-ALL/LBL, 12 and older, no sites listed.
    (
        "wu-cd7-t-all-teenager",
        "NCT04984356",
        "US",
        (),
        {**T_ALL, "age_years": 14},
        "needs_review",
        "sites",
        "unknown",
    ),
    (
        "wu-cd7-t-all-age-10",
        "NCT04984356",
        "US",
        (),
        {**T_ALL, "age_years": 10},
        "not_eligible",
        "age",
        "not_met",
    ),
    ("wu-cd7-b-all", "NCT04984356", "US", (), B_ALL, "not_eligible", "diagnosis", "not_met"),
    (
        "wu-cd7-newly-diagnosed",
        "NCT04984356",
        "US",
        (),
        {**T_ALL, "disease_status": "newly_diagnosed"},
        "not_eligible",
        "relapsed or refractory",
        "not_met",
    ),
    # CTX112 (NCT05643742): CD19+ r/r B-cell malignancies, adults, no sites listed.
    (
        "ctx112-cd19-positive",
        "NCT05643742",
        "US",
        (),
        {**R_R_DLBCL, "cd19_positive": True},
        "needs_review",
        "antigen",
        "met",
    ),
    (
        "ctx112-cd19-negative",
        "NCT05643742",
        "US",
        (),
        {**R_R_DLBCL, "cd19_positive": False},
        "not_eligible",
        "antigen",
        "not_met",
    ),
    (
        "ctx112-aml",
        "NCT05643742",
        "US",
        (),
        {**R_R_DLBCL, "diagnosis": "aml"},
        "not_eligible",
        "diagnosis",
        "not_met",
    ),
    # Donor-derived CD7 (NCT04689659): completed.
    (
        "donor-cd7-completed",
        "NCT04689659",
        "CN",
        (),
        T_ALL,
        "not_eligible",
        "recruitment",
        "not_met",
    ),
    # NCI CD19/CD22 (NCT05442515): ages 3 to 39, CD19 and/or CD22, one US site.
    ("nci-dual-child", "NCT05442515", "US", (), B_ALL_CHILD, "eligible", "antigen", "met"),
    (
        "nci-dual-age-2",
        "NCT05442515",
        "US",
        (),
        {**B_ALL_CHILD, "age_years": 2},
        "not_eligible",
        "age",
        "not_met",
    ),
    (
        "nci-dual-age-39",
        "NCT05442515",
        "US",
        (),
        {**B_ALL_CHILD, "age_years": 39},
        "eligible",
        "age",
        "met",
    ),
    (
        "nci-dual-age-40",
        "NCT05442515",
        "US",
        (),
        {**B_ALL_CHILD, "age_years": 40},
        "not_eligible",
        "age",
        "not_met",
    ),
    (
        "nci-dual-cd19-negative-cd22-unknown",
        "NCT05442515",
        "US",
        (),
        {**B_ALL_CHILD, "cd19_positive": False},
        "needs_review",
        "antigen",
        "unknown",
    ),
    (
        "nci-dual-both-negative",
        "NCT05442515",
        "US",
        (),
        {**B_ALL_CHILD, "cd19_positive": False, "cd22_positive": False},
        "not_eligible",
        "antigen",
        "not_met",
    ),
    (
        "nci-dual-t-all",
        "NCT05442515",
        "US",
        (),
        {**T_ALL, "age_years": 10},
        "not_eligible",
        "diagnosis",
        "not_met",
    ),
    (
        "nci-dual-lives-in-china",
        "NCT05442515",
        "CN",
        (),
        B_ALL_CHILD,
        "not_eligible",
        "sites",
        "not_met",
    ),
    # CAR-NK-CD19 (NCT04796675): CD19+ ALL/CLL/NHL after 2 lines, ECOG 3 or better, Wuhan.
    ("car-nk-cll", "NCT04796675", "CN", (), CLL, "eligible", "prior lines", "met"),
    (
        "car-nk-one-line",
        "NCT04796675",
        "CN",
        (),
        {**CLL, "prior_lines": 1},
        "not_eligible",
        "prior lines",
        "not_met",
    ),
    (
        "car-nk-ecog-4",
        "NCT04796675",
        "CN",
        (),
        {**CLL, "ecog": 4},
        "not_eligible",
        "ECOG",
        "not_met",
    ),
    (
        "car-nk-cns-judged-by-investigator",
        "NCT04796675",
        "CN",
        (),
        {**CLL, "cns_involvement": True},
        "needs_review",
        "CNS disease",
        "unknown",
    ),
    (
        "car-nk-t-all",
        "NCT04796675",
        "CN",
        (),
        {**T_ALL, "cd19_positive": None},
        "not_eligible",
        "diagnosis",
        "not_met",
    ),
    ("car-nk-lives-in-us", "NCT04796675", "US", (), CLL, "not_eligible", "sites", "not_met"),
    ("car-nk-would-travel-to-china", "NCT04796675", "US", ("CN",), CLL, "eligible", "sites", "met"),
    # CARPALL (NCT02443831): active, not recruiting.
    (
        "carpall-not-recruiting",
        "NCT02443831",
        "US",
        (),
        B_ALL_CHILD,
        "not_eligible",
        "recruitment",
        "not_met",
    ),
    # uCD7 (NCT07109518): CD7+ AML or T-ALL/LBL, 18 to 70 (text: under 70), Tianjin.
    ("ucd7-t-all", "NCT07109518", "CN", (), T_ALL, "needs_review", "antigen", "unknown"),
    (
        "ucd7-aml",
        "NCT07109518",
        "CN",
        (),
        {**T_ALL, "diagnosis": "aml", "age_years": 45},
        "needs_review",
        "antigen",
        "unknown",
    ),
    (
        "ucd7-aml-age-70-text-disagrees",
        "NCT07109518",
        "CN",
        (),
        {**T_ALL, "diagnosis": "aml", "age_years": 70},
        "needs_review",
        "age (criteria text)",
        "unknown",
    ),
    (
        "ucd7-aml-age-71",
        "NCT07109518",
        "CN",
        (),
        {**T_ALL, "diagnosis": "aml", "age_years": 71},
        "not_eligible",
        "age",
        "not_met",
    ),
    ("ucd7-t-all-lives-in-us", "NCT07109518", "US", (), T_ALL, "not_eligible", "sites", "not_met"),
    ("ucd7-b-all", "NCT07109518", "CN", (), B_ALL, "not_eligible", "diagnosis", "not_met"),
    # CD19 CAR-γδT (NCT05554939): CD19+ r/r B-NHL, 18 to 75, no sites listed.
    (
        "gamma-delta-mcl",
        "NCT05554939",
        "CN",
        (),
        {**R_R_DLBCL, "diagnosis": "mcl", "cd19_positive": True},
        "needs_review",
        "sites",
        "unknown",
    ),
    (
        "gamma-delta-age-76",
        "NCT05554939",
        "CN",
        (),
        {**R_R_DLBCL, "diagnosis": "mcl", "age_years": 76},
        "not_eligible",
        "age",
        "not_met",
    ),
    # iMMagine-1 (NCT05396885): r/r MM, 3 or more lines, prior BCMA therapy excluded.
    ("immagine-4-lines", "NCT05396885", "US", (), MM, "needs_review", "prior lines", "met"),
    (
        "immagine-after-bcma-car-t",
        "NCT05396885",
        "US",
        (),
        {**MM, "prior_therapies": ["bcma_car_t"]},
        "not_eligible",
        "prior therapy",
        "not_met",
    ),
    (
        "immagine-2-lines",
        "NCT05396885",
        "US",
        (),
        {**MM, "prior_lines": 2},
        "not_eligible",
        "prior lines",
        "not_met",
    ),
    (
        "immagine-lines-unknown",
        "NCT05396885",
        "US",
        (),
        {**MM, "prior_lines": None},
        "needs_review",
        "prior lines",
        "unknown",
    ),
    # Synthetic infant trial: 6 to 18 months.
    (
        "infant-6-months",
        "NCT90000001",
        "US",
        (),
        {**B_ALL, **CLEAN, "age_years": 0.5},
        "eligible",
        "age",
        "met",
    ),
    (
        "infant-5-months",
        "NCT90000001",
        "US",
        (),
        {**B_ALL, **CLEAN, "age_years": 5 / 12},
        "not_eligible",
        "age",
        "not_met",
    ),
    (
        "infant-1-year-could-be-12-to-23-months",
        "NCT90000001",
        "US",
        (),
        {**B_ALL, **CLEAN, "age_years": 1},
        "needs_review",
        "age",
        "unknown",
    ),
    (
        "infant-2-years",
        "NCT90000001",
        "US",
        (),
        {**B_ALL, **CLEAN, "age_years": 2},
        "not_eligible",
        "age",
        "not_met",
    ),
    # Synthetic "No prior CAR-T" inclusion and an allogeneic-transplant window.
    (
        "no-prior-car-t-after-cd19-car-t",
        "NCT90000002",
        "US",
        (),
        {**R_R_DLBCL, "prior_therapies": ["cd19_car_t"]},
        "not_eligible",
        "prior therapy",
        "not_met",
    ),
    (
        "no-prior-car-t-allo-transplant-date-unknown",
        "NCT90000002",
        "US",
        (),
        {**R_R_DLBCL, "prior_therapies": ["allogeneic_sct"]},
        "needs_review",
        "allogeneic transplant",
        "unknown",
    ),
    (
        "no-prior-car-t-clean",
        "NCT90000002",
        "US",
        (),
        {**R_R_DLBCL, "prior_therapies": ["chemotherapy"]},
        "eligible",
        "prior therapy",
        "met",
    ),
    (
        "no-prior-car-t-history-unknown",
        "NCT90000002",
        "US",
        (),
        {**R_R_DLBCL, "prior_therapies": None},
        "needs_review",
        "prior therapy",
        "unknown",
    ),
]


@pytest.mark.parametrize(
    ("nct_id", "country", "travel", "patient", "verdict", "criterion", "outcome"),
    [pytest.param(*row[1:], id=row[0]) for row in PAIRS],
)
def test_the_verdict_and_its_reason_are_those_derived_by_hand(
    nct_id, country, travel, patient, verdict, criterion, outcome
):
    result = match_trial(TRIALS[nct_id], person(country, travel, **patient))
    rows = result.criteria()
    named = [row for row in rows if row["name"] == criterion]
    assert named, f"no {criterion!r} criterion in {[row['name'] for row in rows]}"
    assert outcome in {row["outcome"] for row in named}, named
    assert result.verdict == verdict, [(r["name"], r["outcome"]) for r in rows]


def test_there_are_at_least_forty_pairs():
    assert len(PAIRS) >= 40


def test_every_criterion_carries_the_text_it_came_from():
    result = match_trial(TRIALS["NCT04796675"], person("CN", (), **CLL))
    for row in result.criteria():
        assert row["source"], row
        assert row["explanation"], row


def test_a_bullet_it_cannot_read_is_left_for_the_trial_team_and_changes_nothing():
    result = match_trial(TRIALS["NCT07109518"], person("CN", (), **T_ALL))
    left = [r for r in result.criteria() if r["outcome"] == "for_trial_team"]
    assert "Adequate cardiac and renal function" in {r["source"] for r in left}
    assert all("for the trial team to assess" in r["explanation"] for r in left)
    eligible = match_trial(TRIALS["NCT06500273"], person("US", (), **FIRST_CR_DLBCL))
    assert eligible.verdict == "eligible"
    assert any(r["outcome"] == "for_trial_team" for r in eligible.criteria())


def test_the_cd7_trial_says_why_cd7_is_unknown():
    result = match_trial(TRIALS["NCT07109518"], person("CN", (), **T_ALL))
    antigen = next(r for r in result.criteria() if r["name"] == "antigen")
    assert "CD7" in antigen["explanation"]
    assert antigen["source"].startswith("CD7-positive acute myeloid leukaemia")


def test_the_catalogue_lists_possible_matches_first_and_leaves_out_the_rest():
    results = CATALOGUE.match(person("CN", (), **T_ALL))
    assert [r.nct_id for r in results] == ["NCT04984356", "NCT07109518"]
    everything = CATALOGUE.match(person("CN", (), **T_ALL), include_not_eligible=True)
    assert len(everything) == len(CATALOGUE)
    ruled_out = next(r for r in everything if r.nct_id == "NCT05396885")
    assert [row["name"] for row in ruled_out.criteria()] == ["diagnosis"]


def test_the_verdict_only_path_agrees_with_the_explained_one_for_random_people():
    import random

    from screening.rules.vocabulary import DIAGNOSES, DISEASE_STATUSES, PRIOR_THERAPIES

    rng = random.Random(4)
    for _ in range(300):
        patient = {
            "age_years": rng.choice([None, 0.5, 1, 2, 10, 17, 18, 30, 39, 40, 70, 71, 76]),
            "diagnosis": rng.choice([None, *sorted(DIAGNOSES)]),
            "disease_status": rng.choice([None, *sorted(DISEASE_STATUSES)]),
            "prior_lines": rng.choice([None, 0, 1, 2, 3, 4]),
            "prior_therapies": rng.choice(
                [None, rng.sample(sorted(PRIOR_THERAPIES), rng.randint(0, 4))]
            ),
            "ecog": rng.choice([None, 0, 1, 2, 3, 4]),
            "cd19_positive": rng.choice([None, True, False]),
            "cd22_positive": rng.choice([None, True, False]),
            "bcma_positive": rng.choice([None, True, False]),
            "cns_involvement": rng.choice([None, True, False]),
            "active_infection": rng.choice([None, True, False]),
        }
        who = person(rng.choice(["US", "CN", "FR", None]), rng.choice([(), ("CN",)]), **patient)
        explained = {r.nct_id: r.verdict for r in CATALOGUE.match(who, include_not_eligible=True)}
        assert CATALOGUE.verdicts(who) == {
            nct_id: v for nct_id, v in explained.items() if v != "not_eligible"
        }


# "Another CAR-T cell therapy" (a target the schema has no class for) on the intake.
OTHER_CAR_T = {**R_R_DLBCL, **CLEAN, "prior_therapies": ["chemotherapy"], "other_car_t": True}
PRIOR_GPRC5D_CAR_T = study(
    "NCT90000003",
    title="Synthetic GPRC5D CAR-T",
    conditions=("Multiple Myeloma",),
    criteria=(
        "Inclusion Criteria:\n\n* Relapsed or refractory disease\n\n"
        "Exclusion Criteria:\n\n* Prior GPRC5D CAR-T therapy"
    ),
)
PRIOR_CD19_CAR_T = study(
    "NCT90000004",
    title="Synthetic CD19 CAR-T",
    conditions=("Diffuse Large B-Cell Lymphoma",),
    criteria=(
        "Inclusion Criteria:\n\n* Relapsed or refractory disease\n\n"
        "Exclusion Criteria:\n\n* Prior CD19 CAR-T therapy"
    ),
)


def _prior_therapy_row(trial, patient):
    result = match_trial(trial, person("US", (), **patient))
    (row,) = [row for row in result.criteria() if row["name"] == "prior therapy"]
    return result.verdict, row


def test_another_car_t_fails_a_no_prior_car_t_inclusion_whatever_its_target():
    verdict, row = _prior_therapy_row(TRIALS["NCT90000002"], OTHER_CAR_T)

    assert (verdict, row["outcome"]) == ("not_eligible", "not_met")
    assert "another CAR-T therapy, its target not named" in row["explanation"]


def test_another_car_t_leaves_an_exclusion_of_a_car_t_of_another_target_for_review():
    patient = {**OTHER_CAR_T, "diagnosis": "mm", "prior_lines": 4}

    verdict, row = _prior_therapy_row(catalogue_of(PRIOR_GPRC5D_CAR_T).trials[0], patient)

    assert (verdict, row["outcome"]) == ("needs_review", "unknown")
    assert "target is not recorded" in row["explanation"]


def test_another_car_t_is_not_the_cd19_car_t_the_intake_asks_for_by_name():
    verdict, row = _prior_therapy_row(catalogue_of(PRIOR_CD19_CAR_T).trials[0], OTHER_CAR_T)

    assert row["outcome"] == "met"
    assert verdict != "not_eligible"


def test_without_another_car_t_the_no_prior_car_t_inclusion_is_met():
    patient = {**OTHER_CAR_T, "other_car_t": None}

    verdict, row = _prior_therapy_row(TRIALS["NCT90000002"], patient)

    assert (verdict, row["outcome"]) == ("eligible", "met")
