"""What a project allows: creation, the green channel, the agent, stages in order, site reviews."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from libs.events.calendar import WorkCalendar
from libs.events.clock import SHANGHAI
from libs.events.contract import JointCompleted, JointStarted
from libs.events.contract.projects import (
    ProjectAgentAppointed,
    ProjectCompleted,
    ProjectCreated,
    ProjectGreenChannelMarked,
    ProjectStageCompleted,
    ProjectStageStarted,
    ProjectStageWithdrawn,
    WorkStageBound,
)
from libs.events.registry import Event
from services.approval.domain import joint_rules as rules
from services.approval.domain.case import Actor
from services.approval.domain.joint import JointItem
from services.approval.domain.projects import Project, StageState
from services.approval.events import (
    ProjectSiteReviewRecorded,
    ProjectStageRequested,
    SeriesDefined,
    SiteOpinion,
)


@dataclass(frozen=True)
class NewProject:
    """What creating a project says."""

    project_id: str
    center: str
    name: str
    applicant_name: str
    agent: str = ""


def create(
    project: Project, new: NewProject, series: SeriesDefined, *, by: str, now: datetime
) -> list[Event]:
    """A project of a defined series, optionally with its 全程代办 agent."""
    created = ProjectCreated(
        project_id=new.project_id,
        center=new.center,
        name=new.name,
        series=series.code,
        series_name=series.name,
        stages=series.stages,
        applicant_name=new.applicant_name,
        created_by=by,
        created_at=now,
    )
    if not new.agent:
        return [created]
    base = {"project_id": new.project_id, "center": new.center}
    return [created, ProjectAgentAppointed(**base, agent=new.agent, by=by, at=now)]


def mark_green(
    project: Project, *, factor: float, reason: str, by: str, now: datetime
) -> list[Event]:
    """绿色通道: limits of the stages still to start shrink by `factor`."""
    ensure_open(project)
    if not 0 < factor <= 1:
        raise rules.GreenChannelFactor(f"the factor is above 0 and at most 1, not {factor}")
    return [
        ProjectGreenChannelMarked(**project.base(), factor=factor, reason=reason, by=by, at=now)
    ]


def request_next_stage(
    project: Project,
    actor: Actor,
    *,
    case_id: str,
    case_item: str,
    item: JointItem,
    prereview_missing: Sequence[str],
    now: datetime,
) -> tuple[list[Event], WorkStageBound]:
    """The next stage's case: the previous stage approved, the right item, the agent acting."""
    ensure_open(project)
    stage = _next(project)
    acting_for(project, actor)
    if case_item != stage.definition.item_code:
        raise rules.StageItemMustMatch(
            f"stage {stage.definition.name} runs item {stage.definition.item_code},"
            f" case {case_id} is of item {case_item}"
        )
    _tolerable(project, item, prereview_missing)
    requested = ProjectStageRequested(
        **project.base(),
        stage=stage.definition.code,
        stage_name=stage.definition.name,
        case_id=case_id,
        item_code=case_item,
        by=actor.sub,
        on_behalf_of=project.facts.applicant_name if project.agent else "",
        prereview_missing=list(prereview_missing),
        at=now,
    )
    bound = WorkStageBound(
        case_id=case_id,
        center=project.facts.center,
        project_id=project.base()["project_id"],
        stage=stage.definition.code,
        stage_name=stage.definition.name,
        factor=project.green.factor if project.green else 1.0,
        bound_at=now,
    )
    return [requested], bound


def _next(project: Project) -> StageState:
    stage = project.next_stage()
    if stage is None:
        raise rules.ProjectIsClosed(f"project {project.facts.name} has no stage left to start")
    index = project.stages.index(stage)
    if index and project.stages[index - 1].status != "approved":
        previous = project.stages[index - 1]
        raise rules.StagesRunInOrder(
            f"stage {stage.definition.name} starts after {previous.definition.name}"
            f" is approved (it is {previous.status})"
        )
    return stage


def acting_for(project: Project, actor: Actor) -> None:
    if project.agent and actor.sub != project.agent and actor.role != "admin":
        raise rules.OnlyTheAgentActsForTheApplicant(
            f"project {project.facts.name} is handled by its agent {project.agent} (全程代办)"
        )


def _tolerable(project: Project, item: JointItem, missing: Sequence[str]) -> None:
    if not missing:
        return
    if project.green is None:
        raise rules.PreReviewNeedsGreenChannel(
            "容缺预审 with missing materials is for green-channel projects"
        )
    unknown = sorted(set(missing) - item.materials)
    key = sorted(set(missing) & item.key_materials)
    if unknown or key:
        raise rules.KeyMaterialsCannotBeTolerated(
            f"item {item.code}: key materials {key} may not be missing; unknown {unknown}"
        )


def stage_started(project: Project, started: JointStarted, *, deadline_limit: int) -> list[Event]:
    """The stage's parts started at the lead's acceptance."""
    stage = project.stage_of_case(started.case_id)
    if stage is None or stage.started is not None:
        return []
    due = started.stage_deadline or max(started.parts.values())
    return [
        ProjectStageStarted(
            **project.base(),
            stage=stage.definition.code,
            case_id=started.case_id,
            started_at=started.started_at,
            limit_days=deadline_limit,
            deadline=due,
            due_day=due.astimezone(SHANGHAI).date(),
            parts=started.parts,
            green_channel=project.green is not None,
        )
    ]


def stage_completed(
    project: Project, completed: JointCompleted, *, deadline: datetime, calendar: WorkCalendar
) -> list[Event]:
    """The stage ended with its case; the project ends with a denial or its last stage."""
    stage = project.stage_of_case(completed.case_id)
    if stage is None or stage.started is None or stage.completed is not None:
        return []
    start = stage.started.started_at.astimezone(SHANGHAI).date()
    end = completed.completed_at.astimezone(SHANGHAI).date()
    elapsed = max(calendar.working_days_between(start, end), 0)
    done = ProjectStageCompleted(
        **project.base(),
        stage=stage.definition.code,
        case_id=completed.case_id,
        outcome=completed.outcome,
        completed_at=completed.completed_at,
        elapsed_days=elapsed,
        on_time=completed.completed_at <= deadline,
        reasons=completed.reasons,
        denied_by=completed.denied_by,
        result_to=project.agent or project.facts.applicant_name,
    )
    last = stage is project.stages[-1]
    if completed.outcome == "approved" and not last:
        return [done]
    total = project.elapsed_days + elapsed
    finished = ProjectCompleted(
        **project.base(),
        outcome=completed.outcome,
        completed_at=completed.completed_at,
        elapsed_days=total,
    )
    return [done, finished]


def stage_withdrawn(project: Project, *, case_id: str, at: datetime) -> list[Event]:
    """撤回 of the stage's case before its decision: the stage is open to a new filing."""
    stage = project.stage_of_case(case_id)
    if stage is None or stage.completed is not None:
        return []
    return [
        ProjectStageWithdrawn(**project.base(), stage=stage.definition.code, case_id=case_id, at=at)
    ]


def record_site_review(
    project: Project,
    *,
    stage_code: str,
    review_id: str,
    held_at: datetime,
    place: str,
    opinions: Sequence[SiteOpinion],
    parts: Sequence[str],
    by: str,
    now: datetime,
) -> list[Event]:
    """现场会审: every department present is a part of the stage and gives its opinion."""
    try:
        stage = project.stage(stage_code)
    except KeyError:
        raise rules.SiteReviewNeedsItsDepartments(
            f"project {project.facts.name} has no stage {stage_code}"
        ) from None
    present = [o.department for o in opinions]
    strangers = sorted(set(present) - set(parts))
    if not opinions or strangers or len(set(present)) != len(present):
        raise rules.SiteReviewNeedsItsDepartments(
            f"stage {stage.definition.name}: one opinion per department of its parts"
            f" ({', '.join(parts) or 'not started'}); not parts: {strangers}"
        )
    return [
        ProjectSiteReviewRecorded(
            **project.base(),
            review_id=review_id,
            stage=stage_code,
            held_at=held_at,
            place=place,
            opinions=list(opinions),
            recorded_by=by,
            recorded_at=now,
        )
    ]


def ensure_open(project: Project) -> None:
    if project.finished is not None:
        raise rules.ProjectIsClosed(
            f"project {project.facts.name} is {project.finished.outcome}; nothing more to start"
        )
