"""Routing's arithmetic and rules, without the database: Erlang C, business calendars, triage
rules and the workflow's validation."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lantern.routing import calendars, erlang, triage, workflow

NY = ZoneInfo("America/New_York")


# --- Erlang C ---------------------------------------------------------------------------------


def test_erlang_c_reproduces_the_published_reference_case():
    # 100 contacts in 30 minutes, 3-minute handle time, 14 agents, answered within 20 s
    r = erlang.erlang_c(
        contacts=100, period_seconds=1800, handle_seconds=180, agents=14, answer_within=20
    )
    assert r.traffic == pytest.approx(10.0)
    assert round(r.p_wait, 4) == 0.1741
    assert round(r.service_level, 3) == 0.888
    assert round(r.asa_seconds, 2) == 7.84
    assert r.occupancy == pytest.approx(10 / 14)


def test_the_fewest_agents_for_a_target():
    needed = erlang.agents_needed(
        contacts=100, period_seconds=1800, handle_seconds=180, answer_within=20, target=0.8
    )
    assert needed.agents == 14
    fewer = erlang.erlang_c(
        contacts=100, period_seconds=1800, handle_seconds=180, agents=13, answer_within=20
    )
    assert fewer.service_level < 0.8 <= needed.service_level
    calm = erlang.agents_needed(
        contacts=100, period_seconds=1800, handle_seconds=180, answer_within=20, target=0.8,
        max_occupancy=0.6,
    )  # fmt: skip
    assert calm.agents == 17 and calm.occupancy <= 0.6


def test_too_few_agents_never_catch_up():
    r = erlang.erlang_c(
        contacts=100, period_seconds=1800, handle_seconds=180, agents=10, answer_within=20
    )
    assert r.p_wait == 1.0 and r.service_level == 0.0 and math.isinf(r.asa_seconds)


@pytest.mark.parametrize("text", ["80", "80/", "abc/20", "0/20", "101/20", "80/-1"])
def test_a_target_that_is_not_percent_over_seconds(text):
    with pytest.raises(ValueError, match="80/20|percentage"):
        erlang.parse_target(text)


@settings(max_examples=200, deadline=None)
@given(
    contacts=st.integers(0, 3000),
    handle=st.integers(1, 3600),
    agents=st.integers(1, 400),
    within=st.integers(0, 600),
)
def test_erlang_c_stays_in_range_and_more_agents_never_hurt(contacts, handle, agents, within):
    args = dict(contacts=contacts, period_seconds=3600, handle_seconds=handle, answer_within=within)
    one = erlang.erlang_c(agents=agents, **args)
    more = erlang.erlang_c(agents=agents + 1, **args)
    assert 0 <= one.p_wait <= 1 and 0 <= one.service_level <= 1
    assert more.p_wait <= one.p_wait + 1e-9
    assert more.service_level >= one.service_level - 1e-9
    assert more.asa_seconds <= one.asa_seconds


# --- business calendars ------------------------------------------------------------------------

HOTLINE = calendars.Calendar(hours=calendars.weekdays_9_to_7(), holidays="US")


@pytest.mark.parametrize(
    ("arrives", "days", "due"),
    [
        # a weekday in hours: the same time, business days later
        ("2026-11-17 10:00", 3, "2026-11-20 10:00"),
        # across a weekend
        ("2026-11-20 15:30", 1, "2026-11-23 15:30"),
        # Thanksgiving (Thursday 26 November 2026) is not a business day
        ("2026-11-25 10:00", 3, "2026-12-01 10:00"),
        ("2026-11-25 10:00", 1, "2026-11-27 10:00"),
        # New Year's Day (Friday 1 January 2027)
        ("2026-12-30 15:00", 3, "2027-01-05 15:00"),
        # after hours on a Friday: counted from Monday's opening, and Thanksgiving skipped
        ("2026-11-20 20:00", 3, "2026-11-27 09:00"),
        # on Thanksgiving itself: counted from Friday's opening
        ("2026-11-26 12:00", 1, "2026-11-30 09:00"),
        # before opening: counted from the same day's opening
        ("2026-11-17 07:00", 1, "2026-11-18 09:00"),
        # across the end of daylight saving time (1 November 2026): same wall-clock time
        ("2026-10-30 10:00", 1, "2026-11-02 10:00"),
    ],
)
def test_business_day_due_dates_in_new_york(arrives, days, due):
    at = datetime.fromisoformat(arrives).replace(tzinfo=NY)
    expected = datetime.fromisoformat(due).replace(tzinfo=NY)
    assert HOTLINE.add_business_days(at, days) == expected


@pytest.mark.parametrize(
    ("instant", "is_open"),
    [
        ("2026-07-01T13:30:00+00:00", True),  # Wed 09:30 EDT
        ("2026-07-01T12:30:00+00:00", False),  # Wed 08:30 EDT
        ("2026-01-07T13:30:00+00:00", False),  # Wed 08:30 EST: the same UTC hour in winter
        ("2026-01-07T23:59:00+00:00", True),  # Wed 18:59 EST: a minute before closing
        ("2026-07-04T15:00:00+00:00", False),  # a Saturday (and Independence Day)
        ("2026-07-01T23:00:00+00:00", False),  # Wed 19:00 EDT: closed
        ("2026-11-26T15:00:00+00:00", False),  # Thanksgiving, 10:00 EST
        ("2026-07-03T15:00:00+00:00", False),  # Friday 3 July: Independence Day observed
    ],
)
def test_open_hours_in_the_hotline_time_zone(instant, is_open):
    assert HOTLINE.is_open(datetime.fromisoformat(instant)) is is_open


def test_the_hotlines_own_closures_and_split_days():
    cal = calendars.Calendar(
        time_zone="America/Chicago",
        hours={"mon": ["08:00-12:00", "13:00-17:00"], "tue": ["08:00-24:00"]},
        closures=[date(2026, 11, 24)],
    )
    monday = datetime(2026, 11, 23, 12, 30, tzinfo=ZoneInfo("America/Chicago"))
    assert not cal.is_open(monday)  # lunch
    assert cal.next_open(monday).hour == 13
    assert cal.closed_reason(date(2026, 11, 24)) == "closure"
    # Monday 16:00 is 7 open hours into the day; the next business day (Monday, a week on: the
    # Tuesday is closed) reaches 7 hours at 16:00 too
    assert cal.add_business_days(monday.replace(hour=16, minute=0), 1) == monday.replace(
        day=30, hour=16, minute=0
    )


@pytest.mark.parametrize(
    ("tz", "hours", "holidays", "message"),
    [
        ("Mars/Olympus", {"mon": ["09:00-17:00"]}, "", "not a known time zone"),
        ("America/New_York", {"mon": ["09:00-17:00", "16:00-18:00"]}, "", "overlap"),
        ("America/New_York", {"mon": ["17:00-09:00"]}, "", "ends before it starts"),
        ("America/New_York", {"monday": ["09:00-17:00"]}, "", "unknown day"),
        ("America/New_York", {"mon": ["9 to 5"]}, "", "not a range"),
        ("America/New_York", {"mon": ["09:00-25:00"]}, "", "not a time"),
        ("America/New_York", {}, "", "never open"),
        ("America/New_York", {"mon": ["09:00-17:00"]}, "XX", "no country"),
        ("America/New_York", {"mon": ["09:00-17:00"]}, "US-ZZ", "no subdivision"),
    ],
)
def test_calendars_that_cannot_work_are_refused_with_a_reason(tz, hours, holidays, message):
    with pytest.raises(calendars.CalendarError, match=message):
        calendars.validate(tz, hours, holidays)


@settings(max_examples=150, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)),
    days=st.integers(0, 15),
)
def test_a_due_time_is_always_in_business_hours_and_never_earlier(start, days):
    at = start.replace(tzinfo=NY)
    due = HOTLINE.add_business_days(at, days)
    assert due >= at
    local = due.astimezone(NY)
    # on a business day, at or between its opening and closing
    assert HOTLINE.is_business_day(local.date())
    assert HOTLINE.is_open(due) or local.hour == 19 and local.minute == 0
    if days:
        business_days = sum(
            HOTLINE.is_business_day(at.date() + timedelta(days=d))
            for d in range(1, (local.date() - at.date()).days + 1)
        )
        assert business_days >= days


# --- triage rules ------------------------------------------------------------------------------


def decide(text="", **signals):
    channel = signals.pop("channel", "sms")
    return triage.triage(triage.Signals(channel=channel, text=text, **signals))


@pytest.mark.parametrize(
    ("text", "urgency", "rule"),
    [
        ("He said he is going to kill me if I leave", "crisis", "immediate_danger"),
        ("Me va a matar si salgo, ayúdenme", "crisis", "immediate_danger"),
        ("Estoy ENCERRADA en un cuarto", "crisis", "immediate_danger"),
        ("my boss took my passport when we arrived", "urgent", "documents"),
        ("el patrón me quitó el pasaporte", "urgent", "documents"),
        ("I'm 15 and he makes me work at night", "urgent", "minor"),
        ("tengo 16 años", "urgent", "minor"),
        ("Do you have training materials for nurses?", "non_urgent", "training"),
        ("Necesito un abogado", "non_urgent", "services"),
    ],
)
def test_rules_in_english_and_spanish(text, urgency, rule):
    decision = decide(text)
    assert decision.urgency == urgency
    assert rule in [r.get("rule") for r in decision.reasons]
    assert all(r["detail"] for r in decision.reasons)


def test_reasons_quote_the_rules_phrase_never_the_persons_words():
    decision = decide("I'm 15 and my boss TOOK   my passport, Maria Example said")
    details = " ".join(r["detail"] for r in decision.reasons)
    assert '"took my passport"' in details  # the rule's phrase, normalized
    assert "15" not in details and "maria" not in details.lower()
    assert "a minor may be involved" in details


def test_no_rule_matches_inside_a_word_or_an_age_over_17():
    assert decide("The shelterbelt of our farm").category == ""  # "shelter" is not a word here
    assert decide("I'm 25 and looking for information about volunteering").urgency == "non_urgent"


def test_the_channel_signal_comes_first_and_nothing_lowers_urgency():
    said = decide("I just want training materials", channel="chat", channel_urgent=True)
    assert said.urgency == "crisis" and said.reasons[0]["source"] == "channel"
    assert "not safe" in said.reasons[0]["detail"]
    assert said.category == "tta"  # the rule still suggests what the contact is about


def test_the_detected_language_is_used_when_nobody_chose_one():
    assert decide("hola", language="en", language_hint="es").language == "es"
    assert decide("hello", language="es", language_hint="en").language == "es"


def test_a_malformed_rules_file_is_refused():
    for document, message in [
        ({"rules": [{"id": "x", "urgency": "panic", "phrases": {"en": ["a"]}}]}, "urgency"),
        ({"rules": [{"id": "x", "phrases": {"en": "help"}}]}, "must be a list"),
        ({"rules": [{"id": "x"}]}, "give some phrases"),
        ({"rules": [{"id": "x", "patterns": {"en": ["(unclosed"]}}]}, "missing"),
        ({"rules": [{"id": "x", "category": "gossip", "phrases": {"en": ["a"]}}]}, "call type"),
        ({"rules": [{"id": "x", "phrases": {"en": ["a"]}}] * 2}, "used twice"),
        ({"nope": 1}, "list of 'rules'"),
    ]:
        with pytest.raises(ImproperlyConfigured, match=message):
            triage.compile_rules(document)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400), urgent=st.booleans())
def test_triage_never_fails_and_a_channel_crisis_stays_a_crisis(text, urgent):
    decision = decide(text, channel_urgent=urgent)
    assert decision.urgency in ("crisis", "urgent", "non_urgent")
    if urgent:
        assert decision.urgency == "crisis"
    # (on a line of its own: a negation at the end of the text does not reach it)
    assert decide(text + "\nhe is going to kill me").urgency == "crisis"


# --- the workflow ------------------------------------------------------------------------------

QUEUES = {"crisis", "urgent", "general", "spanish"}


def flow(**document):
    return workflow.parse({"default": {"queue": "general"}, **document}, QUEUES,
                          always_open={"crisis", "urgent", "spanish"})  # fmt: skip


def test_first_matching_filter_wins_and_the_default_catches_the_rest():
    wf = flow(
        filters=[
            {"name": "crisis", "when": {"urgency": ["crisis"]}, "targets": [{"queue": "crisis"}]},
            {"name": "urgent", "when": {"urgency": ["urgent"]}, "targets": [{"queue": "urgent"}]},
            {"name": "es", "when": {"language": ["es"]},
             "targets": [{"queue": "spanish", "timeout": 60}, {"queue": "urgent"}]},
        ]
    )  # fmt: skip
    assert wf.route({"urgency": "crisis", "language": "es"}).name == "crisis"
    assert wf.route({"urgency": "non_urgent", "language": "es"}).name == "es"
    assert wf.route({"urgency": "non_urgent", "language": "fr"}).name == "default"
    assert wf.next_target("es", 0)[2].queue == "urgent"
    assert wf.next_target("es", 1)[0] == "default"  # past its last target: the default
    assert wf.next_target("default", 0) is None


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"default": None}, "a target needs a queue"),
        ({"default": {"queue": "nowhere"}}, "no queue 'nowhere'"),
        ({"default": {"queue": "urgent", "timeout": 30}}, "nowhere to go"),
        ({"filters": [{"name": "a", "when": {"urgency": ["crisis"]},
                       "targets": [{"queue": "crisis"}, {"queue": "urgent"}]}]}, "never reached"),
        ({"filters": [{"name": "a", "when": {"mood": ["sad"]}, "targets": [{"queue": "crisis"}]}]},
         "unknown condition"),
        ({"filters": [{"name": "a", "when": {"urgency": ["soonish"]},
                       "targets": [{"queue": "crisis"}]}]}, "not a urgency"),
        ({"filters": [{"name": "a", "when": {}, "targets": [{"queue": "crisis"}]}]},
         "give conditions"),
        ({"filters": [{"name": "es", "when": {"language": ["es"]},
                       "targets": [{"queue": "general"}]}]}, "closes outside its hours"),
        ({"offer_timeout": 1}, "offer_timeout"),
    ],
)
def test_workflows_with_no_way_out_are_refused(document, message):
    document = {"default": {"queue": "urgent"}, **document}
    with pytest.raises(workflow.WorkflowError, match=message):
        workflow.parse(document, QUEUES, always_open={"crisis", "urgent", "spanish"})


def test_urgent_work_may_end_in_a_closed_queue_only_when_caught_before():
    # crisis and urgent are caught first, so the default (business hours) sees non-urgent only
    wf = flow(
        filters=[
            {"name": "u", "when": {"urgency": ["crisis", "urgent"]},
             "targets": [{"queue": "urgent"}]}  # fmt: skip
        ]
    )
    assert wf.default.targets[0].queue == "general"
    with pytest.raises(workflow.WorkflowError, match="closes outside its hours"):
        flow(filters=[])  # everything, crisis included, would end in the general queue


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 100) | st.floats(allow_nan=False)
    | st.sampled_from(["crisis", "urgent", "non_urgent", "general", "crisis", "es", "sms", "x"]),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(
        st.sampled_from(["filters", "default", "name", "when", "targets", "queue", "timeout",
                         "skills", "urgency", "language", "offer_timeout", "escalate_at",
                         "reserved_for_urgent", "mood"]),
        inner, max_size=5,
    ),
    max_leaves=25,
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(document=json_values)
@example(document={"default": {"queue": [None]}})  # a list where a name belongs
def test_any_workflow_document_is_parsed_or_refused_with_a_reason(document):
    """Whatever an admin saves, the parser answers with a workflow or a WorkflowError, never
    another exception (which the admin would see as a server error)."""
    try:
        parsed = workflow.parse(document, QUEUES, always_open={"crisis", "urgent", "spanish"})
    except workflow.WorkflowError as exc:
        assert str(exc)
    else:
        assert parsed.default.targets[-1].timeout is None


@pytest.mark.parametrize(
    ("text", "urgency", "minor"),
    [
        # negation, and a third party after it
        ("I am not in danger, I just want information about T visas", "non_urgent", None),
        ("I'm not in danger right now but he took my passport", "urgent", None),
        ("no estoy en peligro, solo quiero información", "non_urgent", None),
        ("ce n'est pas moi, c'est ma colocataire qui est en danger", "crisis", None),
        # violence in the past only
        ("My ex hit me years ago but that is over now. I want counseling", "non_urgent", None),
        ("he hit me last night", "urgent", None),
        # ages in words, digits and birth years
        ("my sister is sixteen", "urgent", True),
        ("dieciséis años y trabajo en un club", "urgent", True),
        ("16yo girl at the motel with older men", "urgent", True),
        ("born 2011 and they keep me at the house", "urgent", True),
        ("I'm 25 and looking for information about volunteering", "non_urgent", False),
        # languages without spaces, or whose endings attach
        ("救命 老板把我锁在房间里", "crisis", None),
        ("지하실에 갇혀 있어요", "crisis", None),
        ("عمري ١٥ سنة", "urgent", True),
        ("меня заперли в подвале", "crisis", None),
        ("tôi bị nhốt trong tầng hầm", "crisis", None),
        # a minor asking for a school project is a minor, not urgent
        ("I'm 16 and have a school project on trafficking", "non_urgent", True),
    ],
)
def test_rules_read_negation_the_past_ages_and_eleven_languages(text, urgency, minor):
    decision = decide(text)
    assert (decision.urgency, decision.minor) == (urgency, minor), decision.reasons


def test_the_callers_type_is_an_input():
    text = "Need shelter tonight for two adults recovered this afternoon"
    assert decide(text).urgency == "non_urgent"
    assert decide(text, caller_type="law_enforcement").urgency == "urgent"
    assert decide(text, caller_type="service_provider").urgency == "urgent"
    assert decide(text, caller_type="family_friend").urgency == "non_urgent"


def test_rule_options_that_cannot_work_are_refused():
    phrases = {"en": ["a"]}
    for document, message in [
        ({"rules": [{"id": "x", "phrases": phrases, "with": ["y"]}]}, "'with' names rules"),
        ({"rules": [{"id": "x", "phrases": phrases, "callers": ["wizard"]}]}, "caller types"),
        ({"rules": [{"id": "x", "phrases": phrases, "past": "maybe"}]}, "past is"),
        ({"rules": [{"id": "x", "phrases": phrases, "unless": "y"}]}, "'unless'"),
        ({"languages": {"zh": {"boundaries": "some"}}, "rules": []}, "boundaries must be"),
        ({"languages": {"zh": "none"}, "rules": []}, "must be a mapping"),
    ]:
        with pytest.raises(ImproperlyConfigured, match=message):
            triage.compile_rules(document)
    with pytest.raises(ImproperlyConfigured, match="negation.en must be a list"):
        triage.compile_cues({"negation": {"en": "not"}})


class Suggests:
    def __init__(self, urgency):
        self.said = urgency

    def urgency(self, text):
        return self.said


def test_a_classifier_may_raise_urgency_never_lower_it():
    raised = triage.triage(
        triage.Signals(channel="sms", text="ok so"), classifier=Suggests("crisis")
    )
    assert raised.urgency == "crisis" and raised.reasons[-1]["source"] == "classifier"
    kept = triage.triage(
        triage.Signals(channel="sms", text="he has a gun"), classifier=Suggests("non_urgent")
    )
    assert kept.urgency == "crisis" and all(r["source"] != "classifier" for r in kept.reasons)


def test_daily_review_is_due_when_the_next_session_ends():
    review = calendars.Calendar(hours=calendars.every_day_9_to_7(), holidays="")
    friday_night = datetime(2026, 11, 20, 22, 0, tzinfo=NY)
    assert review.end_of_next_session(friday_night) == datetime(2026, 11, 21, 19, 0, tzinfo=NY)
    during = datetime(2026, 11, 21, 10, 0, tzinfo=NY)  # Saturday's session has begun
    assert review.end_of_next_session(during) == datetime(2026, 11, 22, 19, 0, tzinfo=NY)
    early = datetime(2026, 11, 26, 8, 0, tzinfo=NY)  # Thanksgiving morning: reviewed too
    assert review.end_of_next_session(early) == datetime(2026, 11, 26, 19, 0, tzinfo=NY)
    # a hotline whose review keeps holidays closed: the next day's session
    closed = calendars.Calendar(hours=calendars.every_day_9_to_7(), holidays="US")
    assert closed.end_of_next_session(early) == datetime(2026, 11, 27, 19, 0, tzinfo=NY)
