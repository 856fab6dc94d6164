"""WebSocket handshake rules shared by every socket route."""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings


class OriginCheck:
    """Refuses a handshake whose Origin is neither one of CORS_ALLOWED_ORIGINS nor the API's own
    host (what a browser page of another site would send). A client that sends no Origin is not
    a browser page, so no other site can borrow a user's session through it: it may connect
    and still has to authenticate."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        origin = headers.get(b"origin", b"").decode("latin-1")
        host = headers.get(b"host", b"").decode("latin-1")
        if origin and not self.allowed(origin, host):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)

    @staticmethod
    def allowed(origin: str, host: str) -> bool:
        if origin.rstrip("/") in {o.rstrip("/") for o in settings.CORS_ALLOWED_ORIGINS}:
            return True
        return bool(host) and urlsplit(origin).netloc == host
