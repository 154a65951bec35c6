"""A case event with the instant it happened: the unit of the clock ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from libs.events.registry import Event

# The field carrying the business instant of each event type that has one.
INSTANT_FIELDS = (
    "escalated_at",  # before accepted_at: an escalation repeats the acceptance instant
    "opened_at",
    "submitted_at",
    "accepted_at",
    "refused_at",
    "withdrawn_at",
    "returned_at",
    "extended_at",
    "suspended_at",
    "resumed_at",
    "decided_at",
    "deemed_at",
    "delivered_at",
    "started_at",
    "completed_at",
    "closed_at",
    "fired_at",
)


@dataclass(frozen=True)
class Happened:
    """An event and its instant (the store's recording time when the payload has none)."""

    event: Event
    at: datetime


def business_instant(event: Event) -> datetime | None:
    """The instant the payload says the event happened, if it says."""
    for field in _instant_fields(type(event)):
        value = getattr(event, field)
        if isinstance(value, datetime):
            return value
    return None


@cache
def _instant_fields(kind: type[Event]) -> tuple[str, ...]:
    """The instant fields a type declares, in INSTANT_FIELDS order (a field it lacks would be
    looked up through pydantic's slow path, once per event)."""
    return tuple(f for f in INSTANT_FIELDS if f in kind.model_fields)


def instant_of(event: Event, recorded: datetime) -> datetime:
    """When the event happened in the world (when it was recorded, if the payload is silent)."""
    return business_instant(event) or recorded
