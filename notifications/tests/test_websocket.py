"""`/ws/notifications/` through the project's ASGI application (WebsocketCommunicator), on the
in-memory channel layer: authentication rules, who receives what, unread counts, origins.

Transactional: the consumer reads users and counts through database_sync_to_async, so the rows
the test writes are committed."""

from datetime import timedelta
from functools import partial

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.tests.factories import ClientFactory, FreelancerFactory
from competitions import services as competition_services
from competitions.models import CompetitionStatus
from competitions.tests.factories import CompetitionBookmarkFactory, CompetitionFactory
from freelance_arena.asgi import application
from notifications import services
from notifications.models import Notification, NotificationType
from notifications.tests.factories import NotificationFactory
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/ws/notifications/"
ORIGIN = (b"origin", b"http://localhost:3000")


def access(user) -> str:
    """An access token as login issues it (no database write: usable inside the event loop)."""
    from accounts.tokens import AccessToken

    return str(AccessToken.for_user(user))


@pytest.fixture(autouse=True)
def _fresh_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.WEBSOCKET_AUTH_TIMEOUT = 2
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def run(coro_fn):
    return async_to_sync(coro_fn)()


async def connected(user=None, token=None, headers=(ORIGIN,)):
    socket = WebsocketCommunicator(application, URL, headers=list(headers))
    accepted, _ = await socket.connect()
    assert accepted
    if user is not None or token is not None:
        await socket.send_json_to({"type": "authenticate", "token": token or access(user)})
    return socket


async def closed_with(socket) -> int:
    message = await socket.receive_output(timeout=3)
    assert message["type"] == "websocket.close", message
    return message["code"]


def test_a_valid_access_token_is_answered_with_the_unread_count():
    user = FreelancerFactory()
    NotificationFactory.create_batch(2, recipient=user)
    NotificationFactory(recipient=user, is_read=True)

    async def scenario():
        socket = await connected(user)
        assert await socket.receive_json_from(timeout=3) == {"type": "authenticated", "unread_count": 2}
        await socket.disconnect()

    run(scenario)


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", 12, None])
def test_a_bad_token_closes_with_4401(token):
    async def scenario():
        socket = await connected()
        await socket.send_json_to({"type": "authenticate", "token": token})
        assert await closed_with(socket) == 4401

    run(scenario)


def test_a_refresh_token_an_expired_token_and_a_deactivated_user_are_refused():
    from accounts.tokens import AccessToken, RefreshToken

    user = FreelancerFactory()
    refresh = str(RefreshToken.for_user(user))
    expired = AccessToken.for_user(user)
    expired.set_exp(from_time=timezone.now() - timedelta(hours=2), lifetime=timedelta(minutes=1))
    gone = FreelancerFactory(is_active=False)

    async def scenario():
        for token in (refresh, str(expired), access(gone)):
            socket = await connected(token=token)
            assert await closed_with(socket) == 4401, token

    run(scenario)
    assert OutstandingToken.objects.filter(user=user).exists()  # nothing was consumed


def test_a_first_message_that_is_not_authenticate_closes_the_socket():
    user = FreelancerFactory()

    async def scenario():
        for first in ({"type": "subscribe", "token": access(user)}, ["authenticate"], "hello"):
            socket = await connected()
            await socket.send_json_to(first)
            assert await closed_with(socket) == 4401
        socket = await connected()
        await socket.send_to(text_data="{not json")
        assert await closed_with(socket) == 4401

    run(scenario)


def test_silence_closes_the_socket_after_the_timeout(settings):
    settings.WEBSOCKET_AUTH_TIMEOUT = 0.2

    async def scenario():
        socket = await connected()
        assert await closed_with(socket) == 4401

    run(scenario)


def test_an_origin_of_another_site_is_refused_and_the_frontend_and_the_host_are_allowed():
    async def scenario():
        foreign = WebsocketCommunicator(application, URL, headers=[(b"origin", b"https://evil.example")])
        accepted, _ = await foreign.connect()
        assert not accepted
        for headers in ([ORIGIN], [(b"origin", b"http://api.test:8000"), (b"host", b"api.test:8000")], []):
            socket = WebsocketCommunicator(application, URL, headers=headers)
            accepted, _ = await socket.connect()
            assert accepted, headers
            await socket.disconnect()

    run(scenario)


def test_each_user_receives_their_own_notifications_only():
    owner, other = ClientFactory(), ClientFactory()
    freelancer = FreelancerFactory()
    competition = CompetitionFactory(client=owner)

    async def scenario():
        mine = await connected(owner)
        theirs = await connected(other)
        assert (await mine.receive_json_from(timeout=3))["unread_count"] == 0
        assert (await theirs.receive_json_from(timeout=3))["unread_count"] == 0

        from channels.db import database_sync_to_async

        from proposals import services as proposal_services

        await database_sync_to_async(proposal_services.submit_proposal)(
            freelancer=freelancer,
            competition_id=competition.pk,
            data={"title": "Entry", "description": "Work", "proposed_budget": 100, "estimated_duration": 3},
        )
        pushed = await mine.receive_json_from(timeout=3)
        assert pushed["type"] == "notification"
        stored = await database_sync_to_async(Notification.objects.get)(recipient=owner)
        assert pushed["notification"]["id"] == str(stored.pk)
        assert pushed["notification"]["notification_type"] == NotificationType.PROPOSAL_RECEIVED
        assert pushed["notification"]["title"] == stored.title
        assert await mine.receive_json_from(timeout=3) == {"type": "unread_count", "unread_count": 1}
        assert await theirs.receive_nothing(timeout=0.3)
        await mine.disconnect()
        await theirs.disconnect()

    run(scenario)


def test_mark_read_and_mark_all_read_push_the_new_count():
    user = FreelancerFactory()
    first, *_ = NotificationFactory.create_batch(3, recipient=user)

    async def scenario():
        from channels.db import database_sync_to_async

        socket = await connected(user)
        assert (await socket.receive_json_from(timeout=3))["unread_count"] == 3
        await database_sync_to_async(services.mark_read)(user=user, ids=[first.pk])
        assert await socket.receive_json_from(timeout=3) == {"type": "unread_count", "unread_count": 2}
        await database_sync_to_async(services.mark_all_read)(user=user)
        assert await socket.receive_json_from(timeout=3) == {"type": "unread_count", "unread_count": 0}
        await database_sync_to_async(services.mark_all_read)(user=user)  # nothing changed: silence
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    run(scenario)


def test_a_fan_out_reaches_every_recipient_socket(settings, run_tasks):
    """Opening a competition notifies its bookmarkers with one INSERT … SELECT; each socket of
    each bookmarker gets its row, inline (few) and through the Celery task (many)."""
    owner = ClientFactory()
    fans = FreelancerFactory.create_batch(3)

    async def scenario(inline_max: int):
        from channels.db import database_sync_to_async

        settings.REALTIME_INLINE_MAX = inline_max
        competition = await database_sync_to_async(CompetitionFactory)(client=owner, status=CompetitionStatus.DRAFT)
        for fan in fans:
            await database_sync_to_async(CompetitionBookmarkFactory)(competition=competition, user=fan)
        sockets = [await connected(fan) for fan in fans]
        for socket in sockets:
            await socket.receive_json_from(timeout=3)
        await database_sync_to_async(competition_services.change_status)(
            competition=competition, new_status=CompetitionStatus.OPEN, by=owner
        )
        for socket in sockets:
            pushed = await socket.receive_json_from(timeout=3)
            assert pushed["type"] == "notification"
            assert pushed["notification"]["notification_type"] == NotificationType.COMPETITION_OPENED
            assert pushed["notification"]["related_competition_id"] == str(competition.pk)
            assert (await socket.receive_json_from(timeout=3))["type"] == "unread_count"
            assert await socket.receive_nothing(timeout=0.1)
            await socket.disconnect()

    run(partial(scenario, 100))
    run(partial(scenario, 1))


def test_a_winner_selection_pushes_to_the_winner_and_each_loser():
    owner = ClientFactory()
    competition = CompetitionFactory(client=owner, status=CompetitionStatus.REVIEW)
    winner, loser = ProposalFactory.create_batch(2, competition=competition)

    async def scenario():
        from channels.db import database_sync_to_async

        sockets = {p.freelancer_id: await connected(p.freelancer) for p in (winner, loser)}
        for socket in sockets.values():
            await socket.receive_json_from(timeout=3)
        await database_sync_to_async(competition_services.select_winner)(
            competition=competition, proposal=winner, by=owner
        )
        kinds = {}
        for user_id, socket in sockets.items():
            kinds[user_id] = (await socket.receive_json_from(timeout=3))["notification"]["notification_type"]
            await socket.disconnect()
        assert kinds == {
            winner.freelancer_id: NotificationType.PROPOSAL_ACCEPTED,
            loser.freelancer_id: NotificationType.PROPOSAL_REJECTED,
        }

    run(scenario)
