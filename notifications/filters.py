"""Filters of the notification list."""

import django_filters

from .models import Notification, NotificationType


class NotificationFilter(django_filters.FilterSet):
    is_read = django_filters.BooleanFilter()
    notification_type = django_filters.ChoiceFilter(choices=NotificationType.choices)

    class Meta:
        model = Notification
        fields = ["is_read", "notification_type"]
