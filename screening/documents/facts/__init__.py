"""Facts read from a report's text: proposals for a person to accept or dismiss, never decisions.

    extract_facts(text) -> [Fact(field, value, quote, page), ...]

Deterministic and explainable: every fact quotes the sentence (or table row) it came from and
its page. Plain Python with no Django import, so the management command, the task and the
benchmark run the same code. How a report is read:

1. text.py splits it into pages (form feeds), sections and statements; statements in a method
   section or in the clinical history are not results on this specimen and are skipped.
2. reading.py reads each clause with medspaCy (targets + ConText): negation, history, pending
   tests, panels, normal populations, explicit results and MRD levels.
3. Per field, the statements that state a result must agree; a report that says both (two
   specimens, a subclone) proposes nothing for that field, and the person reads it. A KMT2A
   partial tandem duplication alone is `false` (case schema); any real rearrangement wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from screening.documents.facts import text as report_text
from screening.documents.facts.reading import read_clauses

# Bump when the extractor reads differently, so stored proposals can be re-read.
EXTRACTOR_VERSION = "1"

FIELDS = (
    "biomarkers.cd19_positive",
    "biomarkers.cd22_positive",
    "biomarkers.bcma_positive",
    "biomarkers.kmt2a_rearranged",
    "biomarkers.npm1_mutated",
    "biomarkers.philadelphia_positive",
    "mrd_percent",
)
MAX_QUOTE = 500


@dataclass(frozen=True, slots=True)
class Fact:
    field: str
    value: bool | float
    quote: str
    page: int | None

    def to_dict(self) -> dict:
        return {"field": self.field, "value": self.value, "quote": self.quote, "page": self.page}


def _clauses(sentence: str) -> list[str]:
    """Split at semicolons outside parentheses: "BCR::ABL1 detected; p210 not detected"."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(sentence):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            parts.append(sentence[start:index])
            start = index + 1
    parts.append(sentence[start:])
    return [part.strip() for part in parts if part.strip()]


def _quote(sentence: str) -> str:
    quote = " ".join(sentence.split())
    return quote if len(quote) <= MAX_QUOTE else quote[: MAX_QUOTE - 1].rstrip() + "…"


def _decide(field: str, evidence: list[tuple]) -> tuple | None:
    """The (value, statement) a field's evidence agrees on, or None if none or in conflict."""
    strong = [(value, statement) for value, statement, weak in evidence if not weak]
    chosen = strong or [(value, statement) for value, statement, weak in evidence]
    if not chosen:
        return None
    values = {round(value, 9) if isinstance(value, float) else value for value, _ in chosen}
    if len(values) != 1:
        return None
    return chosen[0]


def extract_facts(text: str, *, nlp=None) -> list[Fact]:
    """The facts a report's text states about the current specimen, one per field at most.

    nlp: another medspaCy pipeline (reading.build_pipeline) for measurements; default: ours.
    """
    statements = [s for s in report_text.statements(text) if s.section == report_text.RESULT]
    clauses = [(s, clause) for s in statements for clause in _clauses(s.text)]
    evidence: dict[str, list[tuple]] = {field: [] for field in FIELDS}
    for (statement, clause), mentions in zip(
        clauses, read_clauses([clause for _, clause in clauses], nlp), strict=True
    ):
        for mention in mentions:
            if mention.excluded or mention.value is None:
                continue
            if mention.weak:
                # "KMT2A-PTD detected" → not rearranged; "no KMT2A-PTD" says nothing about it.
                if mention.value is True:
                    evidence[mention.field].append((False, (statement, clause), True))
                continue
            evidence[mention.field].append((mention.value, (statement, clause), False))
    facts = []
    for field in FIELDS:
        decided = _decide(field, evidence[field])
        if decided is not None:
            # The clause is quoted: a sentence of several clauses ("BCR::ABL1 detected; KMT2A
            # not rearranged") would otherwise quote facts about other markers.
            value, (statement, clause) = decided
            facts.append(Fact(field, value, _quote(clause), statement.page))
    return facts


__all__ = ["EXTRACTOR_VERSION", "FIELDS", "Fact", "extract_facts"]
