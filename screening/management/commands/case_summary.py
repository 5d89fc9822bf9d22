"""`manage.py case_summary REF --pdf FILE [--audience patient|physician] [--language xx]`:
write the summary PDF a staff member would send for that case (README "Case summaries")."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from screening.models import SummaryAudience
from screening.summaries.compose import SummaryRefused, build_summary_pdf


class Command(BaseCommand):
    help = "Write a case's summary as a PDF: the same PDF a staff member would send."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the case reference, e.g. NAV-7K3M-Q9XD")
        parser.add_argument("--pdf", required=True, metavar="FILE", help="where to write it")
        parser.add_argument(
            "--audience",
            choices=SummaryAudience.values,
            default=SummaryAudience.PHYSICIAN,
            help="clinical wording for a physician (default) or plain wording for the patient",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="",
            help="for the patient's wording (default: the case's language); clinical is English",
        )

    def handle(self, *args, reference, pdf, audience, language, **options):
        try:
            content = build_summary_pdf(reference, audience=audience, language=language)
        except SummaryRefused as exc:
            raise CommandError(str(exc)) from None
        path = Path(pdf)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc.strerror}") from None
        self.stdout.write(f"{path}: {len(content):,} bytes")
