"""Keys of the public site's session (the visitor's chat), shared by the page (``public``) and
the WebSocket (``intake``), which may not import each other."""

CHAT = "lantern_chat"
