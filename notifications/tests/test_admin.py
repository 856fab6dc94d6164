"""The notification admin: the selected notifications are marked read in one UPDATE."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/notification/"


def test_changelist_and_filters_load(admin_site, freelancer):
    NotificationFactory.create_batch(3, recipient=freelancer)

    assert admin_site.get(CHANGELIST).status_code == 200
    assert admin_site.get(CHANGELIST + "?is_read__exact=0&notification_type__exact=NEW_REVIEW").status_code == 200
    assert admin_site.get(CHANGELIST + "?q=charlie").status_code == 200


def test_mark_all_read_action_marks_only_the_selected_in_one_update(admin_site, freelancer):
    selected = NotificationFactory.create_batch(3, recipient=freelancer)
    untouched = NotificationFactory(recipient=freelancer)

    with CaptureQueriesContext(connection) as captured:
        response = admin_site.post(
            CHANGELIST, {"action": "mark_all_read", "_selected_action": [str(n.pk) for n in selected]}
        )

    assert response.status_code == 302
    assert Notification.objects.filter(pk__in=[n.pk for n in selected], is_read=True).exclude(read_at=None).count() == 3
    untouched.refresh_from_db()
    assert untouched.is_read is False
    updates = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE `notifications_notification`")
    ]
    assert len(updates) == 1
