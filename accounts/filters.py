"""Query filters of the accounts lists."""

import django_filters
from django.db.models import QuerySet

from .models import Role, User


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = User
        fields = ["role", "is_active"]


class FreelancerFilter(django_filters.FilterSet):
    skills = django_filters.CharFilter(
        method="filter_skills", help_text="Comma-separated; every term must appear in the skills."
    )

    class Meta:
        model = User
        fields = ["skills"]

    def filter_skills(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        for term in (item.strip() for item in value.split(",")):
            if term:
                queryset = queryset.filter(skills__icontains=term)
        return queryset
