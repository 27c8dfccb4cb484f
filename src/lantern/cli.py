"""The ``lantern`` command: Django's management commands with Lantern's settings.

``lantern migrate``, ``lantern createuser alice --role advocate``, ``lantern serve`` ...
``lantern help`` lists every command.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lantern", *sys.argv[1:]])


if __name__ == "__main__":
    main()
