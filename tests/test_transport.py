"""Transport security with an https public URL: HSTS, http -> https, a strict CSP everywhere,
and ``lantern check --deploy`` with nothing to report (issue 16, item 7)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "lantern"
LANTERN = str(Path(sys.executable).with_name("lantern"))


def _https_env(tmp_path) -> dict:
    env = {
        **os.environ,
        "LANTERN_DATA_DIR": str(tmp_path),
        "LANTERN_PUBLIC_URL": "https://hotline.example.org",
        "LANTERN_ALLOWED_HOSTS": "hotline.example.org",
    }
    env.pop("LANTERN_DEBUG", None)
    return env


def test_check_deploy_reports_nothing_with_an_https_public_url(tmp_path):
    result = subprocess.run(
        [LANTERN, "check", "--deploy", "--fail-level", "DEBUG"],
        env=_https_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout, result.stdout + result.stderr


def test_https_deployment_redirects_sends_hsts_and_csp(tmp_path):
    # Settings are read once at start-up, so the https deployment runs in its own process.
    script = textwrap.dedent(
        """
        import django
        django.setup()
        from django.test import Client
        c = Client(HTTP_HOST="hotline.example.org")
        plain = c.get("/console/login/")
        print("plain", plain.status_code, plain.headers.get("Location"))
        secure = c.get("/console/login/", secure=True)
        print("secure", secure.status_code)
        print("hsts", secure.headers.get("Strict-Transport-Security"))
        print("csp", secure.headers.get("Content-Security-Policy"))
        print("cookie_secure", django.conf.settings.SESSION_COOKIE_SECURE)
        """
    )
    env = {**_https_env(tmp_path), "DJANGO_SETTINGS_MODULE": "lantern.settings"}
    env["LANTERN_ALLOWED_HOSTS"] = "hotline.example.org"
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.strip().splitlines())
    assert lines["plain"] == "301 https://hotline.example.org/console/login/"
    assert lines["secure"] == "200"
    assert lines["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "upgrade-insecure-requests" in lines["csp"]
    assert "wss://hotline.example.org" in lines["csp"]
    assert lines["cookie_secure"] == "True"


PAGES = [
    "/console/login/",
    "/console/",
    "/console/directory/",
    "/console/staffing/",
    "/tip/",
    "/chat/",
    "/statistics/",
    "/does-not-exist/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_strict_content_security_policy(login, path):
    response = login("supervisor").get(path)
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives.get("default-src") == "'self'"
    assert directives.get("script-src") == "'self'"
    assert directives.get("style-src") == "'self'"
    assert directives.get("object-src") == "'none'"
    assert directives.get("frame-ancestors") == "'none'"
    assert "unsafe" not in policy


# What a strict policy refuses, so no template of ours may contain it: an inline <script> (JSON
# data blocks are not scripts), a <style> element, a style="" attribute, an on...="" handler,
# a javascript: URL.
_INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I),
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle=", re.I),
    re.compile(r"\son[a-z]+=", re.I),
    re.compile(r"javascript:", re.I),
]
# written to a file for the public and opened offline (lantern publish_stats), never served
_STANDALONE = {"stats/templates/stats/report.html"}


def test_no_template_needs_an_inline_script_or_style():
    offenders = []
    for path in SRC.glob("*/templates/**/*.html"):
        relative = str(path.relative_to(SRC))
        if relative in _STANDALONE:
            continue
        text = path.read_text()
        offenders += [f"{relative}: {p.pattern}" for p in _INLINE if p.search(text)]
    assert not offenders
