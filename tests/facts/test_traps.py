"""The extractor, trap by trap, on short report passages: negation, the case schema's
conventions, method panels, history, normal populations, look-alikes, and its quotes."""

from __future__ import annotations

import pytest

from screening.documents.facts import extract_facts
from screening.documents.facts.reading import level_percent
from screening.documents.facts.text import HISTORY, METHOD, RESULT, statements

CD19 = "biomarkers.cd19_positive"
CD22 = "biomarkers.cd22_positive"
BCMA = "biomarkers.bcma_positive"
KMT2A = "biomarkers.kmt2a_rearranged"
NPM1 = "biomarkers.npm1_mutated"
PH = "biomarkers.philadelphia_positive"
MRD = "mrd_percent"


def facts(text: str) -> dict:
    return {fact.field: fact.value for fact in extract_facts(text)}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Blasts are negative for CD19.", {CD19: False}),
        ("Blasts are positive for CD19 and negative for CD22.", {CD19: True, CD22: False}),
        ("No BCR::ABL1 detected.", {PH: False}),
        ("BCR/ABL1: no fusion detected.", {PH: False}),
        ("CD22 is not expressed on the blasts.", {CD22: False}),
        ("NPM1-mutated AML is excluded by this assay.", {NPM1: False}),
        ("NPM1 wild-type, FLT3-ITD detected.", {NPM1: False}),
        ("No pathogenic variants detected in: FLT3, NPM1, TP53.", {NPM1: False}),
        ("CD19+ CD22- CD20-", {CD19: True, CD22: False}),
        ("CD19− CD22+", {CD19: False, CD22: True}),
        ("Negative: CD19, CD20. Positive: CD22, CD10.", {CD19: False, CD22: True}),
        ("Relapse with loss of CD19 expression.", {CD19: False}),
        ("KMT2A: no rearrangement.", {KMT2A: False}),
        ("The clonal plasma cells are BCMA-negative.", {BCMA: False}),
        (
            "The blasts show expression of CD19 and CD10, partial CD34, and uniform CD22.",
            {CD19: True, CD22: True},
        ),
        ("Relapse with loss of expression of CD19.", {CD19: False}),
        ("FISH panel for B-ALL: BCR::ABL1 negative; KMT2A negative.", {PH: False, KMT2A: False}),
    ],
)
def test_negation_and_explicit_results(text, expected):
    assert facts(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("KMT2A partial tandem duplication detected.", {KMT2A: False}),
        ("KMT2A-PTD: DETECTED (exons 2-8).", {KMT2A: False}),
        ("KMT2A-PTD not detected.", {}),
        ("KMT2A-PTD detected. KMT2A::MLLT3 fusion detected.", {KMT2A: True}),
        ("Karyotype: 46,XX,t(4;11)(q21;q23)[20]", {KMT2A: True}),
        ("Karyotype: 46,XY,t(11;14)(q13;q32)[20]", {}),
    ],
)
def test_a_kmt2a_partial_tandem_duplication_alone_is_not_a_rearrangement(text, expected):
    assert facts(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("MRD: 1.2 × 10⁻³ of nucleated cells.", 0.12),
        ("MRD 1.2 x 10^-3.", 0.12),
        ("MRD: 0.12%.", 0.12),
        ("MRD: < 0.01 %.", 0.0),
        ("MRD: <1 x 10^-4.", 0.0),
        ("MRD not detected.", 0.0),
        ("MRD NEGATIVE.", 0.0),
        ("MRD NOT DETECTED at a sensitivity of 1 in 1,000,000 cells (10^-6).", 0.0),
        ("MRD: 1.5E-02.", 1.5),
        ("MRD 0.05%, below the 0.1% threshold.", 0.05),
        ("Measurable residual disease detected at 3 x 10^-4, above the 10^-4 threshold.", 0.03),
        ("MRD (OCR lost the exponent): 3.4 x 10%, i.e. 0.034% of cells.", 0.034),
    ],
)
def test_mrd_levels_follow_the_schema_conventions(text, expected):
    assert facts(text) == {MRD: expected}


@pytest.mark.parametrize(
    "text",
    [
        "MRD POSITIVE.",
        "Limit of detection: 1 x 10^-6. Limit of quantitation: 4 x 10^-6.",
        "NPM1 transcript-based MRD monitoring is recommended.",
        "Sensitivity of the MRD assay: 0.001%.",
    ],
)
def test_limits_and_mrd_without_a_level_give_no_mrd(text):
    assert MRD not in facts(text)


def test_an_antibody_panel_in_the_method_is_not_a_result():
    text = (
        "METHOD\nTube 1: CD19, CD22, CD10, CD34 (positive and negative controls acceptable).\n\n"
        "ANTIBODY PANEL\nCD19-PE, CD22-APC, BCMA-BV421\n"
    )
    assert facts(text) == {}
    assert facts("Antibody panel: CD19, CD22 and CD10, all positive controls in range.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "Ph-positive at diagnosis in 2023.",
        "History of CD19-positive B-ALL.",
        "The leukemia was NPM1-mutated at diagnosis in 2022.",
        "CLINICAL HISTORY\nPh+ B-ALL with CD22 positive blasts, treated in 2024.",
        "Clinical: KMT2A-rearranged infant ALL.",
    ],
)
def test_history_is_not_the_current_specimen(text):
    assert facts(text) == {}


def test_history_in_a_parenthesis_leaves_the_current_finding():
    text = "Loss of CD22 expression compared with the prior study (CD22 was positive in 01/2025)."
    assert facts(text) == {CD22: False}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Residual normal B cells are CD19+.", {}),
        ("Hematogones are CD19 positive and CD10 dim.", {}),
        ("Residual normal B cells are CD19+; the blasts are CD19 negative.", {CD19: False}),
        ("Blasts are CD19 negative, while residual normal B cells are CD19+.", {CD19: False}),
        ("Residual normal plasma cells express BCMA.", {}),
    ],
)
def test_markers_on_normal_populations_are_not_results(text, expected):
    assert facts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Received CD19-directed CAR T-cell therapy.",
        "Prior BCMA-directed CAR-T (idecabtagene vicleucel).",
        "Anti-CD22 therapy (inotuzumab) is planned.",
        "CD22 testing is pending.",
        "Recommend CD22 testing to assess eligibility for inotuzumab.",
        "CD22 expression is equivocal.",
        "Correlate with cytogenetics (BCR::ABL1, KMT2A FISH).",
        "Ph-like gene expression signature detected.",
        "Rule out t(9;22).",
    ],
)
def test_therapies_pending_tests_uncertain_results_and_look_alikes_propose_nothing(text):
    assert facts(text) == {}


def test_a_report_that_says_both_proposes_nothing_for_that_field():
    assert facts("CD19 positive (bright).\n\nCD19 negative on the blasts.") == {}


def test_the_quote_is_the_clause_and_the_page_is_counted_by_form_feeds():
    text = (
        "HEADER\nSpecimen: bone marrow\f\n"
        "RESULTS\nBCR::ABL1 fusion detected; KMT2A not rearranged.\n"
    )

    found = extract_facts(text)

    assert [(f.field, f.value, f.quote, f.page) for f in found] == [
        (KMT2A, False, "KMT2A not rearranged.", 2),
        (PH, True, "BCR::ABL1 fusion detected", 2),
    ]


def test_the_same_text_always_gives_the_same_facts():
    text = "Blasts express CD19 and CD22. MRD 0.3%. NPM1 c.860_863dupTCTG (type A)."
    assert extract_facts(text) == extract_facts(text)
    assert facts(text) == {CD19: True, CD22: True, NPM1: True, MRD: 0.3}


def test_text_without_markers_or_without_words_gives_nothing():
    assert extract_facts("") == []
    assert extract_facts("\f\f\n   \n") == []
    assert extract_facts("Mild splenomegaly. No lymphadenopathy.") == []


def test_statements_know_their_section_and_join_wrapped_lines():
    text = (
        "CLINICAL HISTORY\nRelapsed B-ALL.\n\nMETHOD\n8-color panel.\n\n"
        "RESULTS\nBlasts express CD19, CD10 and\nCD22 (dim).\n"
        "  CD20 ........ negative\n"
        "Indication: B-ALL follow-up\n"
    )

    found = [(s.text, s.section) for s in statements(text)]

    assert found == [
        ("Relapsed B-ALL.", HISTORY),
        ("8-color panel.", METHOD),
        ("Blasts express CD19, CD10 and CD22 (dim).", RESULT),
        ("CD20: negative", RESULT),
        ("B-ALL follow-up", HISTORY),
    ]


@pytest.mark.parametrize(
    "text,percent",
    [("0.12 %", 0.12), ("1.2 x 10^-3", 0.12), ("10^-4", 0.01), ("< 0.01%", 0.0), ("2E-5", 0.002)],
)
def test_levels_are_converted_to_percent_exactly(text, percent):
    assert level_percent(text) == percent
