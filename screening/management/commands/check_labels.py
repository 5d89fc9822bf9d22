"""`manage.py check_labels`: is every product's label still the version its rules were
checked against? Asks DailyMed (or reads saved answers with --file) and records each change
for the leads; see screening/labels/watch.py."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from screening.labels.watch import check_labels_live, check_labels_saved
from screening.management.files import read_text_argument


class Command(BaseCommand):
    help = (
        "Compare every product's label with DailyMed's current version (live, or --file with "
        "saved history.json / spls.json answers, repeatable) and record each changed label "
        "for the leads (dashboard and one email). Rules never change by themselves. Exit "
        "status 2 if a product could not be checked or a file could not be read."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            action="append",
            metavar="PATH",
            help="a saved DailyMed answer (/spls/{SETID}/history.json or /spls.json); repeatable",
        )

    def handle(self, *args, file=None, **options):
        if file:
            report = check_labels_saved([(path, read_text_argument(path)) for path in file])
        else:
            self.stdout.write(f"Asking {settings.DAILYMED_BASE_URL} ...")
            report = check_labels_live()
        for line in report.lines():
            self.stdout.write(line)
        if report.failed or report.problems:
            raise CommandError(
                "some labels could not be checked (nothing was changed for them); see above",
                returncode=2,
            )
