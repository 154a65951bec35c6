"""The organisation's names: this center and its departments, as events every service applies."""

from __future__ import annotations

from sqlalchemy import and_, select

from libs.events import org
from libs.events.contract import CenterNamed, DepartmentNamed
from libs.events.org import CENTER, DEPARTMENT, org_names, store_name
from libs.events.runtime import Runtime


def org_stream(kind: str, code: str) -> str:
    """The stream holding one center's or department's names."""
    return f"org-{kind}-{code}"


async def name_center(*, runtime: Runtime, name: str, by: str) -> bool:
    """Name this center; False when it already had that name (nothing appended)."""
    center = runtime.settings.center_code
    event = CenterNamed(center=center, name=name, by=by, named_at=runtime.clock.now())
    return await _name(runtime, CENTER, center, event)


async def name_department(*, runtime: Runtime, code: str, name: str, by: str) -> bool:
    """Name one of this center's departments; False when unchanged."""
    center = runtime.settings.center_code
    event = DepartmentNamed(
        center=center, code=code, name=name, by=by, named_at=runtime.clock.now()
    )
    return await _name(runtime, DEPARTMENT, code, event)


async def _name(
    runtime: Runtime, kind: str, code: str, event: CenterNamed | DepartmentNamed
) -> bool:
    center = runtime.settings.center_code
    t = org_names
    where = and_(t.c.kind == kind, t.c.center == center, t.c.code == code)
    async with runtime.transaction() as conn:
        if (await conn.execute(select(t.c.name).where(where))).scalar() == event.name:
            return False
        stream = org_stream(kind, code)
        version = await runtime.store.version(conn, stream)
        await runtime.store.append(conn, stream, version, [event])
        await store_name(conn, kind=kind, center=center, code=code, name=event.name)
    return True


async def center_names(runtime: Runtime) -> org.Names:
    """Every name intake knows (its own center's, and others' it has heard of)."""
    async with runtime.engine.connect() as conn:
        return await org.names(conn)
