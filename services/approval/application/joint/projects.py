"""Project use cases: define a series, create a project, mark it green, start a stage, 现场会审."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.contract.projects import StageDefinition
from services.approval.application.ports import ApprovalTx, ApprovalUnit, JointSubmission
from services.approval.application.unit import actor_of, load_case
from services.approval.config import Settings
from services.approval.domain import joint_rules, project_rules
from services.approval.domain.access import JointCaseNotFiled, JointItemNotHere, ProjectNotHere
from services.approval.domain.case import ApprovalCase
from services.approval.domain.joint import JointItem
from services.approval.domain.joint_rules import StageCaseAlreadyStarted
from services.approval.domain.parts import JointState
from services.approval.domain.project_rules import NewProject
from services.approval.domain.projects import Project, Series, project_stream, series_stream
from services.approval.events import SeriesDefined


@dataclass(frozen=True)
class ProjectView:
    """A project and the joint state of each stage's case that started."""

    project: Project
    joints: dict[str, JointState]


async def project_view(tx: ApprovalTx, project: Project) -> ProjectView:
    """The project with its started stages' parts, as this transaction sees them."""
    joints: dict[str, JointState] = {}
    for stage in project.stages:
        if stage.started is not None:
            case = await load_case(tx, stage.case_id)
            if case.joint is not None:
                joints[stage.case_id] = case.joint
    return ProjectView(project, joints)


async def project_of(tx: ApprovalTx, project_id: str, *, center: str) -> Project:
    """The project, or 404."""
    project = await tx.events.load(Project, project_stream(project_id))
    if project.created is None or project.facts.center != center:
        raise ProjectNotHere(
            f"project {project_id} is not a project of center {center}",
            detail_zh=f"项目 {project_id} 不是中心 {center} 的项目",
        )
    return project


async def read_project(project_id: str, *, uow: ApprovalUnit, settings: Settings) -> ProjectView:
    """Stages in order, each stage's parts and deadlines."""
    async with uow.begin() as tx:
        project = await project_of(tx, project_id, center=settings.center_code)
        return await project_view(tx, project)


@dataclass(frozen=True)
class DefineSeries:
    """A project series and its stages in order."""

    code: str
    name: str
    stages: list[StageDefinition]


async def define_series(
    cmd: DefineSeries, *, principal: Principal, uow: ApprovalUnit, clock: Clock, settings: Settings
) -> Series:
    """Append `project.series_defined`: the series' stages in order."""
    defined = SeriesDefined(
        center=settings.center_code,
        code=cmd.code,
        name=cmd.name,
        stages=cmd.stages,
        by=principal.sub,
        at=clock.now(),
    )
    async with uow.begin() as tx:
        series = await tx.events.load(Series, series_stream(cmd.code))
        await tx.events.save(series, [defined])
    return series


async def read_series(code: str, *, uow: ApprovalUnit) -> Series:
    """A project series (not defined: `defined` is None)."""
    async with uow.begin() as tx:
        return await tx.events.load(Series, series_stream(code))


@dataclass(frozen=True)
class CreateProject:
    """A new project of a series."""

    series: str
    name: str
    applicant_name: str
    agent: str = ""


async def create_project(
    cmd: CreateProject,
    *,
    principal: Principal,
    uow: ApprovalUnit,
    clock: Clock,
    settings: Settings,
) -> ProjectView:
    """Append `project.created` (and the agent's appointment, 全程代办)."""
    async with uow.begin() as tx:
        series = await tx.events.load(Series, series_stream(cmd.series))
        if series.defined is None:
            raise joint_rules.SeriesMustBeDefined(f"no project series {cmd.series} is defined here")
        project_id = uuid.uuid4().hex[:16]
        project = Project(project_stream(project_id))
        new = NewProject(project_id, settings.center_code, cmd.name, cmd.applicant_name, cmd.agent)
        events = project_rules.create(
            project, new, series.defined, by=principal.sub, now=clock.now()
        )
        await tx.events.save(project, events)
        return await project_view(tx, project)


@dataclass(frozen=True)
class MarkGreenChannel:
    """绿色通道 for a project: the factor (the configured one when None) and why."""

    project_id: str
    factor: float | None
    reason: str


async def mark_green_channel(
    cmd: MarkGreenChannel,
    *,
    principal: Principal,
    uow: ApprovalUnit,
    clock: Clock,
    settings: Settings,
) -> ProjectView:
    """绿色通道: stages started from now on get limits shortened by the factor."""
    chosen = settings.green_channel_factor if cmd.factor is None else cmd.factor
    async with uow.begin() as tx:
        project = await project_of(tx, cmd.project_id, center=settings.center_code)
        events = project_rules.mark_green(
            project, factor=chosen, reason=cmd.reason, by=principal.sub, now=clock.now()
        )
        await tx.events.save(project, events)
        return await project_view(tx, project)


async def _stage_case(
    tx: ApprovalTx, case_id: str, *, center: str
) -> tuple[JointSubmission, JointItem, ApprovalCase]:
    """The joint case filed here for a stage, its item, and the case not yet accepted or bound."""
    filed = await tx.views.submission_of(case_id)
    if filed is None or filed.center != center:
        raise JointCaseNotFiled(
            f"no joint case {case_id} was filed at center {center}",
            detail_zh=f"中心 {center} 没有收件编号为 {case_id} 的联办件",
        )
    item = await tx.views.joint_item_of(filed.item_code)
    if item is None:
        raise JointItemNotHere(
            f"joint item {filed.item_code} is not known here",
            detail_zh=f"本中心没有联办事项 {filed.item_code}",
        )
    case = await load_case(tx, case_id)
    if case.opened is not None or case.bound is not None:
        raise StageCaseAlreadyStarted(
            f"case {filed.case_no} was already accepted or bound; file a new case for the stage"
        )
    return filed, item, case


@dataclass(frozen=True)
class StartStage:
    """Name the case of the project's next stage (filed at intake, not yet accepted)."""

    project_id: str
    case_id: str
    prereview_missing: list[str] = field(default_factory=list)


async def start_next_stage(
    cmd: StartStage, *, principal: Principal, uow: ApprovalUnit, clock: Clock, settings: Settings
) -> ProjectView:
    """The case becomes the next stage; its parts start when the lead department accepts it."""
    center = settings.center_code
    async with uow.begin() as tx:
        project = await project_of(tx, cmd.project_id, center=center)
        filed, item, case = await _stage_case(tx, cmd.case_id, center=center)
        events, bound = project_rules.request_next_stage(
            project,
            actor_of(principal),
            case_id=cmd.case_id,
            case_item=filed.item_code,
            item=item,
            prereview_missing=cmd.prereview_missing,
            now=clock.now(),
        )
        await tx.events.save(project, events)
        await tx.events.save(case, [bound])  # the acceptance (same stream) then sees it
        return await project_view(tx, project)
