"""Publish a new version of a catalogue item (PUT /v1/catalog/items/{code})."""

from __future__ import annotations

from dataclasses import dataclass

from libs.events.clock import Clock
from libs.events.contract import ItemPublished
from services.intake.application.common import IntakeUnitOfWork
from services.intake.domain.catalog import CatalogItem, ItemSpec, ItemVersion, item_stream


@dataclass(frozen=True)
class PublishItem:
    """An administrator's version of an item."""

    code: str
    spec: ItemSpec
    by: str


@dataclass(frozen=True)
class Published:
    """The item's current version, and whether this call created it."""

    item: ItemVersion
    created: bool


async def publish_item(
    cmd: PublishItem, *, uow: IntakeUnitOfWork, clock: Clock, center: str
) -> Published:
    """A new version when the spec changed; the same version again when it did not."""
    async with uow.begin() as tx:
        item = await tx.events.load(CatalogItem, item_stream(cmd.code))
        new = item.publish(cmd.code, cmd.spec, center=center, now=clock.now(), by=cmd.by)
        if new:
            await tx.events.save(item, new)
            for event in new:
                assert isinstance(event, ItemPublished)
                await tx.views.record_version(event)
    assert item.current is not None
    return Published(item.current, bool(new))
