from django.core.management.base import BaseCommand

from lantern.accounts.models import User
from lantern.demo import seeding


class Command(BaseCommand):
    help = (
        "Fill the database with obviously synthetic demo data: a user for every role (passwords "
        "printed once, here) and a year of contacts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any user exists."
        )
        parser.add_argument("--contacts", type=int, default=400)
        parser.add_argument(
            "--directory",
            type=int,
            default=3200,
            help="Synthetic directory organizations to add (default 3200; 0: none).",
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="Random seed, for repeatable data."
        )

    def handle(self, *args, if_empty, contacts, directory, seed: int | None, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users: demo data not added.")
            return
        report = seeding.seed_all(
            contacts=contacts, directory=directory, random_seed=seed, progress=self.stdout.write
        )
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING("Demo sign-ins (shown once; not stored anywhere in clear):")
        )
        for username, role, password in report["users"]:
            self.stdout.write(f"  {username:<12} {role:<18} {password}")
        self.stdout.write("")
