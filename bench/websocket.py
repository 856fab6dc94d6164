"""WebSocket benchmark (issue 15): idle sockets one ASGI process holds, and the delay from the
commit of a notification to its arrival on a socket, with 1,000 sockets open.

Usage: DB_NAME=<a migrated database> python bench/websocket.py [--max-sockets 10000] [--samples 500]

Starts one Daphne process (production settings: DEBUG off) on loopback with the Redis channel
layer, creates throwaway users (deleted at the end), opens authenticated sockets in steps and
reads the server's resident memory after each step; then, with 1,000 sockets open, creates
notifications one at a time in this process (a transaction, then the commit) and times each
from the commit to its arrival at the socket of its recipient. Prints a Markdown table.
"""

import argparse
import asyncio
import json
import os
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = f"wsbench-{secrets.token_hex(3)}"
os.environ.update(
    DJANGO_DEBUG="False",
    DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
    DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    SECURE_SSL_REDIRECT="False",
    REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
    CHANNEL_LAYER_PREFIX=f"{PREFIX}:ws",
    CACHE_KEY_PREFIX=f"{PREFIX}:cache",
)
sys.path.insert(0, str(ROOT / "bench"))
from common import setup_django  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "freelance_arena.asgi:application"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w"),  # noqa: SIM115
    )
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health/", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("Daphne did not start")


async def open_socket(url: str, token: str):
    import websockets

    ws = await websockets.connect(url, max_queue=None, ping_interval=None, open_timeout=30)
    await ws.send(json.dumps({"type": "authenticate", "token": token}))
    answer = json.loads(await asyncio.wait_for(ws.recv(), 30))
    assert answer["type"] == "authenticated", answer
    return ws


async def run(args) -> None:
    import websockets
    from django.db import transaction

    from accounts.models import Role, User
    from accounts.tokens import AccessToken
    from notifications.models import NotificationType
    from notifications.utils import notify_user

    users = await asyncio.to_thread(
        lambda: User.objects.bulk_create(
            [
                User(
                    username=f"{PREFIX}-{i}",
                    email=f"{PREFIX}-{i}@bench.test",
                    role=Role.FREELANCER,
                    password="!unusable",
                )
                for i in range(max(args.latency_sockets, 1000))
            ]
        )
    )
    tokens = [str(AccessToken.for_user(user)) for user in users]
    port = free_port()
    server = start_server(port)
    url = f"ws://127.0.0.1:{port}/ws/notifications/"
    sockets = []
    rows = []
    try:
        # 1. Latency with `latency_sockets` open, one per user.
        for start in range(0, args.latency_sockets, 200):
            sockets += await asyncio.gather(*(open_socket(url, t) for t in tokens[start : start + 200]))
        delays = []
        for i in range(args.samples):
            k = (i * 7919) % len(sockets)

            def create(k=k) -> float:
                with transaction.atomic():
                    notify_user(users[k].pk, NotificationType.PROPOSAL_SCORED, {"proposal": f"bench {k}"})
                return time.perf_counter()  # the commit has returned; the push is queued

            committed = await asyncio.to_thread(create)
            message = json.loads(await asyncio.wait_for(sockets[k].recv(), 10))
            delays.append(time.perf_counter() - committed)
            assert message["type"] == "notification", message
            await asyncio.wait_for(sockets[k].recv(), 10)  # its unread_count
        delays.sort()
        p50 = statistics.median(delays) * 1000
        p99 = delays[int(len(delays) * 0.99) - 1] * 1000
        rows.append(f"| commit → delivery, {len(sockets):,} sockets open | p50 {p50:.2f} ms, p99 {p99:.2f} ms |")

        # 2. Idle capacity: more sockets (tokens reused), memory after each step.
        base = rss_mb(server.pid)
        held = len(sockets)
        try:
            while held < args.max_sockets:
                step = min(1000, args.max_sockets - held)
                sockets += await asyncio.gather(
                    *(open_socket(url, tokens[(held + j) % len(tokens)]) for j in range(step))
                )
                held = len(sockets)
                rows.append(f"| {held:,} idle sockets | server RSS {rss_mb(server.pid):.0f} MB |")
        except (OSError, TimeoutError, AssertionError, websockets.WebSocketException) as exc:  # the limit
            rows.append(f"| stopped at {held:,} sockets | {type(exc).__name__}: {exc} |")
        if held > 1000:
            per_socket = (rss_mb(server.pid) - base) * 1024 / (held - 1000)
            rows.append(f"| memory per idle socket | {per_socket:.1f} KB |")
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
        server.terminate()
        server.wait(timeout=20)
        await asyncio.to_thread(lambda: User.objects.filter(username__startswith=PREFIX).delete())
    print("| measure | result |")
    print("|---|---|")
    print("\n".join(rows))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-sockets", type=int, default=10_000)
    parser.add_argument("--latency-sockets", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=500)
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the server inherits it
    setup_django()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
