"""`manage.py match_trials FILE|-`: match cases against the imported trial catalogue."""

import json

from django.core.management.base import CommandError

from screening.management.commands.screen import INVALID_INPUT
from screening.management.commands.screen import Command as ScreenCommand
from screening.trials.matching import load_catalogue, match_case_document


class Command(ScreenCommand):
    requires_system_checks = []
    help = (
        "Match cases (the input of `screen`: one case or a JSON list of {id, patient}, with "
        "optional country and travel_countries) against every imported trial and print "
        "[{id, trials: [{nct_id, verdict, criteria}]}]. Exit status 2 if any case is invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a JSON file, or - to read standard input")

    def handle(self, *args, path, **options):
        document = self._read(path)
        cases = document if isinstance(document, list) else [document]
        loaded = load_catalogue()
        outputs = [match_case_document(case, loaded) for case in cases]
        self.stdout.write(json.dumps(outputs, indent=2))
        invalid = sum(1 for output in outputs if "errors" in output)
        if invalid:
            raise CommandError(
                f"{invalid} of {len(outputs)} case(s) invalid; see their 'errors'.",
                returncode=INVALID_INPUT,
            )
