"""Pushing notifications to open sockets, after the commit that created them.

A single notification is sent from the object in hand (no query). A fan-out's rows are read
back once (one SELECT by their shared batch stamp) and sent one group message per recipient:
inline when there are few, from a Celery task when there are many (REALTIME_INLINE_MAX),
so a winner selected over 5,000 proposals does not send 5,000 messages inside the request.
The socket computes the unread count itself when it hears of a change, so the request that
changed it pays no COUNT for it.
"""

import asyncio
import logging
import os
import threading
from collections.abc import Iterable
from datetime import datetime

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db import transaction

from freelance_arena.tasks import enqueue

logger = logging.getLogger(__name__)
BATCH = 1000


def user_group(user_id) -> str:
    return f"notifications.user.{getattr(user_id, 'hex', user_id)}"


class _LayerLoop:
    """One event loop per process, on a daemon thread, for sending to a Redis channel layer
    from sync code (gunicorn workers, cron, Celery): the request only queues the messages
    (~20 µs), and one sender on the loop sends them in order over the layer's kept Redis
    connections, where async_to_sync would build a loop and a connection per call (measured
    ~3 ms per push). Started lazily, again after a fork."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue | None = None
        self._pid: int | None = None

    def submit(self, layer, messages: list[tuple[object, dict]]) -> None:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                self._loop, self._pid = asyncio.new_event_loop(), os.getpid()
                ready = threading.Event()
                threading.Thread(target=self._run, args=(ready,), name="channel-layer", daemon=True).start()
                ready.wait()
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (layer, messages))

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._queue = asyncio.Queue()
        self._loop.create_task(self._sender())
        ready.set()
        self._loop.run_forever()

    async def _sender(self) -> None:
        while True:
            layer, messages = await self._queue.get()
            try:
                for user_id, message in messages:
                    await layer.group_send(user_group(user_id), message)
            except Exception:  # best effort: the notification row is what counts
                logger.exception("Could not push notifications to the channel layer")


_layer_loop = _LayerLoop()


def _send(messages: list[tuple[object, dict]]) -> int:
    """Sends (user id, message) pairs, built beforehand: no query may run in the event loop.

    The in-memory layer (development, tests) lives in the server's own loop, so it is sent to
    there (async_to_sync finds it); a Redis layer through this process's sending loop."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return 0

    if not isinstance(layer, InMemoryChannelLayer):
        _layer_loop.submit(layer, messages)
        return len(messages)

    async def send_all() -> None:
        for user_id, message in messages:
            await layer.group_send(user_group(user_id), message)

    try:
        async_to_sync(send_all)()
    except Exception:  # a push is best effort: the notification row is what counts
        logger.exception("Could not push notifications to the channel layer")
        return 0
    return len(messages)


def _created(notification) -> tuple[object, dict]:
    from .serializers import NotificationSerializer

    data = NotificationSerializer().to_representation(notification)
    return notification.recipient_id, {"type": "notification.created", "notification": data}


def push_created(notification) -> None:
    """After the commit: the new notification to its recipient's sockets."""
    transaction.on_commit(lambda: _send([_created(notification)]), robust=True)


def push_batch(*, created_at: datetime, notification_type: str, count: int) -> None:
    """After the commit: every row of a fan-out (they share `created_at` and their type)."""
    if count <= 0:
        return
    if count <= settings.REALTIME_INLINE_MAX:
        transaction.on_commit(lambda: send_batch(created_at.isoformat(), notification_type), robust=True)
    else:
        from .tasks import push_batch as push_batch_task

        enqueue(push_batch_task, created_at=created_at.isoformat(), notification_type=notification_type)


def send_batch(created_at: str, notification_type: str) -> int:
    """Reads a fan-out's rows back (one SELECT) and pushes each to its recipient."""
    from .models import Notification

    rows = Notification.objects.filter(
        created_at=datetime.fromisoformat(created_at), notification_type=notification_type
    ).iterator(chunk_size=BATCH)
    sent, chunk = 0, []
    for row in rows:
        chunk.append(_created(row))
        if len(chunk) == BATCH:
            sent, chunk = sent + _send(chunk), []
    return sent + _send(chunk)


def push_unread_changed(user_ids: Iterable) -> None:
    """After the commit: these users' sockets re-read their unread count."""
    users = list(user_ids)
    transaction.on_commit(lambda: _send([(u, {"type": "unread.changed"}) for u in users]), robust=True)
