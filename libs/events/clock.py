"""A replaceable clock: the system clock in services, a fixed one in tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Protocol
from zoneinfo import ZoneInfo

from pydantic import PlainSerializer

__all__ = ["SHANGHAI", "BeijingTime", "Clock", "FixedClock", "SystemClock"]

# Deadlines and working days follow Beijing time whatever the host's zone is.
SHANGHAI = ZoneInfo("Asia/Shanghai")


def beijing_iso(moment: datetime) -> str:
    """An instant as ISO 8601 in Beijing time (+08:00); a naive one is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).isoformat()


def beijing_midnight(day: date, *, after: bool = False) -> datetime:
    """Midnight in Beijing starting `day` (or the day after it, for an inclusive end), in UTC."""
    start = datetime.combine(day + timedelta(days=1 if after else 0), time(), tzinfo=SHANGHAI)
    return start.astimezone(UTC)


# The one form of an instant in API answers: ISO 8601 with +08:00 (storage stays UTC).
BeijingTime = Annotated[
    datetime, PlainSerializer(beijing_iso, return_type=str, when_used="json-unless-none")
]


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
