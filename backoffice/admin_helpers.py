"""Small pieces the apps' admin classes share: compact columns and titled filters."""

from django.contrib import admin
from django.utils import timezone
from django.utils.text import Truncator

EMPTY = "\N{EN DASH}"  # what the admin shows for an empty value


class CompactChangelist:
    """Mixin for a ModelAdmin whose changelist must fit a laptop: dates and money never wrap."""

    class Media:
        css = {"all": ["backoffice/admin.css"]}


def titled(filter_class: type[admin.ListFilter], title: str) -> type[admin.ListFilter]:
    """`filter_class` with its own title: two `status` filters (a proposal's and its
    competition's) were both shown as "By status"."""

    class TitledFilter(filter_class):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.title = title

    TitledFilter.__name__ = f"{filter_class.__name__}_{title.replace(' ', '_')}"
    return TitledFilter


def short(text: str, length: int = 40) -> str:
    return Truncator(text or "").chars(length)


def day(value) -> str:
    """A date column that fits a laptop's changelist: `2026-12-03` (UTC), or a dash."""
    if value is None:
        return EMPTY
    return timezone.localtime(value).strftime("%Y-%m-%d")


def money(amount, currency: str) -> str:
    return f"{amount:,.2f} {currency}" if amount is not None else EMPTY
