"""Read replica routing, active only when `DB_REPLICA_HOST` is set (see settings and README).

Reads go to the `replica` alias, except where they must see the primary:

- inside a transaction on the primary (a count taken after `select_for_update()`, the checks
  a state machine re-reads under its lock: a lagging replica would break every race guard);
- for the rest of a request once it has written, and for every unsafe request (POST, PUT,
  PATCH, DELETE) as a whole, so a view reads back what it has just written.

Writes and migrations always go to the primary (`default`).
"""

from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_pinned_to_primary: ContextVar[bool] = ContextVar("pinned_to_primary", default=False)


def pin_to_primary() -> None:
    """Send every later read of this request (or command) to the primary."""
    _pinned_to_primary.set(True)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if _pinned_to_primary.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        pin_to_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same data: objects read from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaPinningMiddleware:
    """Starts each request unpinned, and pins unsafe requests to the primary from the start."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _pinned_to_primary.set(request.method not in SAFE_METHODS)
        try:
            return self.get_response(request)
        finally:
            _pinned_to_primary.reset(token)
