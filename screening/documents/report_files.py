"""Facts from report files outside the database: what `manage.py extract_facts` prints.

The same path as an upload's: the type is decided from the bytes (PDF, JPEG, PNG; anything
else that decodes as UTF-8 is plain text), a PDF's text layer or OCR is read in the capped
child process (text_extraction.py), and the same extractor proposes the facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import filetype

from screening.documents import pdf_text
from screening.documents.facts import Fact, extract_facts
from screening.documents.text_extraction import IMAGE_TYPES, PDF, extract_text


@dataclass(frozen=True)
class ReportReading:
    """One file: its name, the facts read, and how its text was read (for people)."""

    file: str
    facts: list[Fact] = field(default_factory=list)
    status: str = pdf_text.EXTRACTED
    detail: str = ""

    def to_dict(self) -> dict:
        # The shape callers outside the project evaluate the extractor by: keep it.
        return {"file": self.file, "facts": [fact.to_dict() for fact in self.facts]}


def read_report_file(path: str | Path) -> ReportReading:
    """Read one file and extract its facts; raises OSError if the file cannot be opened."""
    path = Path(path)
    data = path.read_bytes()
    kind = filetype.guess(data[:8192]) if data else None
    mime = kind.mime if kind is not None else ""
    if mime == PDF or mime in IMAGE_TYPES:
        result = extract_text(data, mime)
        text, status, detail = result["text"], result["status"], result["detail"]
    else:
        try:
            text, status, detail = data.decode("utf-8"), pdf_text.EXTRACTED, "plain text"
        except UnicodeDecodeError:
            return ReportReading(
                path.name,
                status=pdf_text.UNREADABLE,
                detail="Not a PDF, JPEG, PNG or UTF-8 text file.",
            )
    facts = extract_facts(text) if status == pdf_text.EXTRACTED else []
    return ReportReading(path.name, facts, status, detail)
