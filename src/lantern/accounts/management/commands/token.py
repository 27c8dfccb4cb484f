from django.core.management.base import BaseCommand, CommandError

from lantern.accounts.actions import do_issue_token
from lantern.accounts.models import User


class Command(BaseCommand):
    help = "Print a new API token for a user. Only its hash is stored: keep the printed token."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {username!r}")
        self.stdout.write(do_issue_token(user, actor="cli"))
