"""The access layer (issue 25 part 1): sign-in is the middleware's job, public areas are marked
where they are mounted, and console views share ``console/access.py`` instead of each other's
private helpers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import lantern

SRC = Path(lantern.__file__).parent


@pytest.mark.parametrize(
    "path", ["/console/", "/console/contacts/", "/console/cases/", "/console/stats/"]
)
def test_anonymous_staff_pages_go_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/console/login/?next=")


@pytest.mark.parametrize(
    "path,status",
    [("/tip/", 200), ("/chat/", 200), ("/statistics/", 200), ("/healthz", 200),
     ("/console/login/", 200), ("/api/v1/contacts", 401), ("/api/v1/openapi.json", 200)],
)  # fmt: skip
def test_public_areas_need_no_session(client, db, path, status):
    assert client.get(path).status_code == status


def test_the_admin_keeps_its_own_sign_in(client, db):
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_no_console_view_uses_login_required_or_another_views_private_helpers():
    for module in (SRC / "console").glob("*.py"):
        tree = ast.parse(module.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [a.name for a in node.names]
                assert "login_required" not in names, module.name
                if node.module.startswith("lantern.console."):
                    private = [n for n in names if n.startswith("_")]
                    assert not private, (module.name, node.module, private)
