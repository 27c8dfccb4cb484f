"""A local HTTP server that speaks the part of Twilio's REST API Lantern uses (sending a
message), so tests exercise the real ``twilio`` client over a real socket.

    with FakeTwilio() as fake:
        settings.TWILIO_API_URL = fake.url
        ...
        fake.requests   # [{"path", "auth", "form"}] as Twilio would have received them
        fake.fail_next = (400, 21610)  # answer the next send with a Twilio error
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeTwilio:
    def __init__(self):
        self.requests: list[dict] = []
        self.fail_next: tuple[int, int] | None = None
        self._sids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                auth = self.headers.get("Authorization", "")
                user = ""
                if auth.startswith("Basic "):
                    user = base64.b64decode(auth[6:]).decode().split(":")[0]
                fake.requests.append({"path": self.path, "auth": user, "form": form})
                if not self.path.endswith("/Messages.json"):
                    return self._json(404, {"code": 20404, "message": "not found", "status": 404})
                if fake.fail_next:
                    status, code = fake.fail_next
                    fake.fail_next = None
                    return self._json(
                        status, {"code": code, "message": "refused", "status": status}
                    )
                sid = f"SM{next(fake._sids):032x}"
                answer = {"sid": sid, "status": "queued", "body": form.get("Body")}
                return self._json(201, {**answer, "to": form.get("To"), "from": form.get("From")})

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
