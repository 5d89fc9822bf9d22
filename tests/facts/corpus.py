"""The report fixtures: the public synthetic examples (examples/, copied from the project's
shared reference material), Navigator's own reports (reports/) and a second set written after
the extractor (heldout/), each with truth.json, the facts it establishes. Generated PDFs and
scans come from scripts/make_report_fixtures.py."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
# heldout/: written after the extractor, to measure it on reports it was not developed on.
SETS = {"examples": HERE / "examples", "reports": HERE / "reports", "heldout": HERE / "heldout"}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".txt": "text/plain",
}


@dataclass(frozen=True)
class Report:
    set: str
    name: str  # stem, e.g. "R01-flow-ball"
    expected: dict
    traps: tuple[str, ...]
    # What OCR of the degraded scan can establish, where it loses a fact (truth.json says why).
    scan_expected: dict | None = None

    @property
    def folder(self) -> Path:
        return SETS[self.set]

    @property
    def text_path(self) -> Path:
        return self.folder / "text" / f"{self.name}.txt"

    @property
    def pdf_path(self) -> Path:
        return self.folder / "pdf" / f"{self.name}.pdf"

    def scan_paths(self) -> list[Path]:
        return sorted((self.folder / "scan").glob(f"{self.name}.*"))

    @property
    def id(self) -> str:
        return f"{self.set}/{self.name}"


def reports() -> list[Report]:
    found = []
    for set_name, folder in SETS.items():
        for item in json.loads((folder / "truth.json").read_text(encoding="utf-8")):
            found.append(
                Report(
                    set_name,
                    item["file"].removesuffix(".txt"),
                    item["expected"],
                    tuple(item.get("traps", ())),
                    item.get("scan_expected"),
                )
            )
    return found


def scans() -> list[tuple[Report, Path]]:
    return [(report, path) for report in reports() for path in report.scan_paths()]


def content_type(path: Path) -> str:
    return CONTENT_TYPES[path.suffix]
