"""The ``lantern`` command: Django's management commands with Lantern's settings.

``lantern migrate``, ``lantern createuser alice --role advocate``, ``lantern serve`` ...
``lantern help`` lists every command.

Every command first checks the keys (``privacy.keys.check``): when the database holds data
encrypted under a key that cannot be loaded, it stops with a message naming the key, before it
reads or writes anything. Commands that must work without the keys (migrations, diagnosis,
backup and restore) skip the check.
"""

import os
import sys

from lantern.datadir import private_umask

# Commands that run without the keys: they never read or write personal fields, or they exist
# to diagnose or repair a deployment whose keys are in trouble.
WITHOUT_KEYS = {
    "help", "version", "--help", "-h", "--version",
    "migrate", "makemigrations", "showmigrations", "sqlmigrate", "squashmigrations",
    "check", "collectstatic", "compilemessages", "makemessages", "dbshell",
    "doctor", "backup", "restore", "verify_audit",
    # serve checks after it has migrated (lantern.console.management.commands.serve)
    "serve",
}  # fmt: skip


def main() -> None:
    private_umask()  # everything under LANTERN_DATA_DIR is for this user only
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command not in WITHOUT_KEYS:
        check_keys_or_exit()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lantern", *sys.argv[1:]])


def check_keys_or_exit() -> None:
    """Stop the process with a clear message when the keys do not fit the database."""
    import django

    django.setup()
    from lantern.privacy.keys import KeysUnavailable, prepare

    try:
        prepare()
    except KeysUnavailable as exc:
        sys.stderr.write(f"lantern: cannot start: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
