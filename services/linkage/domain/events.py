"""Linkage's own events: they cross links but no other service reads them.

Topics (on the parent's broker, with the parent's prefix): children push to `link-up`; the
parent publishes what it sends down on `link-down`, which each child reads with its own group.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from libs.events.registry import Event, Registry, UnknownEventType, registry

LINK_UP = "link-up"
LINK_DOWN = "link-down"


class LinkTypes(Registry):
    """Linkage's own types first, then the contract's (kept out of the contract's registry)."""

    def load(self, type_name: str, data: dict[str, Any]) -> Event:
        """The model of a link event, else of a contract event (upcast when older)."""
        try:
            return super().load(type_name, data)
        except UnknownEventType:
            return registry.load(type_name, data)


link_types = LinkTypes()


@link_types.register("onewindow.link.heartbeat.v1", topic=LINK_UP)
class LinkHeartbeat(Event):
    """A child tells its parent it is there; the broker's acknowledgement is the round trip."""

    center: str
    name: str = ""
    parent: str
    sent_at: datetime


@link_types.register("onewindow.link.acknowledged.v1", topic=LINK_UP)
class LinkAcknowledged(Event):
    """A child applied an event its parent sent down."""

    center: str
    event_id: str
    acknowledged_at: datetime
