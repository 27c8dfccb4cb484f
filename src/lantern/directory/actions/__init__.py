"""Every change to the referral directory.

Each action checks ``manage_directory`` (an ``actor`` of None is the system itself: imports,
the demo seeder), validates its input into ``InvalidInput`` with one message per field, writes,
records an audit event with the object's id (the directory holds no personal data, but the
audit trail still says who changed what), and rebuilds the search rows of every service it
touched with ``indexing.reindex_services``, all in one transaction.

Input is API-shaped: plain dicts and lists of strings, so the console, the API and scripts
share one path. Nested collections of a service (types, languages, phones, hours, areas,
locations) are replaced wholesale by an update that names them, and left alone by one that
does not.

Actions live by topic (``organizations``, ``services``; nested rows in ``parts``, field checks
in ``validate``) and are re-exported here, so callers import ``lantern.directory.actions``.
"""

from lantern.directory.actions.organizations import (
    clean_organization,
    do_create_organization,
    do_update_organization,
)
from lantern.directory.actions.services import (
    clean_service,
    do_create_service,
    do_reactivate_service,
    do_retire_service,
    do_update_service,
    do_verify_service,
)

__all__ = [
    "clean_organization",
    "do_create_organization",
    "do_update_organization",
    "clean_service",
    "do_create_service",
    "do_update_service",
    "do_verify_service",
    "do_retire_service",
    "do_reactivate_service",
]
