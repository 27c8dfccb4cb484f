import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from lantern.accounts.actions import do_create_user
from lantern.accounts.choices import UserRoleChoices
from lantern.accounts.exceptions import AccountError


class Command(BaseCommand):
    help = "Create a staff user with a role. The password comes from --password-stdin or a prompt."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=UserRoleChoices.values)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input."
        )

    def handle(self, *args, username, role, email, password_stdin, **options):
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            if not sys.stdin.isatty():
                raise CommandError("no terminal to prompt on: use --password-stdin")
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("the passwords do not match")
        if not password:
            raise CommandError("the password is empty")
        try:
            do_create_user(username, role, password, email=email, actor="cli")
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"created {role} {username}"))
