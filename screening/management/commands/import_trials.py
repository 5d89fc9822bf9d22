"""`manage.py import_trials --file EXPORT.json` or `--query KEY=VALUE ...` / `--recruiting`."""

from django.core.management.base import BaseCommand, CommandError

from screening.management.files import read_text_argument
from screening.trials.catalogue import (
    import_export_text,
    import_from_registry,
    refresh_recruiting_trials,
)
from screening.trials.matching import request_rematch
from screening.trials.registry import QUERY_KEYS


class Command(BaseCommand):
    help = (
        "Import ClinicalTrials.gov studies (API v2) into the trial catalogue: from a saved "
        "export (--file), from a live query (--query query.cond=... --query "
        "filter.overallStatus=RECRUITING ...), or the weekly recruiting set (--recruiting). "
        "Reports created / updated / unchanged / skipped; open cases are re-matched after a "
        "change. Exit status 2 if the import stopped early or skipped a record."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--file", help="a saved v2 export (an API page or a list of studies)")
        source.add_argument(
            "--query",
            action="append",
            metavar="KEY=VALUE",
            help=f"a registry query parameter; repeatable. Keys: {', '.join(sorted(QUERY_KEYS))}",
        )
        source.add_argument(
            "--recruiting",
            action="store_true",
            help="the recruiting cell-therapy set for blood cancers, then every open study it "
            "no longer contains (what the weekly beat task runs)",
        )

    def handle(self, *args, file=None, query=None, recruiting=False, **options):
        if file:
            report = import_export_text(read_text_argument(file))
        elif recruiting:
            report = refresh_recruiting_trials()
        else:
            report = import_from_registry(self._query(query))
        if report.changed:
            request_rematch()
        for line in report.lines():
            self.stdout.write(line)
        if report.aborted or report.skipped:
            raise CommandError(
                "the import "
                + ("stopped early" if report.aborted else "skipped records")
                + "; see above",
                returncode=2,
            )

    def _query(self, pairs: list[str]) -> dict[str, str]:
        query = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep or key not in QUERY_KEYS or not value.strip():
                raise CommandError(
                    f"--query {pair!r}: expected KEY=VALUE with KEY one of "
                    f"{', '.join(sorted(QUERY_KEYS))}",
                    returncode=2,
                )
            query[key] = value.strip()
        return query
