"""`manage.py extract_facts FILE [FILE ...]`: the facts the extractor reads from report files.

Prints JSON, a list of {"file", "facts": [{"field", "value", "quote", "page"}]} (the shape the
extractor is evaluated by from outside: keep it), or a table with --format table. A file that
has no readable text is listed with no facts and the reason on stderr; exit status 2 if a file
could not be opened at all.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from screening.documents.report_files import read_report_file

MISSING_FILE = 2


class Command(BaseCommand):
    # Reads no database or broker: keep its output free of their warnings.
    requires_system_checks = []
    help = (
        "Read report files (PDF, JPEG/PNG scans by OCR, or plain text) and print the facts the "
        "extractor proposes, each with its quote and page."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--format", choices=("json", "table"), default="json")

    def handle(self, *args, files, format, **options):
        readings, missing = [], 0
        for path in files:
            try:
                reading = read_report_file(path)
            except OSError as error:
                self.stderr.write(f"{path}: cannot read ({error.strerror})")
                missing += 1
                continue
            if not reading.facts and reading.detail:
                self.stderr.write(f"{reading.file}: no facts ({reading.detail})")
            readings.append(reading)
        if format == "table":
            self.stdout.write(_table(readings))
        else:
            self.stdout.write(json.dumps([r.to_dict() for r in readings], indent=2))
        if missing:
            raise CommandError(f"{missing} file(s) could not be read.", returncode=MISSING_FILE)


def _table(readings) -> str:
    rows = [("FILE", "FIELD", "VALUE", "PAGE", "QUOTE")]
    for reading in readings:
        if not reading.facts:
            rows.append((reading.file, "-", "-", "-", reading.detail or "no facts found"))
        for fact in reading.facts:
            value = json.dumps(fact.value)
            page = "-" if fact.page is None else str(fact.page)
            rows.append((reading.file, fact.field, value, page, fact.quote))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + "  "
        + row[4]
        for row in rows
    )
