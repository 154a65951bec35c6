"""This node's case events, turned into crossings of its links."""

from __future__ import annotations

from libs.events.envelope import Envelope
from libs.events.registry import Event
from libs.events.uow import Transaction
from services.linkage.application.forward import when_local_event_cross_links
from services.linkage.application.node import Node
from services.linkage.application.ports import LinkageViews


async def when_case_event(
    tx: Transaction[LinkageViews], env: Envelope, event: Event, *, node: Node
) -> None:
    """Every case event of the `links` subscription: up to the parent, or down to a child."""
    await when_local_event_cross_links(tx, env, event, node=node)
