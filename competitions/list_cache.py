"""A short-lived shared cache for pages of the public competition list.

The public list is the same for every visitor (no per-user field; only an admin's `status`
filter differs, and that is never cached), and it is the most requested URL of the product. A
page is cached, keyed by the full URL (scheme, host, path and query string: the `next` and
`previous` links are absolute), for `PUBLIC_LIST_CACHE_SECONDS` (0 turns the cache off).

Freshness: every key carries a generation number that any change to a competition or to a
proposal (which moves `proposal_count`) bumps, immediately and again when the transaction
commits. A page read before the commit is stored under the old generation and never served
after it. What no write announces — a client renaming their account, `is_open` turning false
as a submission deadline passes — is at most `PUBLIC_LIST_CACHE_SECONDS` old.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "competitions:list:generation"


def timeout() -> int:
    return settings.PUBLIC_LIST_CACHE_SECONDS


def _start_generation() -> None:
    # Never restart from a number already used: if the counter is evicted, pages stored under
    # its old values must not become current again.
    cache.add(GENERATION_KEY, time.time_ns(), timeout=None)


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        _start_generation()
        generation = cache.get(GENERATION_KEY, 0)
    return generation


def page_key(absolute_url: str) -> str:
    """Read the generation first: a page computed afterwards is stored under it, so a change
    committed meanwhile (which bumps it) can never be hidden behind that page."""
    digest = hashlib.sha256(absolute_url.encode()).hexdigest()
    return f"competitions:list:{_generation()}:{digest}"


def get_page(key: str) -> dict | None:
    return cache.get(key)


def store_page(key: str, data: dict) -> None:
    cache.set(key, data, timeout=timeout())


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # never set, or evicted
        _start_generation()


def invalidate() -> None:
    """Called for every write that can change a list card; cheap (one INCR)."""
    if not timeout():
        return
    _bump()
    transaction.on_commit(_bump)
