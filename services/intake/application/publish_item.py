"""Publish a new version of a catalogue item (PUT /v1/catalog/items/{code})."""

from __future__ import annotations

from dataclasses import dataclass

from libs.events.contract import ItemPublished
from libs.events.runtime import Runtime
from libs.events.store import load, save
from services.intake.adapters import catalog
from services.intake.domain.catalog import CatalogItem, ItemSpec, ItemVersion, item_stream


@dataclass(frozen=True)
class Published:
    """The item's current version, and whether this call created it."""

    item: ItemVersion
    created: bool


async def publish_item(*, runtime: Runtime, code: str, spec: ItemSpec, by: str) -> Published:
    """A new version when the spec changed; the same version again when it did not."""
    async with runtime.transaction() as conn:
        item = await load(runtime.store, conn, CatalogItem, item_stream(code))
        new = item.publish(
            code, spec, center=runtime.settings.center_code, now=runtime.clock.now(), by=by
        )
        if new:
            await save(runtime.store, conn, item, new)
            for event in new:
                assert isinstance(event, ItemPublished)
                await catalog.record_version(conn, event)
    assert item.current is not None
    return Published(item.current, bool(new))
