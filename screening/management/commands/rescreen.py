"""`manage.py rescreen`: derive open cases again under the current derivation and re-screen
them under the current ruleset.

By default only cases derived by another version of the intake derivation (derived again
from their stored answers first) and cases whose latest screening used another ruleset (run
it after a deploy; beat also does this hourly). `--all` re-screens every open case (a case whose
answers and ruleset are unchanged stores nothing new). `--enqueue` hands the work to the
Celery workers instead of doing it here.
"""

from django.core.management.base import BaseCommand, CommandError

from screening.intake.rederive import (
    cases_to_rederive,
    rederive_and_rescreen,
    rederive_open_cases,
)
from screening.jobs import enqueue
from screening.models import Case
from screening.pipeline import runs as screening_service
from screening.pipeline.rescreen import (
    cases_to_rescreen,
    describe_changes,
    rescreen_open_cases,
)
from screening.rules.profile import InvalidProfile


class Command(BaseCommand):
    help = (
        "Derive open cases again under the current derivation, re-screen them under the "
        "current ruleset and record what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="every open case, not only outdated ones"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="queue one task per case for the workers"
        )
        parser.add_argument("--case", metavar="REFERENCE", help="only this case")

    def handle(self, *args, **options):
        if options["case"]:
            case = Case.objects.filter(reference=options["case"].strip().upper()).first()
            if case is None:
                raise CommandError(f"No case with reference {options['case']!r}.")
            try:
                result = rederive_and_rescreen(case)
            except InvalidProfile as exc:
                raise CommandError(f"{case.reference} cannot be screened: {exc}") from exc
            if not result.rescreened:
                self.stdout.write(f"{case.reference}: nothing new to screen.")
            else:
                self.stdout.write(f"{case.reference}: {describe_changes(result.changes)}")
            return
        if options["enqueue"]:
            ids = sorted(
                set(cases_to_rescreen(all_cases=options["all"]).values_list("pk", flat=True))
                | set(cases_to_rederive().values_list("pk", flat=True))
            )
            for case_id in ids:
                enqueue("screening.rescreen_case_task", case_id)
            self.stdout.write(f"Queued {len(ids)} case(s) for re-screening.")
            return
        derived = rederive_open_cases()
        if derived.checked:
            self.stdout.write(f"Derivation {derived.version}: {derived}.")
        report = rescreen_open_cases(all_cases=options["all"])
        self.stdout.write(f"Ruleset {screening_service.RULESET_VERSION}: {report}.")
