"""The console's routing socket (``/ws/console/routing/``): "look again" when routing changes.

An advocate's socket joins their own offers' group; the board's (``?board=1``) joins the board's
group, for users allowed to watch it. Messages carry no data: the page fetches its partial, which
renders only what the user may see.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from asgiref.sync import async_to_sync
from channels.generic.websocket import JsonWebsocketConsumer

from lantern.accounts import rules, sockets
from lantern.routing import live


class RoutingConsumer(JsonWebsocketConsumer):
    """Closes with its session (``accounts.sockets``); each "look again" first asks whether the
    session stands and the rules still give this user what the socket joined for."""

    def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            self.close(code=4403)
            return
        self.groups_joined = []
        if rules.allows(user, "take_contact"):
            self.groups_joined.append(live.advocate_group(user.pk))
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.board = query.get("board") == ["1"] and rules.allows(user, "view_routing_board")
        if self.board:
            self.groups_joined.append(live.BOARD)
        if not self.groups_joined:
            self.close(code=4403)
            return
        self.groups_joined += sockets.groups_for(self.scope)
        for group in self.groups_joined:
            async_to_sync(self.channel_layer.group_add)(group, self.channel_name)
        self.accept()

    def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            async_to_sync(self.channel_layer.group_discard)(group, self.channel_name)

    def routing_changed(self, event):
        user = sockets.session_user(self.scope)
        if user is None:
            self.close(code=sockets.SESSION_ENDED)
            return
        allowed = rules.allows(user, "take_contact") or (
            self.board and rules.allows(user, "view_routing_board")
        )
        if not allowed:
            self.close(code=4403)
            return
        self.send_json({"type": "changed"})

    def session_ended(self, event):
        self.close(code=sockets.SESSION_ENDED)
