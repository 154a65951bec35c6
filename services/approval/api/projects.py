"""Projects (投资建设项目) and their series: stages in order, parts, green channel, 现场会审."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal, Role, require
from libs.events.http import Problem
from libs.events.instants import BeijingRoute
from libs.events.store import load
from services.approval.api.deps import Admin, Ctx, Viewer
from services.approval.api.project_schemas import (
    CODE,
    AgentPut,
    GreenChannelCreate,
    ProjectCreate,
    ProjectRead,
    SeriesPut,
    SeriesRead,
    SiteReviewCreate,
    StageCreate,
    SupplementCreate,
)
from services.approval.application.context import Context
from services.approval.application.joint.projects import (
    CreateProject,
    RecordSiteReview,
    StartStage,
    SupplyMaterials,
    appoint_agent,
    create_project,
    define_series,
    mark_green_channel,
    project_of,
    record_site_review,
    start_next_stage,
    supply_materials,
)
from services.approval.application.unit import load_case
from services.approval.domain.parts import JointState
from services.approval.domain.projects import Project, Series, series_stream

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["projects"])
PathCode = Annotated[str, Path(pattern=CODE)]
Filer = Annotated[Principal, Depends(require(Role.admin, Role.clerk))]
Meeting = Annotated[Principal, Depends(require(Role.admin, Role.clerk, Role.approver))]


def _here(ctx: Context, principal: Principal) -> None:
    if principal.center != ctx.center:
        raise Problem(
            403,
            f"this approval node serves center {ctx.center}",
            detail_zh=f"本审批节点只服务中心 {ctx.center}",
        )


@router.put("/project-series/{code}")
async def put_series(code: PathCode, body: SeriesPut, ctx: Ctx, principal: Admin) -> SeriesRead:
    """Define (or redefine) a project series and its stages, each run by a joint item."""
    _here(ctx, principal)
    async with ctx.runtime.transaction() as conn:
        series = await define_series(
            conn, code=code, name=body.name, stages=body.definitions(), ctx=ctx, by=principal.sub
        )
    return _series_read(series)


@router.get("/project-series/{code}")
async def get_series(code: PathCode, ctx: Ctx, principal: Viewer) -> SeriesRead:
    """A project series and its stages."""
    async with ctx.runtime.engine.connect() as conn:
        series = await load(ctx.store, conn, Series, series_stream(code))
    if series.defined is None:
        raise Problem(404, f"no project series {code}", detail_zh=f"项目系列 {code} 不存在")
    return _series_read(series)


def _series_read(series: Series) -> SeriesRead:
    assert series.defined is not None
    stages = [s.model_dump(include={"code", "name", "item_code"}) for s in series.defined.stages]
    return SeriesRead(code=series.defined.code, name=series.defined.name, stages=stages)


@router.post("/projects", status_code=201)
async def post_project(body: ProjectCreate, ctx: Ctx, principal: Filer) -> ProjectRead:
    """Create a project of a series (with its 全程代办 agent, when named)."""
    _here(ctx, principal)
    cmd = CreateProject(body.series, body.name, body.applicant_name, body.agent or "")
    async with ctx.runtime.transaction() as conn:
        project = await create_project(conn, cmd, ctx=ctx, principal=principal)
        return await _read(conn, ctx, project)


@router.get("/projects/{project_id}")
async def get_project(project_id: PathCode, ctx: Ctx, principal: Viewer) -> ProjectRead:
    """Stages in order, each stage's parts and deadlines, and whom the lead is waiting on."""
    _here(ctx, principal)
    async with ctx.runtime.engine.connect() as conn:
        return await _read(conn, ctx, await project_of(conn, ctx, project_id))


@router.post("/projects/{project_id}/green-channel")
async def post_green_channel(
    project_id: PathCode, body: GreenChannelCreate, ctx: Ctx, principal: Admin
) -> ProjectRead:
    """绿色通道: shortened limits for the stages still to start, tracked by supervision."""
    _here(ctx, principal)
    async with ctx.runtime.transaction() as conn:
        project = await mark_green_channel(
            conn, project_id, factor=body.factor, reason=body.reason, ctx=ctx, principal=principal
        )
        return await _read(conn, ctx, project)


@router.post("/projects/{project_id}/stages")
async def post_stage(
    project_id: PathCode, body: StageCreate, ctx: Ctx, principal: Filer
) -> ProjectRead:
    """Start the next stage with its case; its parts start when the lead department accepts."""
    _here(ctx, principal)
    cmd = StartStage(project_id, body.case_id, list(body.prereview_missing))
    async with ctx.runtime.transaction() as conn:
        project = await start_next_stage(conn, cmd, ctx=ctx, principal=principal)
        return await _read(conn, ctx, project)


@router.post("/projects/{project_id}/site-reviews", status_code=201)
async def post_site_review(
    project_id: PathCode, body: SiteReviewCreate, ctx: Ctx, principal: Meeting
) -> ProjectRead:
    """现场会审: a meeting record with each present department's opinion, on the stage."""
    _here(ctx, principal)
    cmd = RecordSiteReview(project_id, body.stage, body.held_at, body.place, body.recorded())
    async with ctx.runtime.transaction() as conn:
        project = await record_site_review(conn, cmd, ctx=ctx, principal=principal)
        return await _read(conn, ctx, project)


@router.post("/projects/{project_id}/supplements")
async def post_supplement(
    project_id: PathCode, body: SupplementCreate, ctx: Ctx, principal: Filer
) -> ProjectRead:
    """补正 answered (by the agent, for the applicant): the part paused for it runs again."""
    _here(ctx, principal)
    cmd = SupplyMaterials(project_id, body.stage, body.department, list(body.materials))
    async with ctx.runtime.transaction() as conn:
        project = await supply_materials(conn, cmd, ctx=ctx, principal=principal)
        return await _read(conn, ctx, project)


@router.put("/projects/{project_id}/agent")
async def put_agent(
    project_id: PathCode, body: AgentPut, ctx: Ctx, principal: Admin
) -> ProjectRead:
    """全程代办: name the center agent who acts for the applicant through every stage."""
    _here(ctx, principal)
    async with ctx.runtime.transaction() as conn:
        project = await appoint_agent(
            conn, project_id, agent=body.agent, ctx=ctx, principal=principal
        )
        return await _read(conn, ctx, project)


async def _read(conn: AsyncConnection, ctx: Context, project: Project) -> ProjectRead:
    joints: dict[str, JointState] = {}
    for stage in project.stages:
        if stage.started is not None:
            case = await load_case(conn, ctx, stage.case_id)
            if case.joint is not None:
                joints[stage.case_id] = case.joint
    return ProjectRead.of(project, joints)
