"""Query-string filters of the competition lists (django-filter, search, ordering)."""

import re
from functools import lru_cache

import django_filters
from django.db import connection
from django.db.models import FloatField, Func, Q, QuerySet
from rest_framework.filters import OrderingFilter, SearchFilter

from accounts.models import user_is_admin
from freelance_arena.filters import UTCDateTimeFilter

from .models import Competition, CompetitionStatus


class CompetitionFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=CompetitionStatus.choices, method="filter_status")
    budget_min = django_filters.NumberFilter(field_name="budget", lookup_expr="gte")
    budget_max = django_filters.NumberFilter(field_name="budget", lookup_expr="lte")
    deadline_before = UTCDateTimeFilter(field_name="deadline", lookup_expr="lte")
    deadline_after = UTCDateTimeFilter(field_name="deadline", lookup_expr="gte")
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
        # The tie-break runs the same direction as the last key: the (status, key) indexes end
        # with the primary key, so MySQL walks one index in order instead of sorting every row.
        descending = bool(ordering) and ordering[-1].startswith("-")
        return [*ordering, "-id" if descending else "id"]


# InnoDB indexes words of at least innodb_ft_min_token_size (3) characters and skips its
# stopwords; such terms are matched with LIKE instead, inside the rows the index found.
FULLTEXT_MIN_TOKEN = 3
FULLTEXT_COLUMNS = ("title", "description")
_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def innodb_stopwords() -> frozenset[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD")
        return frozenset(row[0].lower() for row in cursor.fetchall())


class MatchAgainst(Func):
    """`MATCH(title, description) AGAINST (%s IN BOOLEAN MODE)`: the relevance, > 0 on a match
    (MariaDB uses the FULLTEXT index for `MATCH(...) > 0` as for a bare MATCH)."""

    template = "MATCH(%(expressions)s) AGAINST (%(query)s IN BOOLEAN MODE)"
    output_field = FloatField()

    def __init__(self, query: str) -> None:
        super().__init__(*FULLTEXT_COLUMNS)
        self.query = query

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, query="%s", **extra_context)
        return sql, (*params, self.query)


class CompetitionSearchFilter(SearchFilter):
    """`?search=` over title and description.

    On MySQL/MariaDB it uses the FULLTEXT index (migration 0003): every word must appear, as a
    word or a word prefix (`dev` finds "developer"), case-insensitively. Words the index cannot
    hold (shorter than 3 characters, InnoDB stopwords) are matched with LIKE within those rows.
    Other databases (DATABASE_URL=sqlite://...) fall back to DRF's LIKE search.
    """

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        if connection.vendor != "mysql":
            return super().filter_queryset(request, queryset, view)
        words = [word for term in self.get_search_terms(request) for word in _WORD.findall(term)]
        if not words:
            return queryset
        stopwords = innodb_stopwords()
        indexed = [w for w in words if len(w) >= FULLTEXT_MIN_TOKEN and w.lower() not in stopwords]
        if indexed:
            relevance = MatchAgainst(" ".join(f"+{word}*" for word in indexed))
            queryset = queryset.alias(search_relevance=relevance).filter(search_relevance__gt=0)
        for word in words:
            if word not in indexed:
                queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset
