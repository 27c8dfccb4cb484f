"""Shared fixtures: named personas created through the actions, API clients, contact factory."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from lantern.accounts.actions import do_create_user, do_issue_token
from lantern.contacts.actions import do_create_contact

PASSWORD = "correct horse battery staple 42"
_seq = itertools.count(1)

PERSONAS = {
    "advocate": "advocate",
    "advocate2": "advocate",
    "analyst": "case_analyst",
    "supervisor": "supervisor",
    "directory": "directory_manager",
    "admin": "admin",
}


@pytest.fixture(scope="session", autouse=True)
def _keys(django_db_setup, django_db_blocker):
    """The test database's keys, checked and registered as `lantern serve` does at start-up, so
    a test that encrypts without a database finds them."""
    from lantern.privacy import keys

    with django_db_blocker.unblock():
        keys.prepare()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_routing_configuration():
    """Routing keeps its configuration for two seconds; a rolled-back test must not leave its
    queues or calendars in that cache for the next one."""
    from lantern.routing import queries

    queries.forget_config()
    yield
    queries.forget_config()


@pytest.fixture
def personas(db):
    """Every role, by name: ``personas["advocate"]``."""
    return {
        name: do_create_user(name, role, PASSWORD, validate=False)
        for name, role in PERSONAS.items()
    }


@pytest.fixture
def login(personas):
    """``login("advocate")`` -> a test client signed in as that persona."""

    def _login(name: str) -> Client:
        client = Client()
        assert client.login(username=name, password=PASSWORD)
        return client

    return _login


class ApiClient:
    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method, path, body=None, **params):
        fn = getattr(self.client, method)
        kwargs = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        elif params:
            kwargs["data"] = params
        return fn(f"/api/v1{path}", **kwargs)

    def get(self, path, **params):
        return self._call("get", path, **params)

    def post(self, path, body):
        return self._call("post", path, body)

    def patch(self, path, body):
        return self._call("patch", path, body)


@pytest.fixture
def api(personas):
    """``api("supervisor").get("/contacts")``; ``api(None)`` sends no token."""

    def _api(name: str | None) -> ApiClient:
        return ApiClient(do_issue_token(personas[name]) if name else None)

    return _api


def contact_data(**overrides) -> dict:
    n = next(_seq)
    data = {
        "channel": "phone",
        "call_types": ["tip"],
        "language": "en",
        "caller_type": "community_member",
        "location": {
            "state": "TX",
            "city": "Houston",
            "county": "Harris County",
            "postal_code": "77002",
        },
        "caller": {
            "name": f"Test Caller {n}",
            "phone": f"+1 713 555 01{n % 100:02d}",
            "email": f"caller{n}@example.org",
        },
        "summary": f"Synthetic test summary number {n}: workers housed above the restaurant.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_contact(personas):
    """``make_contact("advocate", **fields)``: a contact recorded by that persona."""

    def _make(by: str = "advocate", **overrides):
        return do_create_contact(contact_data(**overrides), actor=personas[by])

    return _make


@pytest.fixture
def live_db(transactional_db):
    """A database other threads can write to (an SMTP receiver, say), emptied after the test.

    The audit log refuses DELETE, so Django's flush would fail: the append-only triggers are
    dropped for the clean-up, the events deleted, and the triggers put back, all here.
    """
    import importlib

    from django.db import connection

    yield
    triggers = importlib.import_module("lantern.audit.migrations.0002_append_only_triggers")
    down, up = {
        "sqlite": (triggers.SQLITE_DOWN, triggers.SQLITE_UP),
        "postgresql": (triggers.POSTGRES_DOWN, triggers.POSTGRES_UP),
    }[connection.vendor]
    with connection.cursor() as cursor:
        for sql in down:
            cursor.execute(sql)
        cursor.execute("DELETE FROM audit_auditevent")
        for sql in up:
            cursor.execute(sql)
