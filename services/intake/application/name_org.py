"""The organisation's names: this center and its departments, as events every service applies."""

from __future__ import annotations

from libs.events.clock import Clock
from libs.events.contract import CenterNamed, DepartmentNamed
from libs.events.org import CENTER, DEPARTMENT, Names
from services.intake.application.common import IntakeUnitOfWork


def org_stream(kind: str, code: str) -> str:
    """The stream holding one center's or department's names."""
    return f"org-{kind}-{code}"


async def name_center(
    name: str, by: str, *, uow: IntakeUnitOfWork, clock: Clock, center: str
) -> bool:
    """Name this center; False when it already had that name (nothing appended)."""
    event = CenterNamed(center=center, name=name, by=by, named_at=clock.now())
    return await _name(uow, CENTER, center, event)


async def name_department(
    code: str, name: str, by: str, *, uow: IntakeUnitOfWork, clock: Clock, center: str
) -> bool:
    """Name one of this center's departments; False when unchanged."""
    event = DepartmentNamed(center=center, code=code, name=name, by=by, named_at=clock.now())
    return await _name(uow, DEPARTMENT, code, event)


async def _name(
    uow: IntakeUnitOfWork, kind: str, code: str, event: CenterNamed | DepartmentNamed
) -> bool:
    async with uow.begin() as tx:
        if await tx.views.org_name(kind, event.center, code) == event.name:
            return False
        stream = org_stream(kind, code)
        await tx.events.append(stream, await tx.events.version(stream), [event])
        await tx.views.store_name(kind=kind, center=event.center, code=code, name=event.name)
    return True


async def center_names(*, uow: IntakeUnitOfWork) -> Names:
    """Every name intake knows (its own center's, and others' it has heard of)."""
    async with uow.begin() as tx:
        return await tx.views.org_names()
