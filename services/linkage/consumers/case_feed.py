"""This node's case events, turned into crossings of its links."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.linkage.application.context import Linkage
from services.linkage.application.forward import when_local_event_cross_links


async def when_case_event(conn: AsyncConnection, lk: Linkage, env: Envelope, _: Event) -> None:
    """Every case event of the `links` subscription: up to the parent, or down to a child."""
    await when_local_event_cross_links(conn, lk, env)
