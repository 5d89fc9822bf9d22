"""manage.py create_api_key ORG_NAME --scopes screen,cases:submit,cases:read

Creates the organisation if it does not exist (allowing exactly these scopes) and prints a new
key once, alone on standard output so a script can capture it; everything else goes to
standard error. An existing organisation must already allow the scopes (a lead changes that in
the admin).
"""

from django.core.management.base import BaseCommand, CommandError

from screening.core.api_keys import SCOPES, ApiKeyError, create_organisation_key


class Command(BaseCommand):
    help = "Create an API key for a referring organisation (made if needed); prints it once."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="The organisation's name.")
        parser.add_argument(
            "--scopes", required=True, help=f"Comma-separated, from: {', '.join(SCOPES)}."
        )
        parser.add_argument("--name", default="", help="What the key is for (optional).")

    def handle(self, *args, **options):
        try:
            organisation, made, created = create_organisation_key(
                options["organisation"], options["scopes"], name=options["name"]
            )
        except ApiKeyError as problem:
            raise CommandError(str(problem)) from None
        if created:
            self.stderr.write(
                f"Created organisation {organisation.name!r} "
                f"(allowed scopes: {', '.join(organisation.allowed_scopes)})."
            )
        self.stderr.write(
            f"New API key {made.key.prefix}… for {organisation.name} "
            f"(scopes: {', '.join(made.key.scopes)}). It is shown once: store it now."
        )
        self.stdout.write(made.secret)
