"""``lantern triage`` and ``lantern triage_eval``, and triage's quality on the project's labelled
set (``routing/data/triage_eval``): the test fails, printing the figures, when a target drops."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.routing import triage, triage_eval

EVAL = triage_eval.DEFAULT_SET


def run_triage(data: bytes, *args) -> list[dict]:
    out = io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    saved, sys.stdin = sys.stdin, stdin
    saved_out, sys.stdout = sys.stdout, out
    try:
        call_command("triage", *args)
    finally:
        sys.stdin, sys.stdout = saved, saved_out
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_triage_reads_json_lines_and_answers_each_in_order():
    lines = [
        {"text": "He took my passport and says he will call immigration", "channel": "sms"},
        {"text": "tengo dieciséis años y me van a matar", "channel": "chat", "language": "es"},
        {"text": "Do you have training materials for nurses?", "channel": "email"},
        {"text": "por favor ayúdenme, el patrón me va a matar esta noche"},  # no language
    ]
    out = run_triage("".join(json.dumps(x) + "\n" for x in lines).encode())
    assert [o["urgency"] for o in out] == ["urgent", "crisis", "non_urgent", "crisis"]
    assert out[3]["language"] == "es"  # detected, as for a new contact
    assert out[1]["minor"] is True and out[1]["language"] == "es"
    assert out[2]["category"] == "tta" and out[2]["minor"] is None
    assert set(out[0]) == {"urgency", "minor", "language", "category", "reasons"}
    assert all(isinstance(r, str) for r in out[0]["reasons"])


def test_bad_lines_give_an_error_line_each_and_the_batch_carries_on():
    good = json.dumps({"text": "he is going to kill me", "channel": "sms"}).encode()
    data = b"\n".join(
        [
            good,
            b"{not json",
            json.dumps({"channel": "sms"}).encode(),  # no text
            b"x" * (triage_eval.MAX_LINE + 10),  # a huge line
            b"\xff\xfe\x00\x01binary",
            json.dumps({"text": "hi", "channel": "fax"}).encode(),
            json.dumps({"text": "hi", "language": "not a language!"}).encode(),
            json.dumps(["text"]).encode(),
            b"",
            good,
        ]
    )
    out = run_triage(data)
    assert len(out) == 10
    assert out[0]["urgency"] == out[-1]["urgency"] == "crisis"
    errors = [o.get("error", "") for o in out[1:-1]]
    assert all(errors), out
    assert "JSON" in errors[0] and "text" in errors[1] and "longer" in errors[2]
    assert "UTF-8" in errors[3] and "channel" in errors[4] and "language" in errors[5]
    assert [o["line"] for o in out[1:-1]] == list(range(2, 10))


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode))))
def test_any_bytes_give_one_answer_per_line_and_never_stop(lines):
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines)
    expected = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    out = list(triage_eval.triage_lines(io.BytesIO(data)))
    assert len(out) == expected
    assert all(("error" in o) != ("urgency" in o) for o in out)


def test_reasons_never_hold_the_persons_words():
    out = run_triage(
        json.dumps({"text": "Maria Example is 15, her boss took my passport", "channel": "sms"})
        .encode()
    )[0]
    reasons = " ".join(out["reasons"])
    assert "maria" not in reasons.lower() and "15" not in reasons


def test_triage_eval_prints_recall_precision_confusion_and_misses(tmp_path):
    path = tmp_path / "set.jsonl"
    rows = [
        {"text": "he has a gun and will kill me", "channel": "sms", "label": "crisis"},
        {"text": "what are your hours", "channel": "sms", "label": "non_urgent", "minor": False},
        {"text": "my sister is sixteen", "channel": "chat", "label": "crisis", "minor": True},
        {"text": "no label here", "channel": "sms"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out, err = io.StringIO(), io.StringIO()
    call_command("triage_eval", str(path), stdout=out, stderr=err)
    text = out.getvalue()
    assert "3 messages" in text
    assert "crisis" in text and "recall" in text and "precision" in text
    assert "confusion (rows: label, columns: triage)" in text
    assert "misses (1):" in text and "line 3 [en] crisis -> urgent" in text
    assert "set.jsonl:4: 'label' must be one of" in err.getvalue()
    with pytest.raises(CommandError, match="targets not met: crisis_recall 0.500"):
        call_command("triage_eval", str(path), "--check", stdout=io.StringIO(), stderr=err)
    figures = io.StringIO()
    call_command("triage_eval", str(path), "--json", stdout=figures, stderr=err)
    assert json.loads(figures.getvalue())["classes"]["crisis"]["recall"] == 0.5


def test_triage_eval_refuses_a_path_or_rules_file_it_cannot_read(tmp_path):
    with pytest.raises(CommandError, match="no .jsonl"):
        call_command("triage_eval", str(tmp_path), stdout=io.StringIO())
    bad = tmp_path / "rules.yaml"
    bad.write_text("rules: [{id: x}]")
    with pytest.raises(CommandError, match="give some phrases"):
        call_command("triage_eval", str(EVAL), "--rules", str(bad), stdout=io.StringIO())


def test_the_evaluation_set_is_large_varied_and_split():
    train, _ = triage_eval.load_labelled([EVAL / "train.jsonl"])
    held, _ = triage_eval.load_labelled([EVAL / "heldout.jsonl"])
    everything = train + held
    assert len(everything) >= 600 and len(held) >= 150
    assert not {i.signals.text for i in train} & {i.signals.text for i in held}
    languages = {i.signals.language for i in everything}
    assert languages == {"en", "es", "zh", "vi", "ko", "tl", "fr", "ht", "ar", "ru", "pt"}
    assert sum(i.signals.language in ("en", "es") for i in everything) >= len(everything) / 2
    assert {i.signals.channel for i in everything} == {"sms", "chat", "email", "webform", "phone"}
    for split in (train, held):
        assert {i.label for i in split} == set(triage_eval.CLASSES)
        assert any(i.minor is True for i in split)


# --- quality: the project's targets -----------------------------------------------------------


def score(path):
    items, errors = triage_eval.load_labelled([path])
    assert not errors
    scores = triage_eval.evaluate(items, triage.configured())
    print(f"\n--- triage on {path.name} ---\n" + triage_eval.report(scores, misses=True))
    return scores


def test_triage_meets_the_targets_on_the_project_set():
    scores = score(EVAL)
    assert not scores.failing(), scores.failing()


def test_triage_meets_the_targets_on_the_held_out_split():
    scores = score(EVAL / "heldout.jsonl")
    assert not scores.failing(), scores.failing()
