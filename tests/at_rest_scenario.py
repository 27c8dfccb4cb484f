"""Run by test_privacy_at_rest in a fresh process against a temporary LANTERN_DATA_DIR.

Creates, reads and updates contacts through the API and the console, including bad input, and
leaves the database file, its WAL and the log behind for the test to scan.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from lantern.accounts.actions import do_create_user, do_issue_token  # noqa: E402


def main(secrets_json: str) -> None:
    s = json.loads(secrets_json)
    call_command("migrate", verbosity=0, interactive=False)
    advocate = do_create_user("advocate", "advocate", "a long demo password 1", validate=False)
    do_create_user("supervisor", "supervisor", "a long demo password 2", validate=False)
    headers = {"Authorization": f"Bearer {do_issue_token(advocate)}"}
    api = Client()
    body = {
        "channel": "phone",
        "call_types": ["tip"],
        "caller": {"name": s["name"], "phone": s["phone_typed"], "email": s["email"]},
        "summary": s["summary"],
        "location": {"state": "NV", "city": "Las Vegas"},
    }
    r = api.post("/api/v1/contacts", body, content_type="application/json", headers=headers)
    assert r.status_code == 201, r.content
    contact_id = r.json()["id"]
    assert r.json()["caller"]["name"] == s["name"]
    r = api.get(f"/api/v1/contacts/{contact_id}", headers=headers)
    assert r.status_code == 200
    r = api.get("/api/v1/contacts", {"state": "NV"}, headers=headers)
    assert r.json()["count"] == 1
    patch = {
        "summary": s["summary"] + " " + s["summary_update"],
        "caller": {"name": s["name"] + " Jr"},
    }
    r = api.patch(
        f"/api/v1/contacts/{contact_id}", patch, content_type="application/json", headers=headers
    )
    assert r.status_code == 200, r.content
    # Bad input that carries personal data must not leave it in the log either.
    bad = {
        **body,
        "caller": {**body["caller"], "phone": "call " + s["name"]},
        "location": {"state": "ZZ"},
    }
    r = api.post("/api/v1/contacts", bad, content_type="application/json", headers=headers)
    assert r.status_code == 422

    console = Client()
    assert console.login(username="supervisor", password="a long demo password 2")
    r = console.get(f"/console/contacts/{contact_id}/")
    assert s["name"].encode() in r.content
    r = console.post("/console/contacts/repeat/", {"caller_phone": s["phone_typed"]})
    assert b"1 time" in r.content, r.content
    r = console.get("/console/contacts/", {"state": "NV"})
    assert r.status_code == 200
    r = console.get(f"/console/contacts/{contact_id}/edit/")
    assert r.status_code == 200
    channels(s)
    code = web_tip(s)
    web_chat(s)
    print("scenario complete", contact_id, "receipt", code)


def web_chat(s: dict) -> None:
    """A chat: the pre-chat form, then a message over the visitor's WebSocket."""
    from asgiref.sync import async_to_sync
    from channels.testing.websocket import WebsocketCommunicator

    from lantern.asgi import application

    visitor = Client()
    r = visitor.post("/chat/", {"safe": "no", "language": "en", **_work(visitor, "/chat/")})
    assert r.status_code == 302, r.content
    cookie = f"sessionid={visitor.cookies['sessionid'].value}".encode()

    @async_to_sync
    async def say(text):
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie)]
        socket = WebsocketCommunicator(application, "/ws/chat/", headers=headers)
        connected, _ = await socket.connect()
        assert connected
        await socket.send_json_to({"type": "message", "body": text})
        echo = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return echo

    assert say(s["chat_text"])["body"] == s["chat_text"]


def _work(client, path: str) -> dict:
    """The hidden fields a public form carries, with the browser's proof of work done."""
    import re

    from lantern.core import pow

    page = client.get(path).content
    fields = dict(re.findall(rb'name="(challenge|once)" value="([^"]*)"', page))
    data = {k.decode(): v.decode() for k, v in fields.items()}
    data["work"] = pow.solve(data["challenge"])
    return data


def web_tip(s: dict) -> str:
    """A tip through the public form, and a follow-up with its receipt code."""
    import re

    from lantern.core import pow

    visitor = Client()
    r = visitor.post("/tip/", {"what_happened": s["tip_text"], "urgency": "now",
                               "phone": s["tip_phone"], "consent_to_share": "yes",
                               **_work(visitor, "/tip/")})  # fmt: skip
    assert r.status_code == 302, r.content
    r = visitor.get("/tip/sent/")
    code = re.search(rb'id="receipt-code">([\d ]+)<', r.content)[1].decode().replace(" ", "")
    page = visitor.get("/tip/follow-up/")
    challenge = re.search(rb'name="challenge" value="([^"]+)"', page.content)[1].decode()
    r = visitor.post("/tip/follow-up/", {"code": code, "challenge": challenge,
                                         "work": pow.solve(challenge)})  # fmt: skip
    assert r.status_code == 302, r.content
    assert s["tip_text"].encode() in visitor.get("/tip/follow-up/messages/").content
    return code


def channels(s: dict) -> None:
    """A text and a call through Twilio's signed webhooks, an advocate's reply (Twilio cannot be
    reached: TWILIO_API_URL is a closed port), and the conversation read in the console."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    common = {"AccountSid": os.environ["TWILIO_ACCOUNT_SID"], "From": s["sms_from"],
              "To": "+15555550100"}  # fmt: skip

    def twilio(path, params):
        params = {**common, **params}
        signature = validator.compute_signature("http://testserver" + path, params)
        return Client().post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)

    assert (
        twilio("/intake/twilio/sms", {"MessageSid": "SM1", "Body": s["sms_body"]}).status_code
        == 200
    )
    assert twilio("/intake/twilio/voice", {"CallSid": "CA1"}).status_code == 200
    advocate = Client()
    assert advocate.login(username="advocate", password="a long demo password 1")
    r = advocate.get("/console/inbox/")
    assert r.status_code == 200
    from lantern.contacts.models import Conversation

    contact_id = Conversation.objects.get().contact_id
    assert advocate.post(f"/console/contacts/{contact_id}/take/").status_code == 302
    r = advocate.post(f"/console/contacts/{contact_id}/conversation/", {"body": s["sms_reply"]})
    assert r.status_code == 302, r.content
    r = advocate.get(f"/console/contacts/{contact_id}/conversation/")
    # the reply is kept and shown; with Twilio unreachable the outbox retries it later
    assert s["sms_body"].encode() in r.content and s["sms_reply"].encode() in r.content


if __name__ == "__main__":
    main(sys.argv[1])
