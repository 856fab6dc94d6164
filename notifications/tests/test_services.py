"""Mark-read services: scoped to the recipient, one UPDATE, read_at stamped."""

import pytest

from notifications import services
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_mark_read_ignores_ids_of_other_recipients(freelancer, other_freelancer):
    mine = NotificationFactory(recipient=freelancer)
    theirs = NotificationFactory(recipient=other_freelancer)

    assert services.mark_read(user=freelancer, ids=[mine.pk, theirs.pk]) == 1

    assert Notification.objects.get(pk=mine.pk).read_at is not None
    theirs.refresh_from_db()
    assert (theirs.is_read, theirs.read_at) == (False, None)


def test_unread_count_and_mark_all_read(freelancer, other_freelancer):
    NotificationFactory.create_batch(3, recipient=freelancer)
    NotificationFactory(recipient=other_freelancer)

    assert services.unread_count(user=freelancer) == 3
    assert services.mark_all_read(user=freelancer) == 3
    assert services.unread_count(user=freelancer) == 0
    assert services.unread_count(user=other_freelancer) == 1
