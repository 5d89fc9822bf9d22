from django.core.management.base import BaseCommand

from screening.management.demo import seed_demo_data


class Command(BaseCommand):
    help = "Create demo coordinator and lead logins (passwords printed once) and demo cases."

    def handle(self, *args, **options):
        result = seed_demo_data()
        for role, username, password in (
            ("coordinator", result.username, result.password),
            ("lead", result.lead_username, result.lead_password),
        ):
            if password:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Created demo {role}: username={username} password={password}\n"
                        "This password is shown only once. Reset it with "
                        f"`python manage.py changepassword {username}`.\n"
                        "The first sign-in sets up an authenticator app (scan the QR code "
                        "shown) and gives ten single-use recovery codes."
                    )
                )
            else:
                self.stdout.write(f"Demo {role} '{username}' already exists; password unchanged.")
        self.stdout.write(f"Synthetic demo cases created: {result.cases_created}")
