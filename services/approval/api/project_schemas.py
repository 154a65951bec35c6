"""Request and response bodies of joint approval and projects (XCreate / XRead)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, model_validator

from libs.events.contract.projects import StageDefinition
from libs.events.http import RequestBody, invalid
from services.approval.api.agency_schemas import SiteReviewRead, SupplementRead
from services.approval.domain.parts import JointState, Part
from services.approval.domain.projects import Project, StageState
from services.approval.events import SiteOpinion

CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
Code = Annotated[str, StringConstraints(pattern=CODE)]
# Names and reasons people read: no control characters (they cannot be stored or printed).
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=r"^[^\x00-\x1f]+$")]


class StageIn(RequestBody):
    """A stage of a series: code, name and its joint item."""

    code: Code
    name: Name
    item_code: Code


class SeriesPut(RequestBody):
    """A project series and its stages in order."""

    name: Name
    stages: list[StageIn] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _stage_codes_are_unique(self) -> Self:
        codes = [s.code for s in self.stages]
        if len(set(codes)) != len(codes):
            raise invalid(
                "StageCodesAreUnique",
                f"stages: each stage code appears once, not {codes}",
                "同一系列的各阶段编码不得重复",
            )
        return self

    def definitions(self) -> list[StageDefinition]:
        """As event payloads."""
        return [StageDefinition(**s.model_dump()) for s in self.stages]


class SeriesRead(BaseModel):
    """A defined series."""

    code: str
    name: str
    stages: list[dict[str, str]]


class ProjectCreate(RequestBody):
    """A new project: its series, name, enterprise and (全程代办) the center agent."""

    series: Code
    name: Name
    applicant_name: Name
    agent: Code | None = None


class GreenChannelCreate(RequestBody):
    """绿色通道: the factor limits are multiplied by (default: the configured one)."""

    factor: float | None = Field(default=None, gt=0, le=1)
    reason: Reason


class StageCreate(RequestBody):
    """Start the next stage with its case (filed at intake, accepted later by the lead)."""

    case_id: Code
    prereview_missing: list[Code] = Field(default=[], max_length=50)


class SupplementCreate(RequestBody):
    """补正 answered for one part of the running stage."""

    stage: Code
    department: Code
    materials: list[Code] = Field(min_length=1, max_length=50)


class AgentPut(RequestBody):
    """全程代办: the center agent acting for the applicant."""

    agent: Code


class SiteOpinionIn(RequestBody):
    """One present department's opinion."""

    department: Code
    attendee: Name
    opinion: Literal["agree", "agree_with_conditions", "disagree"]
    comment: Annotated[str, StringConstraints(max_length=2000, pattern=r"^[^\x00-\x08]*$")] = ""


class SiteReviewCreate(RequestBody):
    """现场会审: when, where, and each present department's opinion."""

    stage: Code
    held_at: AwareDatetime
    place: Name
    opinions: list[SiteOpinionIn] = Field(min_length=1, max_length=50)

    def recorded(self) -> list[SiteOpinion]:
        """As event payloads."""
        return [SiteOpinion(**o.model_dump()) for o in self.opinions]


class PauseRead(BaseModel):
    """A pause: its procedure, when it began, and (once resumed) what it cost."""

    procedure: str
    since: datetime
    reason: str
    until: datetime | None
    working_days: int
    expected_days: int | None
    expected_until: date | None


class PartRead(BaseModel):
    """One department's part: its step, holder, deadline, pause and decision."""

    department: str
    status: str
    step: str
    assignee: str | None
    limit_days: int
    deadline: datetime
    suspended: PauseRead | None
    pauses: list[PauseRead]
    decided_by: str
    decided_at: datetime | None
    reasons: str

    @classmethod
    def of(cls, part: Part) -> PartRead:
        """The view of a part."""
        return cls(
            department=part.department,
            status=part.status,
            step=part.step,
            assignee=part.assignee,
            limit_days=part.limit_days,
            deadline=part.deadline.at,
            suspended=PauseRead.model_validate(vars(part.pause)) if part.pause else None,
            pauses=[PauseRead.model_validate(vars(p)) for p in part.pauses],
            decided_by=part.decided_by,
            decided_at=part.decided_at,
            reasons=part.reasons,
        )


class JointRead(BaseModel):
    """A joint case's stage: lead, parts, and which departments the lead is waiting on."""

    stage: str
    project_id: str
    lead_department: str
    started_at: datetime
    outcome: str | None
    denied_by: str
    waiting_on: list[str]
    parts: list[PartRead]

    @classmethod
    def of(cls, joint: JointState) -> JointRead:
        """The view of a joint state."""
        return cls(
            stage=joint.stage,
            project_id=joint.project_id,
            lead_department=joint.lead,
            started_at=joint.started_at,
            outcome=joint.outcome,
            denied_by=joint.denied_by,
            waiting_on=joint.waiting_on(),
            parts=[PartRead.of(p) for p in joint.parts.values()],
        )


class StageRead(BaseModel):
    """One stage of a project as far as it got."""

    code: str
    name: str
    item_code: str
    status: str
    case_id: str
    requested_by: str
    on_behalf_of: str
    prereview_missing: list[str]
    started_at: datetime | None
    deadline: datetime | None
    completed_at: datetime | None
    elapsed_days: int | None
    on_time: bool | None
    reasons: str
    result_to: str
    joint: JointRead | None
    site_reviews: list[SiteReviewRead]
    supplements: list[SupplementRead]

    @classmethod
    def of(cls, stage: StageState, joint: JointState | None) -> StageRead:
        """The view of a stage, with its case's parts once started."""
        started, done = stage.started, stage.completed
        return cls(
            **stage.definition.model_dump(include={"code", "name", "item_code"}),
            status=stage.status,
            case_id=stage.case_id,
            requested_by=stage.requested_by,
            on_behalf_of=stage.on_behalf_of,
            prereview_missing=list(stage.prereview_missing),
            started_at=started.started_at if started else None,
            deadline=started.deadline if started else None,
            completed_at=done.completed_at if done else None,
            elapsed_days=done.elapsed_days if done else None,
            on_time=done.on_time if done else None,
            reasons=done.reasons if done else "",
            result_to=done.result_to if done else "",
            joint=JointRead.of(joint) if joint else None,
            site_reviews=[
                SiteReviewRead.model_validate(r.model_dump()) for r in stage.site_reviews
            ],
            supplements=[SupplementRead.model_validate(e.model_dump()) for e in stage.supplements],
        )


class GreenChannelRead(BaseModel):
    """绿色通道: how much the limits shrink, why, who marked it and when."""

    factor: float
    reason: str
    by: str
    at: datetime


class ProjectRead(BaseModel):
    """A project: its stages in order, parts and deadlines, green channel, agent, elapsed days."""

    project_id: str
    center: str
    name: str
    series: str
    series_name: str
    applicant_name: str
    agent: str
    green_channel: GreenChannelRead | None
    status: str
    elapsed_days: int
    stages: list[StageRead]
    version: int

    @classmethod
    def of(cls, project: Project, joints: dict[str, JointState]) -> ProjectRead:
        """The view of a project; `joints` are the started stages' cases by case id."""
        facts = project.facts
        return cls(
            project_id=project.base()["project_id"],
            center=facts.center,
            name=facts.name,
            series=facts.series,
            series_name=facts.series_name,
            applicant_name=facts.applicant_name,
            agent=project.agent,
            green_channel=GreenChannelRead.model_validate(vars(project.green))
            if project.green
            else None,
            status=project.finished.outcome if project.finished else "running",
            elapsed_days=project.elapsed_days,
            stages=[StageRead.of(s, joints.get(s.case_id)) for s in project.stages],
            version=project.version,
        )
