"""Query-string filters of the competition lists (django-filter)."""

import django_filters
from rest_framework.filters import OrderingFilter

from accounts.models import user_is_admin

from .models import Competition, CompetitionStatus


class CompetitionFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=CompetitionStatus.choices, method="filter_status")
    budget_min = django_filters.NumberFilter(field_name="budget", lookup_expr="gte")
    budget_max = django_filters.NumberFilter(field_name="budget", lookup_expr="lte")
    deadline_before = django_filters.DateTimeFilter(field_name="deadline", lookup_expr="lte")
    deadline_after = django_filters.DateTimeFilter(field_name="deadline", lookup_expr="gte")
    tags = django_filters.CharFilter(field_name="tags", lookup_expr="icontains")

    # The public list honours `status` for admins only; everybody else always gets OPEN.
    status_for_admins_only = False

    class Meta:
        model = Competition
        fields = ["category", "status", "budget_min", "budget_max", "deadline_before", "deadline_after", "tags"]

    def filter_status(self, queryset, name: str, value: str):
        if self.status_for_admins_only and not user_is_admin(getattr(self.request, "user", None)):
            return queryset
        return queryset.filter(status=value)


class PublicCompetitionFilter(CompetitionFilter):
    status_for_admins_only = True


class MyCompetitionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CompetitionStatus.choices)

    class Meta:
        model = Competition
        fields = ["status"]


class StableOrderingFilter(OrderingFilter):
    """DRF's OrderingFilter (unknown fields ignored) plus `id` as the last key, so rows with
    equal budgets or deadlines keep one order across pages (no row shown twice or skipped)."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view) or []
        return [*ordering, "id"]
