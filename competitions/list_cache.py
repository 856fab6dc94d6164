"""A short-lived shared cache for pages of the public competition list.

The public list is the same for every visitor (no per-user field; only an admin's `status`
filter differs, and that is never cached), and it is the most requested URL of the product. A
page is cached, keyed by the full URL (scheme, host, path and query string: the `next` and
`previous` links are absolute), for `PUBLIC_LIST_CACHE_SECONDS` (0 turns the cache off).

Freshness: every stored page carries the generation number read before it was computed, and
any change to a competition or to a proposal (which moves `proposal_count`) bumps the
generation, immediately and again when the transaction commits. A page read before the commit
carries the old generation and is never served after it. What no write announces (a client
renaming their account, `is_open` turning false as a submission deadline passes) is at most
`PUBLIC_LIST_CACHE_SECONDS` old.
"""

import hashlib
import time
from typing import NamedTuple

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


class Lookup(NamedTuple):
    key: str
    generation: int
    data: dict | None  # the cached page, or None: compute it and store() it


def lookup(absolute_url: str) -> Lookup:
    """One round trip for the generation and the page. A stored page carries the generation read
    before it was computed: a write committed meanwhile bumps the generation, so that page never
    matches again."""
    key = "competitions:list:page:" + hashlib.sha256(absolute_url.encode()).hexdigest()
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        _start_generation()
        generation = cache.get(GENERATION_KEY, 0)
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return Lookup(key, generation, entry[1])
    return Lookup(key, generation, None)


def store(page: Lookup, data: dict) -> None:
    cache.set(page.key, (page.generation, data), timeout=timeout())


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
