"""Filter parts shared by the apps' list filters."""

from datetime import UTC, datetime

import django_filters
from django import forms


class UTCDateTimeField(forms.DateTimeField):
    """A datetime that also exists in UTC (and so in the database).

    `9999-12-31T23:59:59-05:00` parses, but it is year 10000 in UTC: the query would raise
    OverflowError (a 500) when Django converts it for MySQL. Here it is a validation error (400),
    as the serializers' DateTimeField already answers on create.
    """

    default_error_messages = {"out_of_range": "Enter a date and time between years 1 and 9999 in UTC."}

    def to_python(self, value) -> datetime | None:
        result = super().to_python(value)
        if result is not None:
            try:
                result.astimezone(UTC)
            except (OverflowError, ValueError) as exc:
                raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range") from exc
        return result


class UTCDateTimeFilter(django_filters.DateTimeFilter):
    """django-filter's DateTimeFilter, refusing (400) a value outside UTC's range of years."""

    field_class = UTCDateTimeField
