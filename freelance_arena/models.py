"""Model helpers shared by the apps."""

from typing import Any


class TrackedFieldsMixin:
    """Remembers the loaded value of `tracked_fields` so post_save receivers can tell whether a
    field *changed* (a status that became OPEN, a score that was set), without a query."""

    tracked_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._snapshot_tracked_fields()

    def _snapshot_tracked_fields(self) -> None:
        # __dict__ and not getattr: a deferred field must not cost a query here.
        self._tracked_original = {name: self.__dict__.get(name) for name in self.tracked_fields}

    def tracked_original(self, name: str) -> Any:
        return self._tracked_original.get(name)

    def tracked_changed(self, name: str) -> bool:
        return self._tracked_original.get(name) != self.__dict__.get(name)

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)  # post_save receivers run in here and see the change
        self._snapshot_tracked_fields()

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._snapshot_tracked_fields()
