"""Withdraw an item from the catalogue (POST /v1/catalog/items/{code}/retire)."""

from __future__ import annotations

from libs.events.runtime import Runtime
from libs.events.store import load, save
from services.intake.adapters import catalog
from services.intake.domain.catalog import CatalogItem, ItemVersion, RetireItem, item_stream
from services.intake.events import ItemRetired


async def retire_item(*, runtime: Runtime, code: str, order: RetireItem, by: str) -> ItemVersion:
    """Record `catalog.item_retired`; the item stays listed, marked retired."""
    async with runtime.transaction() as conn:
        item = await load(runtime.store, conn, CatalogItem, item_stream(code))
        new = item.retire(
            order, center=runtime.settings.center_code, now=runtime.clock.now(), by=by
        )
        await save(runtime.store, conn, item, new)
        for event in new:
            assert isinstance(event, ItemRetired)
            await catalog.record_retirement(conn, event)
    assert item.current is not None
    return item.current
