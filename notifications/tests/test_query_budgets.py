"""Query budget of the notification list: a pinned number of SQL queries per request, the same
for a full page of 10 and a full page of 100 (what is counted: freelance_arena/testing/budgets.py)."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from freelance_arena.testing.budgets import ROWS, full_page, warm_up
from notifications.models import Notification, NotificationType

pytestmark = pytest.mark.django_db


def notifications_of_charlie(cast) -> None:
    """ROWS unread PROPOSAL_SCORED, ROWS read NEW_REVIEW; dana's are noise."""
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=cast.charlie,
                notification_type=NotificationType.PROPOSAL_SCORED,
                params={"text": [f"Scored {i}", "Your proposal was scored."]},
                related_competition_id=uuid.uuid4(),
                related_proposal_id=uuid.uuid4(),
            )
            for i in range(ROWS)
        ]
        + [
            Notification(
                recipient=cast.charlie,
                notification_type=NotificationType.NEW_REVIEW,
                params={"text": [f"Review {i}", "You were reviewed."]},
                is_read=True,
                read_at=now,
            )
            for i in range(ROWS)
        ]
        + [
            Notification(
                recipient=cast.dana, notification_type=NotificationType.NEW_REVIEW, params={"text": ["x", "y"]}
            )
            for _ in range(20)
        ]
    )


@pytest.mark.query_budget("notifications:list")
@pytest.mark.parametrize(
    ("params", "count", "every_row"),
    [
        ({}, 2 * ROWS, {}),
        ({"is_read": "false"}, ROWS, {"is_read": False}),
        (
            {"notification_type": NotificationType.NEW_REVIEW},
            ROWS,
            {"notification_type": NotificationType.NEW_REVIEW, "is_read": True},
        ),
    ],
    ids=["all", "unread", "of-a-type"],
)
def test_notifications(params, count, every_row, cast, as_user, django_assert_num_queries):
    notifications_of_charlie(cast)
    client, url = as_user(cast.charlie), reverse("notifications:list")
    warm_up(client, url, params)

    with django_assert_num_queries(3):
        ten = client.get(url, {**params, "page_size": 10})
    with django_assert_num_queries(3):
        hundred = client.get(url, {**params, "page_size": 100})

    full_page(ten, 10)
    page = full_page(hundred, 100)
    assert page["count"] == count
    assert page["unread_count"] == ROWS  # all of charlie's unread, whatever the filters
    for key, value in every_row.items():
        assert {row[key] for row in page["results"]} == {value}
