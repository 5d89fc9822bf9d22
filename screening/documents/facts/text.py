"""Report text → pages → statements a person would quote, each with its section.

Laboratory reports mix prose ("Blasts express CD19 and CD22.") with tables ("CD19  Positive
bright, 99%"), dotted leaders ("CD19 ...... NEGATIVE") and "Label: value" lines. A statement is
one sentence of prose or one table row (with the lines that continue it); it is what a proposal
quotes. Each statement also carries the kind of section it sits in, because a marker named in a
method section or in the clinical history is not a result on this specimen.

Pages are separated by form feeds, as pdftotext, Tesseract and our PDF reader write them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Section kinds. Only HISTORY and METHOD change what a statement means.
RESULT = "result"
HISTORY = "history"
METHOD = "method"

PAGE_BREAK = "\f"

_SECTION_WORDS = {
    HISTORY: (
        "clinical history",
        "history",
        "clinical information",
        "clinical info",
        "clinical",
        "clinical details",
        "clinical indication",
        "indication",
        "indications",
        "reason for referral",
        "reason for test",
        "reason for testing",
        "previous results",
        "prior results",
        "relevant history",
        "treatment history",
        "past history",
    ),
    METHOD: (
        "method",
        "methods",
        "methodology",
        "technical note",
        "technical notes",
        "technique",
        "assay",
        "assays",
        "assay description",
        "test description",
        "panel",
        "antibody panel",
        "antibodies",
        "antibodies tested",
        "markers tested",
        "reagents",
        "probe",
        "probes",
        "probe set",
        "limitations",
        "disclaimer",
        "references",
        "gating",
        "gating strategy",
    ),
}
_SECTION_OF = {word: kind for kind, words in _SECTION_WORDS.items() for word in words}

# A heading or "Label:" is compared without case, punctuation or a trailing parenthesis.
_LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z /&-]{1,40}?)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN = re.compile(r"[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_DASHES = str.maketrans({"−": "-", "–": "-", "‐": "-", "‑": "-", "×": "x", "\u00a0": " "})
# Dotted leaders between a label and its value, as typed ("CD19 ....... NEGATIVE") or as OCR
# reads them (". . . .", ".. -+").
_LEADER = re.compile(r"\s*(?:\.{2,}|…+|(?:\.\s){3,})[\s.\-+_…]*(?=\S)")
# OCR reads a superscript minus as "*" or keeps the caret: 10*-3 → 10^-3.
# OCR splits the fusion mark of gene names: "BCR: :ABL1" → "BCR::ABL1".
_OCR_FUSION = re.compile(r"\b([A-Z][A-Z0-9]{1,9})\s*:\s+:\s*([A-Z][A-Z0-9]{1,9})\b")
_OCR_POWER = re.compile(r"\b10\s*[*^]\s*-\s*(?=\d)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
# Words after which a sentence cannot have ended, so "... and\nCD22 ..." is one sentence.
_OPEN_ENDINGS = re.compile(
    r"(?:,|\b(?:and|or|of|for|the|a|an|with|in|on|by|to|at|as|than|but|nor|are|is|was|were))$",
    re.IGNORECASE,
)
_ABBREVIATIONS = re.compile(r"\b(?:i\.e|e\.g|vs|approx|ca|cf|Dr|no|Fig|incl)\.$", re.IGNORECASE)
# Marker names: a line that names one is a result row, never a heading ("CD19 POSITIVE").
_MARKERISH = re.compile(r"\b(?:CD\d+|BCMA|KMT2A|MLL|NPM1|BCR|ABL1|MRD|PH)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Statement:
    """One sentence or table row, as quoted, with its page (1-based) and section kind."""

    text: str
    page: int
    section: str


def normalise(text: str) -> str:
    """Unicode the extractor can match: 10⁻³ → 10^-3, × → x, − → -, ligatures unfolded."""
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group(0).translate(_SUPERSCRIPTS), text)
    text = _OCR_POWER.sub("10^-", text.translate(_DASHES))
    text = _OCR_FUSION.sub(r"\1::\2", text)
    return unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")


def pages(text: str) -> list[str]:
    return normalise(text).split(PAGE_BREAK)


def section_kind(label: str) -> str | None:
    """The section kind a heading or label names, or None if it names none we know."""
    key = re.sub(r"[^a-z /&-]", "", label.lower()).strip(" /&-")
    return _SECTION_OF.get(key)


def _heading(line: str) -> tuple[str | None, str] | None:
    """(section kind or None, rest of the line) if the line opens a section, else None."""
    stripped = line.strip()
    if not stripped or _MARKERISH.search(stripped.split(":")[0]):
        return None
    match = _LABEL.match(stripped)
    if match:
        kind = section_kind(match.group(1))
        label_is_caps = match.group(1).upper() == match.group(1)
        if kind is not None:
            return kind, match.group(2).strip()
        if not match.group(2).strip() and label_is_caps:
            return RESULT, ""  # "FINDINGS:" - a heading of a section we treat as results
        return None
    words = stripped.split()
    if stripped.upper() == stripped and len(words) <= 8 and not stripped.endswith("."):
        bare = re.sub(r"\([^)]*\)", "", stripped)
        return section_kind(bare) or RESULT, ""
    return None


def _continues(previous: str, line: str, previous_indent: int) -> bool:
    """Does this line continue the statement above (a wrapped sentence or table cell)?"""
    if not previous or previous.rstrip().endswith((".", "!", "?")):
        return False
    stripped = line.lstrip()
    indent = len(line) - len(stripped)
    if stripped[:1].islower() or stripped[:1] in ",;":
        return True
    if stripped.startswith("("):
        # A wrapped parenthesis continues; a note of its own, "(... )" at the row's depth, does not.
        return indent > previous_indent or not stripped.endswith(")")
    if _OPEN_ENDINGS.search(previous.rstrip()):
        return True
    # A cell wrapped under its column: much deeper than the row it belongs to.
    return indent >= previous_indent + 6


def _sentences(text: str) -> list[str]:
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()]
        if _ABBREVIATIONS.search(before):
            continue
        parts.append(before)
        start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def statements(text: str) -> list[Statement]:
    """Every statement of the report in order, with its page and section kind."""
    found: list[Statement] = []
    for number, page in enumerate(pages(text), start=1):
        section = RESULT
        blocks: list[tuple[str, str]] = []  # (text, section) before sentence splitting
        current, current_section, indent = "", RESULT, 0
        for raw in page.split("\n"):
            line = _LEADER.sub(": ", raw.rstrip())
            if not line.strip():
                if current:
                    blocks.append((current, current_section))
                current = ""
                continue
            if current and _continues(current, line, indent):
                current = f"{current} {line.strip()}"
                continue
            if current:
                blocks.append((current, current_section))
                current = ""
            heading = _heading(line)
            line_section = section
            if heading is not None:
                kind, rest = heading
                if not rest:
                    section = kind or RESULT
                    continue
                line_section = kind or section  # "Clinical: de novo AML" - this line only
                line = rest
            current, current_section = line.strip(), line_section
            indent = len(raw) - len(raw.lstrip())
        if current:
            blocks.append((current, current_section))
        for block, kind in blocks:
            for sentence in _sentences(" ".join(block.split())):
                found.append(Statement(sentence, number, kind))
    return found
