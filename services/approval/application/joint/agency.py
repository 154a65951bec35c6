"""A project's people at work: its agent (全程代办), supplements for 补正, 现场会审."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from libs.events.auth import Principal
from libs.events.clock import Clock
from services.approval.application.joint.projects import ProjectView, project_of, project_view
from services.approval.application.ports import ApprovalTx, ApprovalUnit
from services.approval.application.unit import actor_of, commit, load_case
from services.approval.config import Settings
from services.approval.domain import agency, project_rules
from services.approval.domain.case import ApprovalCase
from services.approval.domain.joint_parts import resume_part
from services.approval.domain.projects import Project
from services.approval.events import SiteOpinion


@dataclass(frozen=True)
class AppointAgent:
    """全程代办: the project's agent."""

    project_id: str
    agent: str


async def appoint_agent(
    cmd: AppointAgent,
    *,
    principal: Principal,
    uow: ApprovalUnit,
    clock: Clock,
    settings: Settings,
) -> ProjectView:
    """全程代办: name (or change) the project's agent."""
    async with uow.begin() as tx:
        project = await project_of(tx, cmd.project_id, center=settings.center_code)
        events = agency.appoint_agent(project, agent=cmd.agent, by=principal.sub, now=clock.now())
        await tx.events.save(project, events)
        return await project_view(tx, project)


@dataclass(frozen=True)
class RecordSiteReview:
    """现场会审 of one stage."""

    project_id: str
    stage: str
    held_at: datetime
    place: str
    opinions: list[SiteOpinion]


async def record_site_review(
    cmd: RecordSiteReview,
    *,
    principal: Principal,
    uow: ApprovalUnit,
    clock: Clock,
    settings: Settings,
) -> ProjectView:
    """Attach the meeting and each department's opinion to the stage."""
    async with uow.begin() as tx:
        project = await project_of(tx, cmd.project_id, center=settings.center_code)
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
            now=clock.now(),
        )
        await tx.events.save(project, events)
        return await project_view(tx, project)


@dataclass(frozen=True)
class SupplyMaterials:
    """Materials for a part paused for 补正 (by the agent, for the applicant)."""

    project_id: str
    stage: str
    department: str
    materials: list[str]


async def supply_materials(
    cmd: SupplyMaterials,
    *,
    principal: Principal,
    uow: ApprovalUnit,
    clock: Clock,
    settings: Settings,
) -> ProjectView:
    """Record the supplement on the project and restart the part's clock, in one transaction."""
    async with uow.begin() as tx:
        project = await project_of(tx, cmd.project_id, center=settings.center_code)
        case = await _stage_case(tx, project, cmd.stage)
        part = case.joint.parts.get(cmd.department) if case and case.joint else None
        events = agency.supplement(
            project,
            actor_of(principal),
            stage_code=cmd.stage,
            department=cmd.department,
            paused_for=part.pause.procedure if part and part.pause else None,
            materials=cmd.materials,
            now=clock.now(),
        )
        await tx.events.save(project, events)
        if case is not None and part and part.pause and part.pause.procedure == "correction":
            calendar, now = await tx.calendar(), clock.now()
            resumed = resume_part(case, department=cmd.department, calendar=calendar, now=now)
            await commit(tx, case, resumed, channel=settings.notify_channel)
        return await project_view(tx, project)


async def _stage_case(tx: ApprovalTx, project: Project, code: str) -> ApprovalCase | None:
    stage = next((s for s in project.stages if s.definition.code == code), None)
    return await load_case(tx, stage.case_id) if stage and stage.case_id else None
