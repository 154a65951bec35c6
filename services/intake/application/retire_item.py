"""Withdraw an item from the catalogue (POST /v1/catalog/items/{code}/retire)."""

from __future__ import annotations

from dataclasses import dataclass

from libs.events.clock import Clock
from services.intake.application.common import IntakeUnitOfWork
from services.intake.domain.catalog import CatalogItem, ItemVersion, RetireItem, item_stream
from services.intake.events import ItemRetired


@dataclass(frozen=True)
class RetireCatalogItem:
    """An administrator withdraws an item: why, and on what legal basis."""

    code: str
    order: RetireItem
    by: str


async def retire_item(
    cmd: RetireCatalogItem, *, uow: IntakeUnitOfWork, clock: Clock, center: str
) -> ItemVersion:
    """Record `catalog.item_retired`; the item stays listed, marked retired."""
    async with uow.begin() as tx:
        item = await tx.events.load(CatalogItem, item_stream(cmd.code))
        new = item.retire(cmd.order, center=center, now=clock.now(), by=cmd.by)
        await tx.events.save(item, new)
        for event in new:
            assert isinstance(event, ItemRetired)
            await tx.views.record_retirement(event)
    assert item.current is not None
    return item.current
