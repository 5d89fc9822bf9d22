"""The extractor on every report of the fixture sets, as text and as a PDF's text layer: the
facts read are exactly those the report establishes, each quoting text of the report."""

from __future__ import annotations

import pytest

from screening.documents.facts import FIELDS, extract_facts
from screening.documents.facts.text import normalise
from screening.documents.text_extraction import extract_pdf_text
from tests.facts.corpus import reports

REPORTS = reports()


def _facts(text: str) -> dict:
    return {fact.field: fact.value for fact in extract_facts(text)}


def test_the_fixture_sets_hold_the_examples_and_at_least_forty_reports_of_our_own():
    by_set = {}
    for report in REPORTS:
        by_set.setdefault(report.set, []).append(report)
        assert report.text_path.exists(), report.text_path
        assert report.pdf_path.exists(), report.pdf_path
        assert set(report.expected) <= set(FIELDS)
    assert len(by_set["examples"]) == 8
    assert len(by_set["reports"]) >= 40
    assert len(by_set["heldout"]) == 12


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r.id)
def test_the_text_of_each_report_gives_exactly_its_facts(report):
    text = report.text_path.read_text(encoding="utf-8")

    facts = extract_facts(text)

    assert {fact.field: fact.value for fact in facts} == report.expected
    pages = normalise(text).split("\f")
    for fact in facts:
        # The quote is the report's own words (whitespace and dotted leaders aside), on its page.
        words = " ".join(pages[fact.page - 1].replace("\n", " ").split())
        for word in fact.quote.replace(":", " ").split():
            assert word.strip(".") in words, (fact.quote, word)


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r.id)
def test_the_pdf_of_each_report_gives_the_same_facts_as_its_text(report):
    result = extract_pdf_text(report.pdf_path.read_bytes(), time_limit=20)

    assert result["status"] == "extracted", result["detail"]
    assert _facts(result["text"]) == report.expected


def test_a_fact_on_the_second_page_names_page_two():
    (report,) = [r for r in REPORTS if r.name == "N39-flow-two-pages"]
    result = extract_pdf_text(report.pdf_path.read_bytes(), time_limit=20)

    facts = extract_facts(result["text"])

    assert result["pages"] == 2
    assert {fact.page for fact in facts} == {2}


def test_every_trap_is_covered_by_a_report():
    traps = {trap for report in REPORTS for trap in report.traps}
    assert {
        "negation",
        "normal_population",
        "panel",
        "history",
        "pending",
        "ptd",
        "mrd_log_notation",
        "mrd_below_limit",
        "mrd_not_detected",
        "threshold",
        "ph_like",
        "therapy_name",
    } <= traps
