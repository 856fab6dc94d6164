"""`/ws/notifications/`: a user's new notifications and unread count, pushed as they happen.

The first message must authenticate with an access token, within WEBSOCKET_AUTH_TIMEOUT
seconds, checked by SimpleJWT exactly as on HTTP (signature, expiry, token type, claims, an
active user); anything else closes the socket with 4401. The socket then joins its user's
group only, so nobody receives another user's notification.
"""

import asyncio
import contextlib

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from .realtime import user_group
from .services import unread_count

UNAUTHENTICATED = 4401


@database_sync_to_async
def _user_for(raw_token):
    """The active user of a valid access token, or None: HTTP's own JWTAuthentication rules."""
    if not isinstance(raw_token, str) or not raw_token:
        return None
    authentication = JWTAuthentication()
    try:
        validated = authentication.get_validated_token(raw_token.encode())
        return authentication.get_user(validated)
    except (InvalidToken, TokenError, AuthenticationFailed):
        return None


@database_sync_to_async
def _unread(user) -> int:
    return unread_count(user=user)


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    user = None
    group = None
    _deadline = None

    async def connect(self) -> None:
        await self.accept()
        self._deadline = asyncio.ensure_future(self._close_unless_authenticated())

    async def _close_unless_authenticated(self) -> None:
        await asyncio.sleep(settings.WEBSOCKET_AUTH_TIMEOUT)
        if self.user is None:
            await self.close(code=UNAUTHENTICATED)

    async def disconnect(self, code) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        # A frame that is not JSON is not an authenticate message either.
        if self.user is None:
            try:
                await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)
            except ValueError:
                await self.close(code=UNAUTHENTICATED)
            return
        # After authentication the client has nothing to say; frames are ignored.

    async def receive_json(self, content, **kwargs) -> None:
        if self.user is not None:
            return
        if not isinstance(content, dict) or content.get("type") != "authenticate":
            await self.close(code=UNAUTHENTICATED)
            return
        user = await _user_for(content.get("token"))
        if user is None:
            await self.close(code=UNAUTHENTICATED)
            return
        self.user, self.group = user, user_group(user.pk)
        if self._deadline is not None:
            self._deadline.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._deadline
            self._deadline = None
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json({"type": "authenticated", "unread_count": await _unread(user)})

    # Messages of the channel layer (sent by notifications.realtime) ---------------------------

    async def notification_created(self, event) -> None:
        await self.send_json({"type": "notification", "notification": event["notification"]})
        await self.send_json({"type": "unread_count", "unread_count": await _unread(self.user)})

    async def unread_changed(self, event) -> None:
        await self.send_json({"type": "unread_count", "unread_count": await _unread(self.user)})
