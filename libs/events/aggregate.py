"""Aggregates folded from their streams (pure: the unit of work loads and saves them)."""

from __future__ import annotations

from libs.events.registry import Event


class Aggregate:
    """State folded from one stream; `when` changes state, rules live in the subclass's methods."""

    def __init__(self, stream_id: str) -> None:
        self.stream_id = stream_id
        self.version = 0

    def apply(self, event: Event) -> None:
        """Fold one event and count it."""
        self.when(event)
        self.version += 1

    def when(self, event: Event) -> None:
        """Subclasses fold the events they know; others leave the state as it is."""
