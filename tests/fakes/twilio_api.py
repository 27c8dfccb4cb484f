"""A local HTTP server that speaks the part of Twilio's REST API Lantern uses, so tests exercise
the real ``twilio`` client over a real socket: sending a message, placing and updating calls,
conferences and their participants.

    with FakeTwilio() as fake:
        settings.TWILIO_API_URL = fake.url
        ...
        fake.requests   # [{"method", "path", "auth", "form"}] as Twilio would have received them
        fake.fail_next = (400, 21610)  # answer the next request with a Twilio error
        fake.messages   # every message Twilio took, as GET .../Messages.json lists them
        fake.hold_body = "..."  # take that message, then hold the answer until fake.release
        fake.calls      # {sid: {"to", "from", "url", "status_callback", "twiml", "status"}}
        fake.conferences  # {friendly name: {"sid", "members": [call sid], "status_callback"}}

Like Twilio, the fake calls back: each callback (call status, conference event) is signed with
the auth token the client used and queued in ``fake.callbacks`` as ``(url, params,
signature)``; ``fake.deliver(post)`` hands them, in order, to ``post(url, params, signature)``
(the tests post them to Lantern with Django's test client or over HTTP). What a callee does is
the test's to say: ``fake.answer(sid)``, ``fake.ring_out(sid)``, ``fake.hang_up(sid)``,
``fake.join(sid, twiml)`` (the TwiML Lantern answered for the call).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from twilio.request_validator import RequestValidator

_ACCOUNT = r"/2010-04-01/Accounts/(?P<account>AC\w+)"
ROUTES = [
    ("POST", re.compile(_ACCOUNT + r"/Messages\.json$"), "message"),
    ("GET", re.compile(_ACCOUNT + r"/Messages\.json$"), "list_messages"),
    ("POST", re.compile(_ACCOUNT + r"/Calls\.json$"), "create_call"),
    ("POST", re.compile(_ACCOUNT + r"/Calls/(?P<sid>CA\w+)\.json$"), "update_call"),
    ("GET", re.compile(_ACCOUNT + r"/Conferences\.json$"), "list_conferences"),
    (
        "POST",
        re.compile(_ACCOUNT + r"/Conferences/(?P<conference>CF\w+)/Participants\.json$"),
        "add_participant",
    ),
    (
        "POST",
        re.compile(
            _ACCOUNT + r"/Conferences/(?P<conference>CF\w+)/Participants/(?P<sid>CA\w+)\.json$"
        ),
        "update_participant",
    ),
]  # fmt: skip


class FakeTwilio:
    def __init__(self):
        self.requests: list[dict] = []
        self.fail_next: tuple[int, int] | None = None
        self.messages: list[dict] = []
        self.hold_body: str | None = None
        self.holding, self.release = threading.Event(), threading.Event()
        self.calls: dict[str, dict] = {}
        self.conferences: dict[str, dict] = {}
        self.callbacks: list[tuple[str, dict, str]] = []
        self.token = ""
        self.account = ""
        self._sids = itertools.count(1)
        self._sequence = itertools.count(1)
        self.lock = threading.RLock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                parts = urlsplit(self.path)
                form = {k: v[0] for k, v in parse_qs(body).items()}
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                auth = self.headers.get("Authorization", "")
                user = password = ""
                if auth.startswith("Basic "):
                    user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                with fake.lock:
                    fake.requests.append(
                        {"method": method, "path": parts.path, "auth": user, "form": form}
                    )
                    fake.token, fake.account = password, user
                    found = [
                        (name, match)
                        for verb, pattern, name in ROUTES
                        if verb == method and (match := pattern.match(parts.path))
                    ]
                    if not found:
                        return self._json(404, {"code": 20404, "message": "not found"})
                    [(name, match)] = found
                    if fake.fail_next:
                        status, code = fake.fail_next
                        fake.fail_next = None
                        return self._json(
                            status, {"code": code, "message": "refused", "status": status}
                        )
                    status, payload = getattr(fake, "_" + name)(
                        {**query, **form}, **match.groupdict()
                    )
                if name == "message" and fake.hold_body and form.get("Body") == fake.hold_body:
                    fake.holding.set()  # taken and logged; the answer waits
                    fake.release.wait(60)
                try:
                    return self._json(status, payload)
                except OSError:
                    return None  # the client is gone (killed while it waited)

            def do_POST(self):  # noqa: N802 (http.server's name)
                self._handle("POST")

            def do_GET(self):  # noqa: N802
                self._handle("GET")

            def _json(self, status, payload):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- the REST API ------------------------------------------------------------------------

    def _sid(self, prefix: str) -> str:
        return f"{prefix}{next(self._sids):032x}"

    def _message(self, form, account):
        sid = self._sid("SM")
        answer = {"sid": sid, "status": "queued", "body": form.get("Body")}
        message = {**answer, "to": form.get("To"), "from": form.get("From")}
        self.messages.append(message)
        return 201, message

    def _list_messages(self, query, account):
        found = [
            m for m in self.messages
            if m["to"] == query.get("To", m["to"]) and m["from"] == query.get("From", m["from"])
        ]  # fmt: skip
        return 200, {"messages": found[::-1], "next_page_uri": None, "page": 0, "page_size": 50}

    def _call_json(self, sid):
        call = self.calls[sid]
        return {"sid": sid, "status": call["status"], "to": call["to"], "from": call["from"]}

    def _create_call(self, form, account):
        sid = self._sid("CA")
        self.calls[sid] = {
            "to": form.get("To"),
            "from": form.get("From"),
            "url": form.get("Url", ""),
            "twiml": form.get("Twiml", ""),
            "status_callback": form.get("StatusCallback", ""),
            "status": "queued",
            "conference": None,
            "send_digits": form.get("SendDigits", ""),
        }
        self._call_status(sid, "initiated")
        return 201, self._call_json(sid)

    def _update_call(self, form, account, sid):
        call = self.calls.setdefault(
            sid, {"to": "", "from": "", "url": "", "twiml": "", "status_callback": "",
                  "status": "in-progress", "conference": None},
        )  # fmt: skip
        if form.get("Twiml"):
            call["twiml"] = form["Twiml"]
            self.join(sid, form["Twiml"])
        if form.get("Status") == "completed":
            self.hang_up(sid)
        return 200, self._call_json(sid)

    def _list_conferences(self, form, account):
        name = form.get("FriendlyName", "")
        found = [
            {"sid": c["sid"], "friendly_name": n, "status": "in-progress"}
            for n, c in self.conferences.items()
            if n == name and c["members"]
        ]
        return 200, {"conferences": found, "meta": {"key": "conferences", "next_page_url": None}}

    def _conference_by_sid(self, sid):
        return next((n for n, c in self.conferences.items() if c["sid"] == sid), None)

    def _add_participant(self, form, account, conference):
        name = self._conference_by_sid(conference)
        if name is None:
            return 404, {"code": 20404, "message": "conference not found", "status": 404}
        sid = self._sid("CA")
        self.calls[sid] = {
            "to": form.get("To"),
            "from": form.get("From"),
            "url": "",
            "twiml": "",
            "status_callback": form.get("StatusCallback", ""),
            "status": "queued",
            "conference": None,
            "join": name,
            "send_digits": form.get("SendDigits", ""),
            "label": form.get("Label", ""),
            "coaching": form.get("Coaching", ""),
        }
        self._call_status(sid, "initiated")
        return 201, {"call_sid": sid, "conference_sid": conference, "label": form.get("Label")}

    def _update_participant(self, form, account, conference, sid):
        name = self._conference_by_sid(conference)
        if name is None or sid not in self.conferences[name]["members"]:
            return 404, {"code": 20404, "message": "participant not found", "status": 404}
        if "Hold" in form:
            held = form["Hold"].lower() == "true"
            self.calls[sid]["held"] = held
            self._conference_event(name, "participant-hold" if held else "participant-unhold", sid)
        return 200, {"call_sid": sid, "conference_sid": conference, "hold": form.get("Hold")}

    # --- callbacks, and what the people on the calls do -------------------------------------

    def _sign(self, url, params) -> str:
        return RequestValidator(self.token).compute_signature(url, params)

    def _callback(self, url, params):
        if url:
            params = {"AccountSid": self.account, **params}
            self.callbacks.append((url, params, self._sign(url, params)))

    def _call_status(self, sid, status):
        call = self.calls[sid]
        call["status"] = status
        self._callback(call["status_callback"], {"CallSid": sid, "CallStatus": status})

    def _conference_event(self, name, event, sid=""):
        conference = self.conferences[name]
        params = {
            "ConferenceSid": conference["sid"],
            "FriendlyName": name,
            "StatusCallbackEvent": event,
            "SequenceNumber": str(next(self._sequence)),
        }
        if sid:
            params["CallSid"] = sid
        self._callback(conference["status_callback"], params)

    def answer(self, sid):
        """The callee picks up: a participant dialled into a conference joins it."""
        with self.lock:
            self._call_status(sid, "in-progress")
            if self.calls[sid].get("join"):
                self._enter(self.calls[sid]["join"], sid, None)
            elif self.calls[sid].get("twiml"):  # created with TwiML: it runs now
                self.join(sid, self.calls[sid]["twiml"])

    def ring_out(self, sid, status="no-answer"):
        with self.lock:
            self._call_status(sid, "ringing")
            self._call_status(sid, status)

    def join(self, sid, twiml: str):
        """The call runs ``twiml``: a ``<Dial><Conference>`` puts it in that conference."""
        with self.lock:
            root = ET.fromstring(twiml)  # noqa: S314 (Lantern's TwiML, in a test)
            element = root.find("./Dial/Conference")
            if element is None:
                return
            self.calls.setdefault(sid, {"status_callback": "", "status": "in-progress"})
            self.calls[sid]["twiml"] = twiml
            self._enter(element.text, sid, element.attrib)

    def _enter(self, name, sid, attrib):
        conference = self.conferences.get(name)
        if conference is None or not conference["members"] and conference.get("ended"):
            conference = self.conferences[name] = {
                "sid": self._sid("CF"),
                "members": [],
                "status_callback": "",
                "end_on_exit": set(),
            }
        if attrib and attrib.get("statusCallback"):
            conference["status_callback"] = attrib["statusCallback"]
        if attrib and attrib.get("endConferenceOnExit") == "true":
            conference["end_on_exit"].add(sid)
        self.calls[sid]["conference"] = name
        self.calls[sid]["record"] = (attrib or {}).get("record", "")
        first = not conference["members"]
        conference["members"].append(sid)
        if first:
            self._conference_event(name, "conference-start")
        self._conference_event(name, "participant-join", sid)

    def hang_up(self, sid):
        with self.lock:
            call = self.calls[sid]
            name = call.get("conference")
            if name and sid in self.conferences[name]["members"]:
                conference = self.conferences[name]
                conference["members"].remove(sid)
                self._conference_event(name, "participant-leave", sid)
                if sid in conference["end_on_exit"] or not conference["members"]:
                    for other in list(conference["members"]):
                        conference["members"].remove(other)
                        self._conference_event(name, "participant-leave", other)
                        self._call_status(other, "completed")
                    self._conference_event(name, "conference-end")
                    conference["ended"] = True
            if call["status"] not in ("completed", "no-answer", "busy", "failed", "canceled"):
                self._call_status(sid, "completed")

    def deliver(self, post) -> int:
        """Post every queued callback, in order (callbacks queued meanwhile included)."""
        n = 0
        while True:
            with self.lock:
                if not self.callbacks:
                    return n
                url, params, signature = self.callbacks.pop(0)
            post(url, params, signature)
            n += 1

    def requests_to(self, suffix: str) -> list[dict]:
        return [r for r in self.requests if r["path"].endswith(suffix)]
