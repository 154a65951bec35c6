"""The organisation: this center's name and its departments' names (data, not configuration)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from libs.events.auth import Principal
from libs.events.http import RequestBody
from libs.events.instants import BeijingRoute
from services.intake.api.deps import Admin, AppDep
from services.intake.application.name_org import center_names, name_center, name_department
from services.intake.domain.catalog import CODE_PATTERN
from services.intake.domain.rules import NamesItsCenterOnly

router = APIRouter(route_class=BeijingRoute, prefix="/v1/org", tags=["organisation"])
DepartmentCode = Annotated[str, Path(pattern=CODE_PATTERN, description="the department's code")]


class NamePut(RequestBody):
    """A name as people read it (e.g. 泉州市行政服务中心, 市场监督管理局)."""

    name: str = Field(min_length=1, max_length=200, pattern=r"\S")


class NamedRead(BaseModel):
    """A code and its name."""

    code: str
    name: str


class OrgRead(BaseModel):
    """This center and its named departments."""

    center: NamedRead
    departments: list[NamedRead]


def _own_center(principal: Principal, center: str) -> None:
    if principal.center != center:
        raise NamesItsCenterOnly(
            f"this intake node names center {center} only",
            detail_zh=f"本收件节点只能为中心 {center} 命名",
        )


@router.get("")
async def get_org(app: AppDep) -> OrgRead:
    """This center's name and its departments' names; public, like the hall's directory."""
    center = app.settings.center_code
    known = await center_names(uow=app.uow)
    departments = sorted(
        (code, name) for (c, code), name in known.departments.items() if c == center
    )
    return OrgRead(
        center=NamedRead(code=center, name=known.center(center)),
        departments=[NamedRead(code=code, name=name) for code, name in departments],
    )


@router.put("/center")
async def put_center(body: NamePut, principal: Admin, app: AppDep, response: Response) -> NamedRead:
    """Name this center (`org.center_named`); 200 when it already had that name."""
    center = app.settings.center_code
    _own_center(principal, center)
    name = body.name.strip()
    changed = await name_center(name, principal.sub, uow=app.uow, clock=app.clock, center=center)
    response.status_code = 201 if changed else 200
    return NamedRead(code=center, name=name)


@router.put("/departments/{code}")
async def put_department(
    code: DepartmentCode, body: NamePut, principal: Admin, app: AppDep, response: Response
) -> NamedRead:
    """Name a department of this center (`org.department_named`); 200 when unchanged."""
    center = app.settings.center_code
    _own_center(principal, center)
    name = body.name.strip()
    changed = await name_department(
        code, name, principal.sub, uow=app.uow, clock=app.clock, center=center
    )
    response.status_code = 201 if changed else 200
    return NamedRead(code=code, name=name)
