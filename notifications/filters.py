"""Filters of the notification list."""

import django_filters
from django.db.models import Q
from django_filters.constants import EMPTY_VALUES

from .models import Notification, NotificationType


class NotificationFilter(django_filters.FilterSet):
    """Plain field lookups only, so the whole filter is one Q (`condition()`): the list counts
    the filtered rows and the user's unread ones in one aggregate over the same condition."""

    is_read = django_filters.BooleanFilter()
    notification_type = django_filters.ChoiceFilter(choices=NotificationType.choices)

    class Meta:
        model = Notification
        fields = ["is_read", "notification_type"]

    def condition(self) -> Q:
        """The validated filters as one Q (empty when none applies). Call is_valid() first."""
        condition = Q()
        for name, value in self.form.cleaned_data.items():
            if value in EMPTY_VALUES:
                continue
            filter_ = self.filters[name]
            # condition() knows plain lookups only: a filter with a method, exclude or distinct
            # would be applied differently by django-filter.
            assert not (filter_.method or filter_.exclude or filter_.distinct), name
            condition &= Q(**{f"{filter_.field_name}__{filter_.lookup_expr}": value})
        return condition

    def filter_queryset(self, queryset):
        return queryset.filter(self.condition())
