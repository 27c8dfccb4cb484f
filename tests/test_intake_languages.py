"""Automatic messages in the caller's language (issue 19 part 3): the SMS first reply and the
STOP/START confirmations through signed webhooks, the phone menu's voices, the after-hours
notice, and a hotline's own words."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from lantern.contacts.models import Contact
from lantern.core import languages
from lantern.intake import messages
from lantern.intake.texts import TEXTS
from tests import test_intake_voice as voice_calls
from tests.test_intake_sms import replies, sms, twilio  # noqa: F401 (the fixture)
from tests.test_intake_voice import post, twiml

SPANISH = "Necesito ayuda, mi jefe tiene mi pasaporte y no me deja salir"
VIETNAMESE = "Tôi cần giúp đỡ, chủ của tôi giữ hộ chiếu của tôi và không cho tôi đi"


@pytest.mark.parametrize(
    ("language", "first_words", "reply_words", "stopped_words", "started_words"),
    [
        ("es", SPANISH, "confidenciales", "No recibirá más mensajes", "activos de nuevo"),
        ("vi", VIETNAMESE, "được bảo mật", "không nhận thêm tin nhắn", "đã được bật lại"),
    ],
)
def test_first_reply_stop_and_start_in_the_persons_language(
    twilio, db, language, first_words, reply_words, stopped_words, started_words  # noqa: F811
):
    sender = "+15555550177"
    [first] = replies(sms(first_words, "SMl1", sender=sender))
    assert reply_words in first and "911" in first and "STOP" in first
    assert Contact.objects.get().language_hint == language
    [stopped] = replies(sms("STOP", "SMl2", sender=sender))
    assert stopped_words in stopped and "START" in stopped
    [started] = replies(sms("start", "SMl3", sender=sender))
    assert started_words in started and "911" in started
    # a retried webhook gets the same words, and nothing is sent twice
    assert replies(sms("STOP", "SMl2", sender=sender)) == [stopped]


def test_english_when_the_text_says_nothing_of_its_language(twilio, db):  # noqa: F811
    [first] = replies(sms("ok", "SMe1"))
    assert first.startswith("You have reached the hotline")


def test_every_automatic_text_is_translated_in_every_language():
    for lang in languages.all_languages()[1:]:
        for channel, texts in TEXTS.items():
            for name, english in texts.items():
                with translation.override(lang.code):
                    said = messages.text(channel, name, lang.code)
                assert said and said != str(english), f"{channel}.{name} in {lang.code}"
                if "%(" not in str(english):
                    assert ("911" in said) == ("911" in str(english)), f"{name} {lang.code}"


def test_a_language_is_found_from_a_regional_tag_or_a_hint():
    assert messages.text("sms", "stopped", "es-MX") == messages.text("sms", "stopped", "es")
    assert messages.text("sms", "stopped", "zh") == messages.text("sms", "stopped", "zh-hans")
    assert messages.text("sms", "stopped", "xx") == str(TEXTS["sms"]["stopped"])
    assert messages.text("email", "after_hours", "fr").startswith("Merci de nous avoir écrit")


def test_the_hotlines_own_words_come_first(tmp_path, settings):
    own = tmp_path / "messages.yaml"
    own.write_text(
        "texts:\n  sms:\n    stopped:\n      en: Example hotline stopped.\n"
        "      vi: Example đã dừng.\n  voice:\n    goodbye:\n      ko: Example 안녕히.\n"
        "voice: {max_voicemail_seconds: 60}\n",
        encoding="utf-8",
    )
    settings.LANTERN_INTAKE_MESSAGES_FILE = str(own)
    assert messages.text("sms", "stopped", "en") == "Example hotline stopped."
    assert messages.text("sms", "stopped", "vi") == "Example đã dừng."
    # the English was changed: the catalogue's translation of the old words is not used
    assert messages.text("sms", "stopped", "es") == "Example hotline stopped."
    assert messages.text("voice", "goodbye", "ko") == "Example 안녕히."
    assert messages.text("voice", "goodbye", "fr") == "Merci. Au revoir."  # unchanged: catalogue
    bad = tmp_path / "bad.yaml"
    bad.write_text("texts:\n  sms:\n    nonsense: {en: x}\n", encoding="utf-8")
    settings.LANTERN_INTAKE_MESSAGES_FILE = str(bad)
    with pytest.raises(ImproperlyConfigured, match="not a known text"):
        messages.text("sms", "stopped", "en")


def test_the_phone_menu_speaks_each_language_with_its_voice(db, settings):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = voice_calls.ACCOUNT, voice_calls.TOKEN
    settings.PUBLIC_URL = voice_calls.PUBLIC
    root = twiml(post(""))
    says = root.findall("Gather/Say")
    assert says[0].get("language") == "en-US" and "For English, press 1" in says[0].text
    assert says[1].get("language") == "es-US" and "Para Español, oprima 2" in says[1].text
    assert "interpreter" in says[-1].text


@pytest.mark.parametrize(
    ("code", "say_language", "voice"),
    [("vi", "vi-VN", "Google.vi-VN-Standard-A"), ("ar", "ar-XA", "Google.ar-XA-Standard-A"),
     ("ht", "en-US", None)],
)  # fmt: skip
def test_prompts_in_the_callers_language_where_twilio_has_a_voice(code, say_language, voice):
    from twilio.twiml.voice_response import VoiceResponse

    from lantern.intake import voice as intake_voice

    response = VoiceResponse()
    intake_voice._say(response, "goodbye", code)
    xml = str(response)
    assert f'language="{say_language}"' in xml
    assert (f'voice="{voice}"' in xml) if voice else "voice=" not in xml
    if code == "ht":
        assert "Thank you. Goodbye." in xml  # no Haitian Creole voice: the English prompt
    else:
        assert "Thank you. Goodbye." not in xml


def test_the_language_model_loads_once_however_many_texts_arrive_together(monkeypatch):
    """After a start, the first texts arrive together on several threads: one loads the model
    (about a second of CPU) and the others wait for it, instead of each loading its own."""
    import threading
    import time

    from py3langid.langid import LanguageIdentifier

    from lantern.core import language

    loads = []
    real = LanguageIdentifier.from_model_file.__func__

    def counted(cls, *args, **kwargs):
        loads.append(1)
        time.sleep(0.2)  # a slow load, so the threads overlap it
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(language, "_loaded", [])
    monkeypatch.setattr(LanguageIdentifier, "from_model_file", classmethod(counted))
    barrier = threading.Barrier(8)
    hints = []

    def text():
        barrier.wait()
        hints.append(language.hint("hola necesito ayuda por favor, no puedo salir de la casa"))

    threads = [threading.Thread(target=text) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [1] and hints == ["es"] * 8
