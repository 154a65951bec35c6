"""The catalogue read model: every version of every item, the current one being the highest."""

from __future__ import annotations

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.contract import ItemPublished
from services.intake.adapters.tables import catalog_items as t
from services.intake.domain.catalog import ItemVersion
from services.intake.events import ItemRetired


async def record_version(conn: AsyncConnection, event: ItemPublished) -> None:
    """Store a published version next to the earlier ones."""
    await conn.execute(
        insert(t).values(
            code=event.code,
            version=event.version,
            name=event.name,
            department=event.department,
            kind=event.kind,
            online=event.online,
            data=event.model_dump(mode="json", exclude={"center"}),
            published_at=event.published_at,
        )
    )


async def record_retirement(conn: AsyncConnection, event: ItemRetired) -> None:
    """Mark the retired version; a later version (a new law) brings the item back."""
    where = (t.c.code == event.code) & (t.c.version == event.version)
    data = (await conn.execute(select(t.c.data).where(where))).scalar_one()
    retired = event.model_dump(mode="json", exclude={"center", "code", "version"})
    await conn.execute(update(t).where(where).values(data={**data, "retired": retired}))


async def item_version(conn: AsyncConnection, code: str, version: int) -> ItemVersion | None:
    """One version of an item."""
    query = select(t.c.data).where(t.c.code == code, t.c.version == version)
    data = (await conn.execute(query)).scalar_one_or_none()
    return None if data is None else ItemVersion.model_validate(data)


async def current_item(conn: AsyncConnection, code: str) -> ItemVersion | None:
    """The newest version of an item."""
    query = select(t.c.data).where(t.c.code == code).order_by(t.c.version.desc()).limit(1)
    data = (await conn.execute(query)).scalar_one_or_none()
    return None if data is None else ItemVersion.model_validate(data)


async def versions(conn: AsyncConnection, code: str) -> list[ItemVersion]:
    """Every version of an item, oldest first."""
    query = select(t.c.data).where(t.c.code == code).order_by(t.c.version)
    return [ItemVersion.model_validate(d) for d in (await conn.execute(query)).scalars()]


async def current_items(
    conn: AsyncConnection,
    *,
    department: str | None = None,
    kind: str | None = None,
    online: bool | None = None,
) -> list[ItemVersion]:
    """The current version of every item, by code, optionally filtered."""
    newest = select(t.c.code, func.max(t.c.version).label("version")).group_by(t.c.code).subquery()
    query = (
        select(t.c.data)
        .join(newest, (t.c.code == newest.c.code) & (t.c.version == newest.c.version))
        .order_by(t.c.code)
    )
    if department is not None:
        query = query.where(t.c.department == department)
    if kind is not None:
        query = query.where(t.c.kind == kind)
    if online is not None:
        query = query.where(t.c.online == online)
    return [ItemVersion.model_validate(d) for d in (await conn.execute(query)).scalars()]


async def count_items(conn: AsyncConnection) -> int:
    """How many distinct items the catalogue holds."""
    return int((await conn.execute(select(func.count(t.c.code.distinct())))).scalar_one())
