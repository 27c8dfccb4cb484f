"""A local IMAP4rev1 server with the few commands Lantern's poller uses (LOGIN, SELECT,
UID SEARCH, UID FETCH BODY.PEEK[], UID STORE +FLAGS, LOGOUT), so tests run Python's real
imaplib client over a real socket.

    with FakeImap(user="hotline", password="pw", messages=[raw_bytes, ...]) as server:
        server.port, server.flags[uid]
"""

from __future__ import annotations

import re
import socketserver
import threading


class FakeImap:
    def __init__(self, *, user: str, password: str, messages: list[bytes]):
        self.user, self.password = user, password
        self.messages = {uid: raw for uid, raw in enumerate(messages, start=1)}
        self.flags: dict[int, set[str]] = {uid: set() for uid in self.messages}
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def send(self, line: str | bytes):
                self.wfile.write((line if isinstance(line, bytes) else line.encode()) + b"\r\n")

            def handle(self):
                self.send("* OK [CAPABILITY IMAP4rev1] fake server ready")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    tag, _, rest = line.decode().strip().partition(" ")
                    command, _, args = rest.partition(" ")
                    command = command.upper()
                    if command == "CAPABILITY":
                        self.send("* CAPABILITY IMAP4rev1")
                        self.send(f"{tag} OK CAPABILITY completed")
                    elif command == "LOGIN":
                        user, password = [a.strip('"') for a in args.split(" ", 1)]
                        ok = (user, password) == (fake.user, fake.password)
                        self.send(f"{tag} {'OK' if ok else 'NO'} LOGIN")
                    elif command == "SELECT":
                        self.send(f"* {len(fake.messages)} EXISTS")
                        self.send("* OK [PERMANENTFLAGS (\\Seen \\*)] flags")
                        self.send(f"{tag} OK [READ-WRITE] SELECT completed")
                    elif command == "UID":
                        self.uid(tag, args)
                    elif command == "LOGOUT":
                        self.send("* BYE")
                        self.send(f"{tag} OK LOGOUT completed")
                        return
                    else:
                        self.send(f"{tag} BAD unknown command")

            def uid(self, tag, args):
                sub, _, rest = args.partition(" ")
                sub = sub.upper()
                if sub == "SEARCH":
                    excluded = set(re.findall(r"UNKEYWORD (\S+)", rest))
                    found = [str(u) for u, f in fake.flags.items() if not (f & excluded)]
                    self.send("* SEARCH " + " ".join(found))
                elif sub == "FETCH":
                    uid = int(rest.split(" ", 1)[0])
                    raw = fake.messages[uid]
                    self.wfile.write(f"* {uid} FETCH (UID {uid} BODY[] {{{len(raw)}}}\r\n".encode())
                    self.wfile.write(raw + b")\r\n")
                elif sub == "STORE":
                    uid_text, _, change = rest.partition(" ")
                    flags = re.search(r"\((.*)\)", change)[1].split()
                    now = fake.flags[int(uid_text)]
                    now.update(flags)
                    self.send(f"* {uid_text} FETCH (UID {uid_text} FLAGS ({' '.join(now)}))")
                self.send(f"{tag} OK UID {sub} completed")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
