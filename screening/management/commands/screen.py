"""`manage.py screen PATH|-`: screen one case or a list of cases from a JSON file or stdin."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from screening.rules.batch import CaseDocumentError, write_document

INVALID_INPUT = 2


class Command(BaseCommand):
    # Screening reads no settings, database or broker: keep its output free of their warnings.
    requires_system_checks = []
    help = (
        "Screen cases (one case object or a JSON list, in the shape of example-cases.json) "
        "against every product and print the results. Exit status 2 if any case is invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a JSON file, or - to read standard input")
        parser.add_argument("--format", choices=("json", "table"), default="json")
        parser.add_argument(
            "--indent",
            type=int,
            default=None,
            metavar="N",
            help="indent the JSON by N spaces for people to read (default: compact, one line)",
        )

    def handle(self, *args, path, format, indent, **options):
        if indent is not None and indent < 0:
            raise CommandError("--indent must be 0 or more", returncode=INVALID_INPUT)
        document = self._read(path)
        try:
            invalid, count = write_document(
                document, self._write, table=format == "table", indent=indent
            )
        except CaseDocumentError as error:
            raise CommandError(str(error), returncode=INVALID_INPUT) from None
        if invalid:
            raise CommandError(
                f"{invalid} of {count} case(s) invalid; see their 'errors'.",
                returncode=INVALID_INPUT,
            )

    def _write(self, text):
        # The output comes in pieces (one per case); only the last one ends the line.
        self.stdout.write(text, ending="")

    def _read(self, path):
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as error:
            raise CommandError(
                f"cannot read {path}: {error.strerror}", returncode=INVALID_INPUT
            ) from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text", returncode=INVALID_INPUT) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path} is not valid JSON: {error.msg} "
                f"at line {error.lineno}, column {error.colno}",
                returncode=INVALID_INPUT,
            ) from None
