from django.core.management.base import BaseCommand

from screening.services.demo import seed_demo_data


class Command(BaseCommand):
    help = "Create a demo coordinator login (password printed once) and synthetic demo cases."

    def handle(self, *args, **options):
        result = seed_demo_data()
        if result.password:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created demo coordinator: username={result.username} "
                    f"password={result.password}\n"
                    "This password is shown only once. Reset it with "
                    f"`python manage.py changepassword {result.username}`."
                )
            )
        else:
            self.stdout.write(
                f"Demo coordinator '{result.username}' already exists; password unchanged."
            )
        self.stdout.write(f"Synthetic demo cases created: {result.cases_created}")
