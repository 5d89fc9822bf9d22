"""`manage.py rescreen`: re-screen open cases under the current ruleset (and derive again those
derived under an older derivation), in bulk.

By default it starts the bulk re-screen job (or joins the one running) for open cases not yet
screened under the current ruleset or derivation, and works through its batches in this
process, printing progress; workers may take batches of the same job at the same time. Beat
also starts it hourly. `--enqueue` leaves the job to the Celery workers. `--all` re-screens
every open case (one whose answers and ruleset are unchanged stores nothing new). `--case`
re-screens one case.
"""

from django.core.management.base import BaseCommand, CommandError

from screening.intake.rederive import rederive_and_rescreen, run_rescreen_here, start_rescreen
from screening.models import Case, RescreenJob
from screening.pipeline.rescreen import describe_changes
from screening.rules.profile import InvalidProfile


def describe_job(job: RescreenJob) -> str:
    return (
        f"{job.done:,} of {job.total:,} case(s) done, {job.changed:,} with a changed verdict, "
        f"{job.newly_likely:,} newly likely, {job.raised:,} raised in priority"
        + (f", {job.invalid:,} could not be screened" if job.invalid else "")
        + (f", {job.skipped:,} closed meanwhile" if job.skipped else "")
    )


class Command(BaseCommand):
    help = (
        "Re-screen open cases under the current ruleset (deriving again those derived under "
        "an older derivation) in bulk, and record what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="every open case, not only outdated ones"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="leave the job to the Celery workers"
        )
        parser.add_argument("--case", metavar="REFERENCE", help="only this case")

    def handle(self, *args, **options):
        if options["case"]:
            self._one_case(options["case"])
            return
        job = start_rescreen(reason="manage.py rescreen", all_cases=options["all"])
        if job is None:
            self.stdout.write("Nothing to re-screen: every open case is up to date.")
            return
        self.stdout.write(
            f"Re-screen job {job.pk} (ruleset {job.ruleset_version}, derivation "
            f"{job.derivation_version}): {job.total:,} case(s)."
        )
        if options["enqueue"]:
            self.stdout.write("Left to the workers; leads follow it on the dashboard.")
            return
        run_rescreen_here(job.pk, progress=lambda now: self.stdout.write(describe_job(now)))
        job.refresh_from_db()
        self.stdout.write(f"Job {job.pk} {job.get_state_display().lower()}: {describe_job(job)}.")

    def _one_case(self, reference: str) -> None:
        case = Case.objects.filter(reference=reference.strip().upper()).first()
        if case is None:
            raise CommandError(f"No case with reference {reference!r}.")
        try:
            result = rederive_and_rescreen(case)
        except InvalidProfile as exc:
            raise CommandError(f"{case.reference} cannot be screened: {exc}") from exc
        if not result.rescreened:
            self.stdout.write(f"{case.reference}: nothing new to screen.")
        else:
            self.stdout.write(f"{case.reference}: {describe_changes(result.changes)}")
