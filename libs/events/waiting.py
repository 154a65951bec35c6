"""Streams parked because one of their events waits for another aggregate's event (`Waiting`).

Such a wait is an ordinary race between keys or topics, not a fault: the stream is parked
with reason `waiting` (its later events held behind it, in order) and replayed without an
operator: at once when this consumer applies an event of the awaited subject, and otherwise
on a back-off without deadline (the awaited event may have been applied by another instance
of the group, or before a restart). Other streams go on meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from libs.events import parking
from libs.events.applier import Applier
from libs.events.replay import replay_one, replay_stream

FIRST_RETRY_S = 0.5
LONGEST_RETRY_S = 30.0


class Waits:
    """The waiting streams of one consumer and when to try them again."""

    def __init__(self, applier: Applier) -> None:
        self.applier = applier
        self.by_subject: dict[str, set[str]] = {}  # awaited subject -> streams parked for it
        self.interval = FIRST_RETRY_S
        self.due = 0.0  # the first poll at once: waits parked before a restart

    def parked(self, subject: str, stream: str) -> None:
        """A stream was just parked waiting for an event of `subject`."""
        self.by_subject.setdefault(subject, set()).add(stream)
        self.interval = FIRST_RETRY_S
        self.due = min(self.due, time.monotonic() + FIRST_RETRY_S)

    async def applied(self, subjects: Iterable[str]) -> None:
        """Events of these subjects were applied: replay the streams that waited for them."""
        if not self.by_subject:
            return
        streams = {s for subject in set(subjects) for s in self.by_subject.pop(subject, ())}
        for stream in sorted(streams):
            await replay_stream(self.applier, stream, unless_blocked=True)

    async def poll(self) -> None:
        """When due, replay every record of this consumer still waiting; back off while any do."""
        if time.monotonic() < self.due:
            return
        rows = await parking.waiting(self.applier.engine, self.applier.name)
        for row in rows:
            if row.stream is None:
                await replay_one(self.applier, row)
        for stream in dict.fromkeys(r.stream for r in rows if r.stream is not None):
            await replay_stream(self.applier, stream, unless_blocked=True)
        self.interval = min(self.interval * 2, LONGEST_RETRY_S) if rows else LONGEST_RETRY_S
        self.due = time.monotonic() + self.interval
