"""The console in English and Spanish (issue 19 part 4): each user's language in their profile,
else the browser's if the console has it; dates and numbers in that language's formats, times in
the hotline's time zone; the Spanish catalogue translates every console string."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings

from lantern.accounts import actions as account_actions
from lantern.accounts.exceptions import AccountError
from lantern.audit.models import AuditEvent

CONSOLE = Path(settings.BASE_DIR) / "console"
SPANISH = CONSOLE / "locale" / "es" / "LC_MESSAGES" / "django.po"


def _spanish(login, personas, name="advocate"):
    account_actions.do_set_user_language(personas[name], "es", actor=personas[name])
    return login(name)


def test_a_user_with_spanish_in_their_profile_gets_the_console_in_spanish(login, personas):
    page = _spanish(login, personas).get("/console/contacts/new/").content.decode()
    assert '<html lang="es">' in page
    assert "Cerrar sesión" in page and "Guardar contacto" in page and "Tipos de llamada" in page
    assert "Sign out" not in page and "Save contact" not in page
    english = login("supervisor").get("/console/").content.decode()
    assert '<html lang="en">' in english and "Sign out" in english


def test_without_a_choice_the_browser_decides_among_the_consoles_languages(login):
    client = login("advocate")
    page = client.get("/console/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()
    assert "Cerrar sesión" in page
    # Arabic is a language of the public pages, not of the console: English then
    page = client.get("/console/", HTTP_ACCEPT_LANGUAGE="ar,es;q=0.5").content.decode()
    assert "Cerrar sesión" in page  # the first language the console has
    page = client.get("/console/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="en">' in page and "Sign out" in page
    client.logout()
    login_page = client.get("/console/login/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Iniciar sesión en Lantern" in login_page


def test_the_profile_page_changes_the_language_and_the_change_is_audited(login, personas):
    client = login("advocate")
    page = client.get("/console/profile/").content.decode()
    assert "español" in page and "America/New_York" in page
    response = client.post("/console/profile/", {"language": "es"}, follow=True)
    assert "Su perfil está guardado." in response.content.decode()
    personas["advocate"].refresh_from_db()
    assert personas["advocate"].language == "es"
    assert AuditEvent.objects.filter(object_type="accounts.user", action="update").exists()
    refused = client.post("/console/profile/", {"language": "xx"})
    assert refused.status_code == 200 and "xx" in refused.content.decode()
    personas["advocate"].refresh_from_db()
    assert personas["advocate"].language == "es"
    with pytest.raises(AccountError):
        account_actions.do_set_user_language(personas["advocate"], "ar", actor=personas["advocate"])


def test_dates_follow_the_users_language_and_times_the_hotlines_zone(login, personas, make_contact):
    # 03:30 UTC on 1 March is 22:30 on 28 February in New York (the hotline's zone by default)
    contact = make_contact(received_at=datetime(2026, 3, 1, 3, 30, tzinfo=UTC).isoformat())
    path = f"/console/contacts/{contact.pk}/"
    english = login("supervisor").get(path).content.decode()
    assert "02/28/2026 10:30 p.m." in english
    spanish = _spanish(login, personas, "analyst").get(path).content.decode()
    assert "28/02/2026 22:30" in spanish


def _translations(entry: str) -> list[str]:
    """The msgstr texts of one .po entry (continuation lines joined)."""
    found, current = [], None
    for line in entry.splitlines():
        if line.startswith("msgstr"):
            current = [json.loads(line.split(" ", 1)[1])]
            found.append(current)
        elif line.startswith('"') and current is not None:
            current.append(json.loads(line))
        elif not line.startswith('"'):
            current = None
    return ["".join(parts) for parts in found]


def test_every_console_string_has_a_spanish_translation():
    entries = [e for e in SPANISH.read_text(encoding="utf-8").split("\n\n")[1:] if "msgid" in e]
    missing = [e for e in entries if not all(_translations(e)) or "#, fuzzy" in e]
    assert not missing, missing[:3]
    assert len(entries) > 500
