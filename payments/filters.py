"""Filters of the admin payment list."""

from datetime import date, datetime, time, timedelta

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from .ledger import LedgerTransaction, TransactionKind
from .models import PaymentRecord, PaymentStatus


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class AdminPaymentFilter(django_filters.FilterSet):
    """Dates are whole days, both ends inclusive; a malformed date is a 400."""

    status = django_filters.ChoiceFilter(choices=PaymentStatus.choices)
    created_after = django_filters.DateFilter(
        method="filter_created_after", label="Created on or after this date (YYYY-MM-DD)"
    )
    created_before = django_filters.DateFilter(
        method="filter_created_before", label="Created on or before this date (YYYY-MM-DD)"
    )

    class Meta:
        model = PaymentRecord
        fields = ["status", "created_after", "created_before"]

    # Ranges on created_at itself (not created_at__date) so the index can serve them.
    def filter_created_after(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.filter(created_at__gte=_start_of_day(value))

    def filter_created_before(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        if value == date.max:
            return queryset  # no day after it to bound by, and nothing is created after it
        return queryset.filter(created_at__lt=_start_of_day(value + timedelta(days=1)))


class LedgerFilter(django_filters.FilterSet):
    """The admin ledger: by competition, kind and creation date (whole days, inclusive)."""

    competition = django_filters.UUIDFilter(field_name="competition_id")
    kind = django_filters.ChoiceFilter(choices=TransactionKind.choices)
    created_after = django_filters.DateFilter(method="filter_created_after")
    created_before = django_filters.DateFilter(method="filter_created_before")

    class Meta:
        model = LedgerTransaction
        fields = ["competition", "kind", "created_after", "created_before"]

    filter_created_after = AdminPaymentFilter.filter_created_after
    filter_created_before = AdminPaymentFilter.filter_created_before
