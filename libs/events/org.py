"""Every service's copy of the organisation's names: centers and their departments.

Intake appends `org.center_named` and `org.department_named` (its catalogue's organisation);
each service (intake included) applies them from `case-events` to its own `org_names` table,
so receipts, decisions, reports and the dashboard print names, never codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table, and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.contract import CenterNamed, DepartmentNamed
from libs.events.envelope import Envelope
from libs.events.registry import Event

metadata = MetaData()

CENTER = "center"
DEPARTMENT = "department"

org_names = Table(
    "org_names",
    metadata,
    Column("kind", String(16), primary_key=True),  # center | department
    Column("center", String(64), primary_key=True),
    Column("code", String(64), primary_key=True),  # the center's own code for a center
    Column("name", String(200), nullable=False),
    Column("named_at", DateTime(timezone=True), nullable=False),
)


async def store_name(
    conn: AsyncConnection, *, kind: str, center: str, code: str, name: str
) -> None:
    """Keep a name, replacing an earlier one (the same name seen twice changes nothing)."""
    t = org_names
    where = and_(t.c.kind == kind, t.c.center == center, t.c.code == code)
    stored = (await conn.execute(select(t.c.name).where(where))).scalar()
    if stored == name:
        return
    values = {"name": name, "named_at": datetime.now(UTC)}
    if stored is None:
        await conn.execute(insert(t).values(kind=kind, center=center, code=code, **values))
    else:
        await conn.execute(update(t).where(where).values(**values))


async def apply_named(conn: AsyncConnection, event: Event) -> None:
    """Apply `org.center_named` or `org.department_named` to this service's names."""
    if isinstance(event, CenterNamed):
        await store_name(conn, kind=CENTER, center=event.center, code=event.center, name=event.name)
    elif isinstance(event, DepartmentNamed):
        await store_name(
            conn, kind=DEPARTMENT, center=event.center, code=event.code, name=event.name
        )


async def when_named_store_name(conn: AsyncConnection, _: Envelope, event: Event) -> None:
    """Consumer handler: apply a name to this service's copy."""
    await apply_named(conn, event)


@dataclass(frozen=True)
class Names:
    """Center and department names as known here; a code stands in for an unknown name."""

    centers: dict[str, str] = field(default_factory=dict)
    departments: dict[tuple[str, str], str] = field(default_factory=dict)

    def center(self, code: str) -> str:
        """The center's name, or its code."""
        return self.centers.get(code) or code

    def department(self, center: str, code: str) -> str:
        """The department's name at that center, or its code."""
        return self.departments.get((center, code)) or code


async def names(conn: AsyncConnection) -> Names:
    """Every name this service knows."""
    rows = (await conn.execute(select(org_names))).all()
    centers = {r.code: r.name for r in rows if r.kind == CENTER}
    departments = {(r.center, r.code): r.name for r in rows if r.kind == DEPARTMENT}
    return Names(centers, departments)
