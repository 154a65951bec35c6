"""全程代办: the agent supplies what a stage waits for, and is appointed; 容缺预审's debts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from libs.events.contract.projects import ProjectAgentAppointed
from libs.events.registry import Event
from services.approval.domain import joint_rules as rules
from services.approval.domain.case import Actor
from services.approval.domain.project_rules import acting_for, ensure_open
from services.approval.domain.projects import Project
from services.approval.events import ProjectSupplemented


def supplement(
    project: Project,
    actor: Actor,
    *,
    stage_code: str,
    department: str,
    paused_for: str | None,
    materials: Sequence[str],
    now: datetime,
) -> list[Event]:
    """补正 answered, or materials a 容缺预审 stage still owes (for the applicant)."""
    ensure_open(project)
    acting_for(project, actor)
    stage = next((s for s in project.stages if s.definition.code == stage_code), None)
    owed = set(stage.outstanding) & set(materials) if stage else set()
    if stage is None or stage.status != "running" or (paused_for != "correction" and not owed):
        raise rules.SupplementsAnswerACorrection(
            f"stage {stage_code}: the {department} part waits for no correction, and the stage"
            f" owes none of {list(materials)}"
        )
    return [
        ProjectSupplemented(
            **project.base(),
            stage=stage_code,
            department=department,
            materials=list(materials),
            by=actor.sub,
            on_behalf_of=project.facts.applicant_name if project.agent else "",
            at=now,
        )
    ]


def appoint_agent(project: Project, *, agent: str, by: str, now: datetime) -> list[Event]:
    """全程代办: the center agent who acts for the applicant from now on."""
    ensure_open(project)
    return [ProjectAgentAppointed(**project.base(), agent=agent, by=by, at=now)]


def ensure_materials_complete(project: Project, case_id: str) -> None:
    """A pre-reviewed (容缺预审) stage's parts are decided once the owed materials came."""
    stage = project.stage_of_case(case_id)
    if stage is not None and stage.outstanding:
        raise rules.PreReviewedStageAwaitsMaterials(
            f"stage {stage.definition.name} was pre-reviewed without {list(stage.outstanding)};"
            " its parts are decided once they are supplied"
        )
