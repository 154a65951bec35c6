"""Read the catalogue: the current items, one version, every version of an item."""

from __future__ import annotations

from services.intake.application.common import IntakeUnitOfWork
from services.intake.domain.catalog import ItemVersion
from services.intake.domain.rules import UnknownItem


async def list_items(
    *,
    uow: IntakeUnitOfWork,
    department: str | None = None,
    kind: str | None = None,
    online: bool | None = None,
    retired: bool | None = None,
) -> list[ItemVersion]:
    """The current version of every item, filtered; `retired` keeps only retired (or current)."""
    async with uow.begin() as tx:
        items = await tx.views.current_items(department=department, kind=kind, online=online)
    return [i for i in items if retired is None or (i.retired is not None) == retired]


async def get_item(code: str, version: int | None = None, *, uow: IntakeUnitOfWork) -> ItemVersion:
    """The current version of an item, or the given `version`; UnknownItem when there is none."""
    async with uow.begin() as tx:
        if version is None:
            item = await tx.views.current_item(code)
        else:
            item = await tx.views.item_version(code, version)
    if item is None:
        suffix = "" if version is None else f" version {version}"
        raise UnknownItem(f"item {code}{suffix} is not in the catalogue")
    return item


async def item_versions(code: str, *, uow: IntakeUnitOfWork) -> list[ItemVersion]:
    """Every version of an item, oldest first; UnknownItem when it has none."""
    async with uow.begin() as tx:
        found = await tx.views.item_versions(code)
    if not found:
        raise UnknownItem(f"item {code} is not in the catalogue")
    return found
