"""Light changes as a live feed: read from the service's own event store, so every process
serves the same feed and a client that reconnects resumes after the last position it saw."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from libs.events.uow import UnitOfWork
from services.supervision.application.ports import SupervisionViews
from services.supervision.domain.scope import Scope


async def light_feed(
    scope: Scope, *, uow: UnitOfWork[SupervisionViews], poll_seconds: float, after: int | None
) -> AsyncIterator[tuple[int, str, dict[str, Any]]]:
    """Yield visible light events as they are stored, forever."""
    if after is None:
        async with uow.begin() as tx:
            after = await tx.views.last_position()
    position = after
    while True:
        async with uow.begin() as tx:
            reached, found = await tx.views.changes_after(position, scope)
        for item in found:
            yield item
        if reached == position:
            await asyncio.sleep(poll_seconds)
        position = reached
