"""A link's state, measured: up while round trips (parent) or heartbeats (child) keep coming."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

State = Literal["up", "down"]


@dataclass(frozen=True)
class LinkRow:
    """What this node recorded of one link (the `links` row)."""

    center: str
    direction: Literal["upstream", "downstream"]
    last_delivery_at: datetime | None = None
    last_sent_at: datetime | None = None
    last_contact_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    alerted_at: datetime | None = None


@dataclass(frozen=True)
class Measured:
    """What was measured of one link."""

    center: str
    direction: Literal["upstream", "downstream"]
    last_contact_at: datetime | None
    backlog: int
    oldest_undelivered_at: datetime | None
    delivered_up_at: datetime | None
    delivered_down_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    alerted_at: datetime | None


def state_at(link: Measured, now: datetime, *, down_after: float) -> State:
    """Up when the last contact is recent enough."""
    if link.last_contact_at is None:
        return "down"
    return "up" if now - link.last_contact_at <= timedelta(seconds=down_after) else "down"


def down_for(link: Measured, now: datetime, *, down_after: float) -> float:
    """Seconds the link has been down (0 while up); never contacted counts from its first error."""
    if state_at(link, now, down_after=down_after) == "up":
        return 0.0
    since = link.last_contact_at or link.last_error_at or link.oldest_undelivered_at
    return (now - since).total_seconds() if since else 0.0


def needs_alert(link: Measured, now: datetime, *, down_after: float, alert_after: float) -> bool:
    """Down longer than allowed, and not yet alerted in this down spell."""
    long_down = down_for(link, now, down_after=down_after) > alert_after
    return long_down and link.alerted_at is None


def age_s(moment: datetime | None, now: datetime) -> float | None:
    """Seconds since `moment`."""
    return None if moment is None else round((now - moment).total_seconds(), 3)
