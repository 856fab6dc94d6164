"""End to end: two real ASGI servers (Daphne) on loopback sharing the Redis channel layer; a
real WebSocket client (`websockets`) holds a socket on one, a notification is created through
HTTP on the other, and arrives. Skipped with a reason when Redis is not reachable."""

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from accounts.tests.factories import ClientFactory, FreelancerFactory
from competitions.tests.factories import CompetitionFactory
from notifications.models import Notification, NotificationType

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/13"
ASGI_APP = "freelance_arena.asgi:application"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {process.stdout.read().decode(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health/", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


@pytest.fixture
def servers():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc})")
    prefix = f"e2e-{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "DB_NAME": connection.settings_dict["NAME"],  # the test database, committed rows
        "REDIS_URL": REDIS_URL,
        "CHANNEL_LAYER_PREFIX": f"{prefix}:ws",
        "CACHE_KEY_PREFIX": f"{prefix}:cache",
        "DJANGO_DEBUG": "True",
        "THROTTLE_ANON": "100000/minute",
        "THROTTLE_USER": "100000/minute",
    }
    ports, processes = [_free_port(), _free_port()], []
    try:
        for port in ports:
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "daphne",
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "freelance_arena.asgi:application",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
            )
        for port, process in zip(ports, processes, strict=True):
            _wait_for(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
        raw = redis.Redis.from_url(REDIS_URL)
        for key in raw.scan_iter(f"{prefix}*"):
            raw.delete(key)


def test_a_notification_created_through_one_server_reaches_a_socket_held_by_the_other(servers):
    import websockets

    from accounts.tokens import AccessToken

    owner, freelancer = ClientFactory(), FreelancerFactory()
    competition = CompetitionFactory(client=owner)
    socket_port, http_port = servers

    def submit() -> int:
        body = json.dumps(
            {
                "competition": str(competition.pk),
                "title": "Entry",
                "description": "Working prototype",
                "proposed_budget": "100.00",
                "estimated_duration": 3,
            }
        ).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{http_port}/api/proposals/",
            data=body,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {AccessToken.for_user(freelancer)}"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{socket_port}/ws/notifications/") as ws:
            await ws.send(json.dumps({"type": "authenticate", "token": str(AccessToken.for_user(owner))}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"type": "authenticated", "unread_count": 0}
            assert await asyncio.to_thread(submit) == 201
            pushed = json.loads(await asyncio.wait_for(ws.recv(), 10))
            count = json.loads(await asyncio.wait_for(ws.recv(), 10))
            return pushed, count

    pushed, count = asyncio.run(scenario())
    stored = Notification.objects.get(recipient=owner)
    assert pushed["type"] == "notification"
    assert pushed["notification"]["id"] == str(stored.pk)
    assert pushed["notification"]["notification_type"] == NotificationType.PROPOSAL_RECEIVED
    assert count == {"type": "unread_count", "unread_count": 1}


def test_a_bad_token_is_closed_with_4401_by_the_real_server(servers):
    import websockets

    async def scenario():
        async with websockets.connect(f"ws://127.0.0.1:{servers[0]}/ws/notifications/") as ws:
            await ws.send(json.dumps({"type": "authenticate", "token": "garbage"}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
            return closed.value.rcvd.code

    assert asyncio.run(scenario()) == 4401
