"""The organisation: this center's name and its departments' names (data, not configuration)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from libs.events.auth import Principal
from libs.events.http import Problem, RequestBody
from libs.events.instants import BeijingRoute
from libs.events.runtime import Runtime
from services.intake.api.deps import Admin, RuntimeDep
from services.intake.application.name_org import center_names, name_center, name_department
from services.intake.domain.catalog import CODE_PATTERN

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


def _own_center(principal: Principal, runtime: Runtime) -> None:
    if principal.center != runtime.settings.center_code:
        raise Problem(
            403,
            f"this intake node names center {runtime.settings.center_code} only",
            detail_zh=f"本收件节点只能为中心 {runtime.settings.center_code} 命名",
        )


@router.get("", response_model=OrgRead)
async def get_org(runtime: RuntimeDep) -> OrgRead:
    """This center's name and its departments' names; public, like the hall's directory."""
    center = runtime.settings.center_code
    known = await center_names(runtime)
    departments = sorted(
        (code, name) for (c, code), name in known.departments.items() if c == center
    )
    return OrgRead(
        center=NamedRead(code=center, name=known.center(center)),
        departments=[NamedRead(code=code, name=name) for code, name in departments],
    )


@router.put("/center", response_model=NamedRead)
async def put_center(
    body: NamePut, principal: Admin, runtime: RuntimeDep, response: Response
) -> NamedRead:
    """Name this center (`org.center_named`); 200 when it already had that name."""
    _own_center(principal, runtime)
    changed = await name_center(runtime=runtime, name=body.name.strip(), by=principal.sub)
    response.status_code = 201 if changed else 200
    return NamedRead(code=runtime.settings.center_code, name=body.name.strip())


@router.put("/departments/{code}", response_model=NamedRead)
async def put_department(
    code: DepartmentCode, body: NamePut, principal: Admin, runtime: RuntimeDep, response: Response
) -> NamedRead:
    """Name a department of this center (`org.department_named`); 200 when unchanged."""
    _own_center(principal, runtime)
    name = body.name.strip()
    changed = await name_department(runtime=runtime, code=code, name=name, by=principal.sub)
    response.status_code = 201 if changed else 200
    return NamedRead(code=code, name=name)
