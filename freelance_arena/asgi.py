"""ASGI entry point: HTTP (Django) and WebSocket (`/ws/notifications/`) on one port."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "freelance_arena.settings")

django_application = get_asgi_application()  # sets Django up before the routing imports models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from freelance_arena.requests import CharsetCheckedASGIRequest  # noqa: E402
from freelance_arena.websocket import OriginCheck  # noqa: E402
from notifications.consumers import NotificationConsumer  # noqa: E402

# Never decode the query string or body with a charset such as idna (freelance_arena/requests.py).
django_application.request_class = CharsetCheckedASGIRequest

websocket_urls = [path("ws/notifications/", NotificationConsumer.as_asgi())]

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": OriginCheck(URLRouter(websocket_urls)),
    }
)
