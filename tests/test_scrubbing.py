"""Scrubbed exports of conversations (issue 22 part 6): names, numbers, emails, addresses, ages,
dates, ID numbers and places become typed placeholders, the same value the same placeholder
within a conversation; recall on the shipped labelled sets meets the targets; the export command
writes only closed conversations, only scrubbed, and audits counts, never content."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.audit.models import AuditEvent
from lantern.contacts import actions as contacts
from lantern.privacy.scrubbing import Scrubber, evaluation, find, scrub_conversation


def test_a_conversation_is_scrubbed_with_consistent_numbered_placeholders():
    out = scrub_conversation(
        [
            "hi my name is Dana Okafor, call me at (713) 555-0142",
            "my email is dana.okafor@example.org and i live at 4410 Bellaire Blvd Apt 12",
            "Dana again, use 713.555.0142 not the other one. my friend Kim is 16",
            "i was born 3/14/2009, my passport number is X8812345",
        ],
        "en",
    )
    assert out[0] == "hi my name is [PERSON_1], call me at [PHONE_1]"
    assert "[EMAIL_1]" in out[1] and "[ADDRESS_1]" in out[1] and "Bellaire" not in out[1]
    assert out[2].startswith("[PERSON_1] again, use [PHONE_1]")  # the same person, the same phone
    assert "[PERSON_2]" in out[2] and "[AGE_1]" in out[2] and "16" not in out[2]
    assert "[DATE_1]" in out[3] and "[ID_1]" in out[3] and "X8812345" not in out[3]


def test_spanish_and_numbering_starts_again_per_conversation():
    first = scrub_conversation(["me llamo Yesenia y tengo quince años, estoy en Tapachula"], "es")
    second = scrub_conversation(["se llama Wilmer, su número es +504 9555 0123"], "es")
    assert first == ["me llamo [PERSON_1] y tengo [AGE_1] años, estoy en [PLACE_1]"]
    assert second == ["se llama [PERSON_1], su número es [PHONE_1]"]


def test_text_without_personal_data_is_left_alone():
    texts = ["we work 14 hours a day and they dont pay us", "es confidencial?", "ok thank you"]
    assert scrub_conversation(texts, "en") == texts


def test_another_language_is_scrubbed_with_every_cue():
    [out] = scrub_conversation(["Bonjour, je m'appelle Amina, mon numéro: +1 202 555 0188"], "fr")
    assert "555" not in out and "[PHONE_1]" in out


_PHONE = st.builds(
    lambda a, b, fmt: fmt.format(a=a, b=b),
    st.sampled_from(["202", "713", "832", "915"]),
    st.integers(100, 199),
    st.sampled_from(["({a}) 555-0{b}", "{a}-555-0{b}", "{a}.555.0{b}", "+1 {a} 555 0{b}",
                     "{a}5550{b}"]),
)  # fmt: skip
_EMAIL = st.from_regex(r"[a-z]{1,10}(\.[a-z]{1,8})?@example\.(org|com|net)", fullmatch=True)
_NOISE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_NOISE, _PHONE, _NOISE, _EMAIL, _NOISE, st.sampled_from(["en", "es", "vi", ""]))
def test_phones_and_emails_never_survive_whatever_surrounds_them(a, phone, b, email, c, language):
    text = f"{a} {phone} {b} {email} {c}"
    out = Scrubber().scrub(text, language)
    assert phone not in out and email not in out
    assert re.sub(r"\D", "", phone)[-7:] not in re.sub(r"\D", "", out.replace(a, "").replace(
        b, "").replace(c, ""))  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["en", "es", "zh-Hans", "xx"]))
def test_any_text_is_scrubbed_without_error(text, language):
    found = find(text, language)
    assert all(0 <= f.start < f.end <= len(text) for f in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
    Scrubber().scrub(text, language)


def test_recall_on_the_shipped_sets_meets_the_targets(capsys):
    call_command("scrub_eval", "--check", "--misses", "0")
    out = capsys.readouterr().out
    assert len(re.findall(r"PHONE\s+\d+\s+\d+\s+[01]\.\d{3}\s+0\.95 met", out)) == len(
        evaluation.SHIPPED_SETS
    )
    assert re.search(r"PERSON\s+\d+\s+\d+\s+[01]\.\d{3}\s+0\.85 met", out)
    items = sum(len(evaluation.load(p)) for p in evaluation.SHIPPED_SETS)
    assert items >= 200


def test_the_recall_command_fails_when_a_target_is_not_met(tmp_path):
    labelled = tmp_path / "set.jsonl"
    text = "my passport is in a drawer, they call it the blue book"  # nothing findable
    labelled.write_text(json.dumps({
        "id": "t1", "language": "en", "messages": [{"from": "caller", "text": text}],
        "spans": [{"message": 0, "start": 45, "end": 54, "type": "ID", "text": "blue book"}],
    }) + "\n")  # fmt: skip
    with pytest.raises(CommandError, match="targets not met: ID"):
        call_command("scrub_eval", str(labelled), "--check")


@pytest.mark.parametrize(
    "line, message",
    [("not json", "line 1"),
     ('{"id": "x", "messages": [{"text": "abc"}], "spans": [{"message": 0, "start": 0, '
      '"end": 2, "type": "ID", "text": "zz"}]}', "is not at 0")],
)  # fmt: skip
def test_a_broken_labelled_set_is_refused_with_its_line(tmp_path, line, message):
    labelled = tmp_path / "broken.jsonl"
    labelled.write_text(line + "\n")
    with pytest.raises(CommandError, match=message):
        call_command("scrub_eval", str(labelled))


def _texted(body, *, phone="+12025550177", close=True, provider="SM" + "1" * 32):
    message, _created = contacts.do_receive_message(
        channel="sms", hotline_address="+15555550100", participant=phone, body=body,
        provider_id=provider,
    )  # fmt: skip
    if close:
        contacts.do_close_conversation(message.conversation)
    return message.conversation


@pytest.mark.django_db
def test_the_export_writes_closed_conversations_scrubbed_and_audits_counts(tmp_path):
    _texted("hola soy Marleny Cruz, mi número es 202 555 0177 y vivo en calle Juárez 45")
    _texted("Still here? This is Jin, my A number is A-123-456-789", phone="+12025550178",
            close=False, provider="SM" + "2" * 32)  # fmt: skip
    out = tmp_path / "transcripts.jsonl"
    call_command("export_conversations", "--scrub", "--out", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1  # the open conversation is not exported
    transcript = json.loads(lines[0])
    assert transcript["conversation"] == "c1" and transcript["channel"] == "sms"
    text = transcript["messages"][0]["text"]
    assert transcript["messages"][0]["from"] == "caller"
    assert "[PERSON_1]" in text and "[PHONE_1]" in text and "[ADDRESS_1]" in text
    raw = out.read_text(encoding="utf-8")
    assert not re.search(r"Marleny|Cruz|0177|Juárez|Jin|456", raw)
    event = AuditEvent.objects.get(action="export", object_type="contacts.conversation")
    assert event.changes["conversations"] == 1 and event.changes["scrubbed"] is True
    assert "Marleny" not in json.dumps(event.changes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "argv, message",
    [([], "only scrubbed"),
     (["--scrub", "--since", "2026-02-30"], "--since: a date"),
     (["--scrub", "--since", "2026-03-02", "--until", "2026-03-01"], "--until: on or after"),
     (["--scrub", "--channel", "fax"], "--channel: one of"),
     (["--scrub", "--until", "9999-12-31"], "--until: a date from 1900-01-01 to 2999-12-31")],
)  # fmt: skip
def test_the_export_refuses_bad_arguments_and_writes_nothing(tmp_path, argv, message):
    out = tmp_path / "x.jsonl"
    with pytest.raises(CommandError, match=message):
        call_command("export_conversations", *argv, "--out", str(out))
    assert not out.exists()
    assert not AuditEvent.objects.filter(object_type="contacts.conversation").exists()


@pytest.mark.django_db
def test_a_supervisor_downloads_scrubbed_transcripts_from_the_console(login):
    _texted("my name is Tuan Nguyen and my number is (832) 555-0190")
    supervisor = login("supervisor")
    assert "Scrubbed transcripts for research" in supervisor.get("/console/").content.decode()
    answer = supervisor.post("/console/transcripts/", {"since": "", "until": "", "channel": "sms"})
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    assert "attachment" in answer["Content-Disposition"]
    [line] = answer.content.decode().splitlines()
    assert json.loads(line)["messages"][0]["text"] == (
        "my name is [PERSON_1] and my number is [PHONE_1]"
    )
    event = AuditEvent.objects.get(action="export", object_type="contacts.conversation")
    assert str(event.actor_id) == supervisor.session["_auth_user_id"]
    assert event.changes["messages"] == 1 and event.changes["channel"] == "sms"


@pytest.mark.django_db
def test_console_dates_the_wrong_way_round_say_why(login):
    answer = login("supervisor").post(
        "/console/transcripts/", {"since": "2026-03-02", "until": "2026-03-01", "channel": ""}
    )
    assert answer.status_code == 200 and "on or after the start date" in answer.content.decode()
    far = login("supervisor").post("/console/transcripts/", {"until": "9999-12-31", "channel": ""})
    assert far.status_code == 200 and "a date from 1900-01-01" in far.content.decode()
    assert not AuditEvent.objects.filter(object_type="contacts.conversation").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["advocate", "analyst", "directory"])
def test_only_supervisors_export_transcripts(login, persona):
    _texted("my name is Tuan Nguyen")
    client = login(persona)
    assert client.post("/console/transcripts/", {"channel": ""}).status_code == 403
    assert "Scrubbed transcripts" not in client.get("/console/").content.decode()
