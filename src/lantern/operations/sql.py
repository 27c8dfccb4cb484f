"""The operations app's raw SQL, in one place: health checks and database maintenance. Only
constants here (table names from the models are quoted by the caller)."""

REACHABLE = "SELECT 1"
# a real write that changes nothing (and is rolled back): the database takes writes
HARMLESS_WRITE = "UPDATE django_migrations SET app = app WHERE id = -1"
POSTGRESQL_READ_ONLY = "SHOW transaction_read_only"
# copy_database: the target's rows that its migrations made are replaced by the source's
TRUNCATE_TABLES = "TRUNCATE {tables} RESTART IDENTITY CASCADE"
