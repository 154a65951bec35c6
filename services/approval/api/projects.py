"""Projects (投资建设项目) and their series: stages in order, parts, green channel, 现场会审."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from libs.events.auth import Principal, Role, require
from libs.events.instants import BeijingRoute
from services.approval.api.deps import Admin, AppDep, Viewer, here
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
from services.approval.application.joint.agency import (
    AppointAgent,
    RecordSiteReview,
    SupplyMaterials,
    appoint_agent,
    record_site_review,
    supply_materials,
)
from services.approval.application.joint.projects import (
    CreateProject,
    DefineSeries,
    MarkGreenChannel,
    ProjectView,
    StartStage,
    create_project,
    define_series,
    mark_green_channel,
    read_project,
    read_series,
    start_next_stage,
)
from services.approval.domain.access import SeriesNotFound
from services.approval.domain.projects import Series

router = APIRouter(route_class=BeijingRoute, prefix="/v1", tags=["projects"])
PathCode = Annotated[str, Path(pattern=CODE)]
Filer = Annotated[Principal, Depends(require(Role.admin, Role.clerk))]
Meeting = Annotated[Principal, Depends(require(Role.admin, Role.clerk, Role.approver))]


def _read(view: ProjectView) -> ProjectRead:
    return ProjectRead.of(view.project, view.joints)


@router.put("/project-series/{code}")
async def put_series(
    code: PathCode, body: SeriesPut, approval: AppDep, principal: Admin
) -> SeriesRead:
    """Define (or redefine) a project series and its stages, each run by a joint item."""
    here(approval, principal)
    series = await define_series(
        DefineSeries(code, body.name, body.definitions()),
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
    )
    return _series_read(series)


@router.get("/project-series/{code}")
async def get_series(code: PathCode, approval: AppDep, principal: Viewer) -> SeriesRead:
    """A project series and its stages."""
    series = await read_series(code, uow=approval.uow)
    if series.defined is None:
        raise SeriesNotFound(f"no project series {code}", detail_zh=f"项目系列 {code} 不存在")
    return _series_read(series)


def _series_read(series: Series) -> SeriesRead:
    assert series.defined is not None
    stages = [s.model_dump(include={"code", "name", "item_code"}) for s in series.defined.stages]
    return SeriesRead(code=series.defined.code, name=series.defined.name, stages=stages)


@router.post("/projects", status_code=201)
async def post_project(body: ProjectCreate, approval: AppDep, principal: Filer) -> ProjectRead:
    """Create a project of a series (with its 全程代办 agent, when named)."""
    here(approval, principal)
    cmd = CreateProject(body.series, body.name, body.applicant_name, body.agent or "")
    view = await create_project(
        cmd,
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
    )
    return _read(view)


@router.get("/projects/{project_id}")
async def get_project(project_id: PathCode, approval: AppDep, principal: Viewer) -> ProjectRead:
    """Stages in order, each stage's parts and deadlines, and whom the lead is waiting on."""
    here(approval, principal)
    return _read(await read_project(project_id, uow=approval.uow, settings=approval.settings))


@router.post("/projects/{project_id}/green-channel")
async def post_green_channel(
    project_id: PathCode, body: GreenChannelCreate, approval: AppDep, principal: Admin
) -> ProjectRead:
    """绿色通道: shortened limits for the stages still to start, tracked by supervision."""
    here(approval, principal)
    view = await mark_green_channel(
        MarkGreenChannel(project_id, body.factor, body.reason),
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
    )
    return _read(view)


@router.post("/projects/{project_id}/stages")
async def post_stage(
    project_id: PathCode, body: StageCreate, approval: AppDep, principal: Filer
) -> ProjectRead:
    """Start the next stage with its case; its parts start when the lead department accepts."""
    here(approval, principal)
    view = await start_next_stage(
        StartStage(project_id, body.case_id, list(body.prereview_missing)),
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
    )
    return _read(view)


@router.post("/projects/{project_id}/site-reviews", status_code=201)
async def post_site_review(
    project_id: PathCode, body: SiteReviewCreate, approval: AppDep, principal: Meeting
) -> ProjectRead:
    """现场会审: a meeting record with each present department's opinion, on the stage."""
    here(approval, principal)
    view = await record_site_review(
        RecordSiteReview(project_id, body.stage, body.held_at, body.place, body.recorded()),
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
    )
    return _read(view)


@router.post("/projects/{project_id}/supplements")
async def post_supplement(
    project_id: PathCode, body: SupplementCreate, approval: AppDep, principal: Filer
) -> ProjectRead:
    """补正 answered (by the agent, for the applicant): the part paused for it runs again."""
    here(approval, principal)
    view = await supply_materials(
        SupplyMaterials(project_id, body.stage, body.department, list(body.materials)),
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
    )
    return _read(view)


@router.put("/projects/{project_id}/agent")
async def put_agent(
    project_id: PathCode, body: AgentPut, approval: AppDep, principal: Admin
) -> ProjectRead:
    """全程代办: name the center agent who acts for the applicant through every stage."""
    here(approval, principal)
    view = await appoint_agent(
        AppointAgent(project_id, body.agent),
        principal=principal,
        uow=approval.uow,
        clock=approval.clock,
        settings=approval.settings,
    )
    return _read(view)
