"""A replaceable clock: the system clock in services, a fixed one in tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI", "Clock", "FixedClock", "SystemClock"]

# Deadlines and working days follow Beijing time whatever the host's zone is.
SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    """Anything that tells the current instant."""

    def now(self) -> datetime:
        """Return the current instant, timezone-aware, in UTC."""
        ...


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: a timezone is required")
    return moment.astimezone(UTC)


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the current instant in UTC."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to, for tests and replays."""

    def __init__(self, at: datetime) -> None:
        self._now = _as_utc(at)

    def now(self) -> datetime:
        """Return the instant the clock was set to, in UTC."""
        return self._now

    def set(self, at: datetime) -> None:
        """Move the clock to an aware instant (backwards too)."""
        self._now = _as_utc(at)

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by delta and return the new instant."""
        self._now += delta
        return self._now
