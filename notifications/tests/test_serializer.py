"""NotificationSerializer writes its dict by hand (the list is the SPA's most frequent request):
it must stay exactly what DRF's ModelSerializer gives for the same declared fields."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone
from rest_framework import serializers

from notifications.models import NotificationType
from notifications.serializers import NotificationSerializer
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def generic(notification) -> dict:
    """What ModelSerializer.to_representation makes of the serializer's declared fields."""
    return dict(serializers.ModelSerializer.to_representation(NotificationSerializer(), notification))


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"is_read": True, "read_at": timezone.now() - timedelta(minutes=3)},
        {"related_competition_id": uuid4(), "related_proposal_id": uuid4()},
        {"notification_type": NotificationType.NEW_REVIEW, "title": "Ünïcode “quotes”", "message": ""},
    ],
    ids=["unread", "read", "related ids", "text"],
)
def test_hand_written_representation_equals_the_generic_one(freelancer, fields):
    notification = NotificationFactory(recipient=freelancer, **fields)
    notification.refresh_from_db()  # the values as the list reads them

    fast = NotificationSerializer(notification).data

    assert fast == generic(notification)
    assert list(fast) == NotificationSerializer.Meta.fields
    assert fast["created_at"].endswith("Z")


def test_list_serializer_uses_it(freelancer):
    notifications = NotificationFactory.create_batch(3, recipient=freelancer, related_proposal_id=uuid4())

    data = NotificationSerializer(notifications, many=True).data

    assert data == [generic(n) for n in notifications]
