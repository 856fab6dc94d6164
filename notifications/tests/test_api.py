"""Notifications over HTTP: a user only ever sees and changes their own."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from notifications.models import Notification, NotificationType
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/notifications/"
MARK_READ_URL = "/api/notifications/mark-read/"
MARK_ALL_READ_URL = "/api/notifications/mark-all-read/"
UNREAD_COUNT_URL = "/api/notifications/unread-count/"


def assert_error(response, status_code: int) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert body["success"] is False
    assert body["message"]
    assert isinstance(body["errors"], dict)
    return body


def notifications_of(user, count: int, **kwargs) -> list[Notification]:
    """`count` notifications, the first one the oldest (created_at a minute apart)."""
    created = NotificationFactory.create_batch(count, recipient=user, **kwargs)
    start = timezone.now() - timedelta(hours=1)
    for index, notification in enumerate(created):
        Notification.objects.filter(pk=notification.pk).update(created_at=start + timedelta(minutes=index))
    return created


@pytest.fixture
def inboxes(freelancer, other_freelancer):
    """charlie: 2 unread + 1 read; dana: 2 unread."""
    mine = notifications_of(freelancer, 3)
    Notification.objects.filter(pk=mine[0].pk).update(is_read=True, read_at=timezone.now())
    theirs = notifications_of(other_freelancer, 2)
    return mine, theirs


# --- list -------------------------------------------------------------------------------------


def test_list_shows_only_own_notifications_newest_first_with_unread_count(as_user, freelancer, inboxes):
    mine, _ = inboxes

    response = as_user(freelancer).get(LIST_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["message"]
    data = body["data"]
    assert set(data) == {"count", "next", "previous", "results", "unread_count"}
    assert data["count"] == 3
    assert data["unread_count"] == 2
    assert [n["id"] for n in data["results"]] == [str(n.pk) for n in reversed(mine)]
    assert set(data["results"][0]) == {
        "id",
        "notification_type",
        "title",
        "message",
        "is_read",
        "read_at",
        "related_competition_id",
        "related_proposal_id",
        "created_at",
    }


def test_list_filters_by_is_read(as_user, freelancer, inboxes):
    mine, _ = inboxes
    api = as_user(freelancer)

    read = api.get(LIST_URL + "?is_read=true").json()["data"]
    unread = api.get(LIST_URL + "?is_read=false").json()["data"]

    assert [n["id"] for n in read["results"]] == [str(mine[0].pk)]
    assert {n["id"] for n in unread["results"]} == {str(mine[1].pk), str(mine[2].pk)}
    # unread_count is the user's whole unread count, beside whatever page the filters give
    assert read["unread_count"] == unread["unread_count"] == 2


def test_list_filters_by_notification_type(as_user, freelancer):
    scored = NotificationFactory(recipient=freelancer, notification_type=NotificationType.PROPOSAL_SCORED)
    NotificationFactory(recipient=freelancer, notification_type=NotificationType.NEW_REVIEW)

    response = as_user(freelancer).get(LIST_URL + "?notification_type=PROPOSAL_SCORED")

    assert response.status_code == 200
    data = response.json()["data"]
    assert [n["id"] for n in data["results"]] == [str(scored.pk)]
    assert data["unread_count"] == 2


def test_list_filters_combine_and_count_only_the_matching_rows(as_user, freelancer, other_freelancer):
    match = NotificationFactory(recipient=freelancer, notification_type=NotificationType.PROPOSAL_SCORED)
    NotificationFactory(
        recipient=freelancer, notification_type=NotificationType.PROPOSAL_SCORED, is_read=True, read_at=timezone.now()
    )
    NotificationFactory(recipient=freelancer, notification_type=NotificationType.NEW_REVIEW)
    NotificationFactory(recipient=other_freelancer, notification_type=NotificationType.PROPOSAL_SCORED)

    data = as_user(freelancer).get(LIST_URL + "?notification_type=PROPOSAL_SCORED&is_read=false").json()["data"]

    assert [n["id"] for n in data["results"]] == [str(match.pk)]
    assert data["count"] == 1
    assert data["unread_count"] == 2


def test_list_with_empty_filter_values_is_the_whole_list(as_user, freelancer, inboxes):
    data = as_user(freelancer).get(LIST_URL + "?is_read=&notification_type=").json()["data"]

    assert (data["count"], data["unread_count"], len(data["results"])) == (3, 2, 3)


def test_list_of_a_filter_matching_nothing_is_an_empty_first_page(as_user, freelancer, inboxes):
    api = as_user(freelancer)

    data = api.get(LIST_URL + "?notification_type=NEW_REVIEW").json()["data"]

    assert (data["count"], data["results"], data["next"], data["unread_count"]) == (0, [], None, 2)
    assert_error(api.get(LIST_URL + "?notification_type=NEW_REVIEW&page=2"), 404)


def test_unknown_notification_type_filter_is_a_400(as_user, freelancer):
    body = assert_error(as_user(freelancer).get(LIST_URL + "?notification_type=NOPE"), 400)
    assert "notification_type" in body["errors"]


def test_page_past_the_end_is_a_404(as_user, freelancer, inboxes):
    assert_error(as_user(freelancer).get(LIST_URL + "?page=5"), 404)


def test_last_page_and_next_links_follow_the_count(as_user, freelancer):
    created = notifications_of(freelancer, 12)
    api = as_user(freelancer)

    last = api.get(LIST_URL + "?page_size=5&page=last").json()["data"]

    assert last["count"] == 12
    assert [n["id"] for n in last["results"]] == [str(n.pk) for n in reversed(created[:2])]
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/notifications/?page=2&page_size=5"


def test_list_paginates_with_page_size(as_user, freelancer):
    notifications_of(freelancer, 12)

    data = as_user(freelancer).get(LIST_URL + "?page_size=5&page=2").json()["data"]

    assert data["count"] == 12
    assert len(data["results"]) == 5
    assert data["next"] and data["previous"]
    assert data["unread_count"] == 12


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", LIST_URL), ("post", MARK_READ_URL), ("post", MARK_ALL_READ_URL), ("get", UNREAD_COUNT_URL)],
)
def test_every_notification_endpoint_needs_authentication(api_client, method, url):
    assert_error(getattr(api_client, method)(url, format="json"), 401)


# --- mark read --------------------------------------------------------------------------------


def test_mark_read_marks_own_notifications_and_sets_read_at(as_user, freelancer, inboxes):
    mine, _ = inboxes
    before = timezone.now()

    response = as_user(freelancer).post(MARK_READ_URL, {"ids": [str(mine[1].pk), str(mine[2].pk)]}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"] == {"updated": 2}
    for notification in mine[1:]:
        notification.refresh_from_db()
        assert notification.is_read is True
        assert notification.read_at >= before - timedelta(seconds=1)


def test_mark_read_with_another_users_ids_changes_nothing(as_user, freelancer, inboxes):
    _, theirs = inboxes

    response = as_user(freelancer).post(MARK_READ_URL, {"ids": [str(n.pk) for n in theirs]}, format="json")

    assert response.status_code == 200
    assert response.json()["data"] == {"updated": 0}
    assert Notification.objects.filter(pk__in=[n.pk for n in theirs], is_read=False, read_at=None).count() == 2


def test_mark_read_counts_only_own_unread_among_mixed_ids(as_user, freelancer, inboxes):
    mine, theirs = inboxes
    ids = [str(mine[0].pk), str(mine[1].pk), str(mine[1].pk), str(theirs[0].pk), str(uuid4())]

    response = as_user(freelancer).post(MARK_READ_URL, {"ids": ids}, format="json")

    assert response.status_code == 200
    assert response.json()["data"] == {"updated": 1}  # mine[0] was already read; duplicates count once
    theirs[0].refresh_from_db()
    assert theirs[0].is_read is False


def test_mark_read_does_not_move_read_at_of_already_read(as_user, freelancer, inboxes):
    mine, _ = inboxes
    first_read_at = Notification.objects.get(pk=mine[0].pk).read_at

    as_user(freelancer).post(MARK_READ_URL, {"ids": [str(mine[0].pk)]}, format="json")

    mine[0].refresh_from_db()
    assert mine[0].read_at == first_read_at


def test_mark_read_is_one_update(as_user, freelancer, django_assert_max_num_queries):
    notifications = notifications_of(freelancer, 50)
    api = as_user(freelancer)
    api.get(UNREAD_COUNT_URL)  # warms last_seen up

    with django_assert_max_num_queries(3) as captured:
        response = api.post(MARK_READ_URL, {"ids": [str(n.pk) for n in notifications]}, format="json")

    assert response.json()["data"] == {"updated": 50}
    assert sum(q["sql"].startswith("UPDATE") for q in captured.captured_queries) == 1


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"ids": "not-a-list"},
        {"ids": ["not-a-uuid"]},
        {"ids": [123]},
        {"ids": []},
        {"ids": [None]},
        {"ids": [str(uuid4()) for _ in range(1001)]},
    ],
)
def test_mark_read_refuses_malformed_ids(as_user, freelancer, inboxes, payload):
    body = assert_error(as_user(freelancer).post(MARK_READ_URL, payload, format="json"), 400)
    assert "ids" in body["errors"]
    assert Notification.objects.filter(recipient=freelancer, is_read=False).count() == 2


def test_mark_read_accepts_1000_ids(as_user, freelancer, inboxes):
    mine, _ = inboxes
    ids = [str(mine[1].pk)] + [str(uuid4()) for _ in range(999)]

    response = as_user(freelancer).post(MARK_READ_URL, {"ids": ids}, format="json")

    assert response.status_code == 200
    assert response.json()["data"] == {"updated": 1}


def test_malformed_json_is_a_400_envelope(as_user, freelancer):
    response = as_user(freelancer).post(MARK_READ_URL, data="{not json", content_type="application/json")
    assert_error(response, 400)


# --- mark all read, unread count --------------------------------------------------------------


def test_mark_all_read_marks_only_own_notifications(as_user, freelancer, other_freelancer, inboxes):
    api = as_user(freelancer)

    response = api.post(MARK_ALL_READ_URL, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"] == {"updated": 2}
    assert not Notification.objects.filter(recipient=freelancer, is_read=False).exists()
    assert not Notification.objects.filter(recipient=freelancer, read_at=None).exists()
    assert Notification.objects.filter(recipient=other_freelancer, is_read=False).count() == 2
    assert api.post(MARK_ALL_READ_URL, format="json").json()["data"] == {"updated": 0}


def test_mark_all_read_is_one_update(as_user, freelancer, django_assert_max_num_queries):
    notifications_of(freelancer, 30)
    api = as_user(freelancer)
    api.get(UNREAD_COUNT_URL)

    with django_assert_max_num_queries(2) as captured:
        response = api.post(MARK_ALL_READ_URL, format="json")

    assert response.json()["data"] == {"updated": 30}
    assert sum(q["sql"].startswith("UPDATE") for q in captured.captured_queries) == 1


def test_unread_count_counts_only_own_unread(as_user, freelancer, other_freelancer, admin_user, inboxes):
    for user, expected in ((freelancer, 2), (other_freelancer, 2), (admin_user, 0)):
        response = as_user(user).get(UNREAD_COUNT_URL)
        assert response.status_code == 200
        body = response.json()
        assert body["success"] is True
        assert body["data"] == {"unread_count": expected}

    as_user(other_freelancer).post(MARK_ALL_READ_URL, format="json")
    assert as_user(freelancer).get(UNREAD_COUNT_URL).json()["data"] == {"unread_count": 2}
    assert as_user(other_freelancer).get(UNREAD_COUNT_URL).json()["data"] == {"unread_count": 0}


def test_admin_sees_only_their_own_notifications_too(as_user, admin_user, inboxes):
    data = as_user(admin_user).get(LIST_URL).json()["data"]
    assert (data["count"], data["unread_count"]) == (0, 0)


# --- query bounds -----------------------------------------------------------------------------


def test_list_query_count_does_not_grow_with_page_size(as_user, freelancer, django_assert_max_num_queries):
    notifications_of(freelancer, 25)
    api = as_user(freelancer)
    api.get(UNREAD_COUNT_URL)
    counts = []
    for size, expected in ((10, 10), (100, 25)):
        with django_assert_max_num_queries(3) as captured:
            response = api.get(LIST_URL + f"?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["data"]["results"]) == expected
        counts.append(len(captured))
    assert counts[0] == counts[1]
