"""Project use cases: define a series, create a project, mark it green, start a stage, 现场会审."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from libs.events.contract.projects import StageDefinition
from libs.events.http import Problem
from libs.events.store import load, save
from services.approval.adapters import joint_store
from services.approval.application.context import Context
from services.approval.application.unit import actor_of, commit, load_case
from services.approval.domain import agency, joint_rules, project_rules
from services.approval.domain.joint_parts import resume_part
from services.approval.domain.joint_rules import StageCaseAlreadyStarted
from services.approval.domain.project_rules import NewProject
from services.approval.domain.projects import Project, Series, project_stream, series_stream
from services.approval.events import SeriesDefined, SiteOpinion


async def define_series(
    conn: AsyncConnection,
    *,
    code: str,
    name: str,
    stages: list[StageDefinition],
    ctx: Context,
    by: str,
) -> Series:
    """Append `project.series_defined`: the series' stages in order."""
    series = await load(ctx.store, conn, Series, series_stream(code))
    defined = SeriesDefined(
        center=ctx.center, code=code, name=name, stages=stages, by=by, at=ctx.now()
    )
    await save(ctx.store, conn, series, [defined])
    return series


async def project_of(conn: AsyncConnection, ctx: Context, project_id: str) -> Project:
    """The project, or 404."""
    project = await load(ctx.store, conn, Project, project_stream(project_id))
    if project.created is None or project.facts.center != ctx.center:
        raise Problem(
            404,
            f"project {project_id} is not a project of center {ctx.center}",
            detail_zh=f"项目 {project_id} 不是中心 {ctx.center} 的项目",
        )
    return project


@dataclass(frozen=True)
class CreateProject:
    """A new project of a series."""

    series: str
    name: str
    applicant_name: str
    agent: str = ""


async def create_project(
    conn: AsyncConnection, cmd: CreateProject, *, ctx: Context, principal: Principal
) -> Project:
    """Append `project.created` (and the agent's appointment, 全程代办)."""
    series = await load(ctx.store, conn, Series, series_stream(cmd.series))
    if series.defined is None:
        raise joint_rules.SeriesMustBeDefined(f"no project series {cmd.series} is defined here")
    project_id = uuid.uuid4().hex[:16]
    project = Project(project_stream(project_id))
    new = NewProject(project_id, ctx.center, cmd.name, cmd.applicant_name, cmd.agent)
    events = project_rules.create(project, new, series.defined, by=principal.sub, now=ctx.now())
    await save(ctx.store, conn, project, events)
    return project


async def mark_green_channel(
    conn: AsyncConnection,
    project_id: str,
    *,
    factor: float | None,
    reason: str,
    ctx: Context,
    principal: Principal,
) -> Project:
    """绿色通道: stages started from now on get limits shortened by the factor."""
    project = await project_of(conn, ctx, project_id)
    chosen = ctx.settings.green_channel_factor if factor is None else factor
    events = project_rules.mark_green(
        project, factor=chosen, reason=reason, by=principal.sub, now=ctx.now()
    )
    await save(ctx.store, conn, project, events)
    return project


@dataclass(frozen=True)
class StartStage:
    """Name the case of the project's next stage (filed at intake, not yet accepted)."""

    project_id: str
    case_id: str
    prereview_missing: list[str] = field(default_factory=list)


async def start_next_stage(
    conn: AsyncConnection, cmd: StartStage, *, ctx: Context, principal: Principal
) -> Project:
    """The case becomes the next stage; its parts start when the lead department accepts it."""
    project = await project_of(conn, ctx, cmd.project_id)
    filed = await joint_store.submission_of(conn, cmd.case_id)
    if filed is None or filed["center"] != ctx.center:
        raise Problem(
            404,
            f"no joint case {cmd.case_id} was filed at center {ctx.center}",
            detail_zh=f"中心 {ctx.center} 没有收件编号为 {cmd.case_id} 的联办件",
        )
    item = await joint_store.joint_item_of(conn, filed["item_code"])
    if item is None:
        raise Problem(
            404,
            f"joint item {filed['item_code']} is not known here",
            detail_zh=f"本中心没有联办事项 {filed['item_code']}",
        )
    case = await load_case(conn, ctx, cmd.case_id)
    if case.opened is not None or case.bound is not None:
        raise StageCaseAlreadyStarted(
            f"case {filed['case_no']} was already accepted or bound; file a new case for the stage"
        )
    events, bound = project_rules.request_next_stage(
        project,
        actor_of(principal),
        case_id=cmd.case_id,
        case_item=filed["item_code"],
        item=item,
        prereview_missing=cmd.prereview_missing,
        now=ctx.now(),
    )
    await save(ctx.store, conn, project, events)
    await save(ctx.store, conn, case, [bound])  # the acceptance (same stream) then sees it
    return project


@dataclass(frozen=True)
class RecordSiteReview:
    """现场会审 of one stage."""

    project_id: str
    stage: str
    held_at: datetime
    place: str
    opinions: list[SiteOpinion]


async def record_site_review(
    conn: AsyncConnection, cmd: RecordSiteReview, *, ctx: Context, principal: Principal
) -> Project:
    """Attach the meeting and each department's opinion to the stage."""
    project = await project_of(conn, ctx, cmd.project_id)
    parts: list[str] = []
    for stage in project.stages:
        if stage.definition.code == cmd.stage and stage.started is not None:
            parts = list(stage.started.parts)
    events = project_rules.record_site_review(
        project,
        stage_code=cmd.stage,
        review_id=uuid.uuid4().hex[:12],
        held_at=cmd.held_at,
        place=cmd.place,
        opinions=cmd.opinions,
        parts=parts,
        by=principal.sub,
        now=ctx.now(),
    )
    await save(ctx.store, conn, project, events)
    return project


@dataclass(frozen=True)
class SupplyMaterials:
    """Materials for a part paused for 补正 (by the agent, for the applicant)."""

    project_id: str
    stage: str
    department: str
    materials: list[str]


async def supply_materials(
    conn: AsyncConnection, cmd: SupplyMaterials, *, ctx: Context, principal: Principal
) -> Project:
    """Record the supplement on the project and restart the part's clock, in one transaction."""
    project = await project_of(conn, ctx, cmd.project_id)
    stage = next((s for s in project.stages if s.definition.code == cmd.stage), None)
    case = await load_case(conn, ctx, stage.case_id) if stage and stage.case_id else None
    part = None
    if case is not None and case.joint is not None:
        part = case.joint.parts.get(cmd.department)
    events = agency.supplement(
        project,
        actor_of(principal),
        stage_code=cmd.stage,
        department=cmd.department,
        paused_for=part.pause.procedure if part and part.pause else None,
        materials=cmd.materials,
        now=ctx.now(),
    )
    await save(ctx.store, conn, project, events)
    if (
        case is not None
        and part is not None
        and part.pause
        and part.pause.procedure == "correction"
    ):
        calendar = await ctx.runtime.calendar(conn)
        resumed = resume_part(case, department=cmd.department, calendar=calendar, now=ctx.now())
        await commit(conn, ctx, case, resumed)
    return project


async def appoint_agent(
    conn: AsyncConnection, project_id: str, *, agent: str, ctx: Context, principal: Principal
) -> Project:
    """全程代办: name (or change) the project's agent."""
    project = await project_of(conn, ctx, project_id)
    events = agency.appoint_agent(project, agent=agent, by=principal.sub, now=ctx.now())
    await save(ctx.store, conn, project, events)
    return project
