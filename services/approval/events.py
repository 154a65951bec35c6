"""Approval's own events: how its departments are set up, and the parts of a project only it
folds. No other service reads them (they still travel on `case-events`, as before)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from libs.events.contract.projects import ProjectEvent, StageDefinition
from libs.events.registry import CASE_EVENTS, Event, registry


@registry.register("onewindow.department.authorized.v1", topic=CASE_EVENTS)
class DepartmentAuthorized(Event):
    """授权到位: what the department's window decides alone and what it only pre-reviews."""

    center: str
    department: str
    window_decides: list[str]
    pre_review: list[str]
    special_disposal: bool = False
    by: str = ""
    at: datetime


class PostHolders(Event):
    """The A person of a post and the named B who takes over while A is absent."""

    a: str
    b: str | None = None


@registry.register("onewindow.department.posts_named.v1", topic=CASE_EVENTS)
class DepartmentPostsNamed(Event):
    """A/B岗: for each post (window, review, approve) the A and B persons."""

    center: str
    department: str
    posts: dict[str, PostHolders]
    by: str = ""
    at: datetime


@registry.register("onewindow.department.absence_marked.v1", topic=CASE_EVENTS)
class DepartmentAbsenceMarked(Event):
    """A person of the department is marked absent (their work goes to the B post) or back."""

    center: str
    department: str
    person: str
    absent: bool
    reason: str = ""
    by: str = ""
    at: datetime


@registry.register("onewindow.approval.item_rules_set.v1", topic=CASE_EVENTS)
class ApprovalItemRulesSet(Event):
    """How the departments approve one catalogue item: countersign and the extension cap."""

    center: str
    item_code: str
    # Ignored: deemed approval is the catalogue item's `deemed_approval` alone (kept so that
    # events written before that are still read).
    deemed_approval: bool | None = None
    countersign: list[str] = []
    extension_cap_days: int = 10
    extension_basis: str = ""  # the law allowing a cap above art. 42's 10 working days
    by: str = ""
    at: datetime


# Investment projects (并联审批): a series, a stage's request, supplements, site reviews.


@registry.register("onewindow.project.series_defined.v1", topic=CASE_EVENTS)
class SeriesDefined(Event):
    """A project series (交通工程, 水利工程 …) and its stages in order."""

    center: str
    code: str
    name: str
    stages: list[StageDefinition]
    by: str = ""
    at: datetime


@registry.register("onewindow.project.stage_requested.v1", topic=CASE_EVENTS)
class ProjectStageRequested(ProjectEvent):
    """The next stage's case is filed; its parts start when the lead department accepts it."""

    stage: str
    stage_name: str
    case_id: str
    item_code: str
    by: str
    on_behalf_of: str = ""  # set when the project's agent acted for the applicant
    prereview_missing: list[str] = []  # 容缺预审: non-key materials still to come
    at: datetime


@registry.register("onewindow.project.supplemented.v1", topic=CASE_EVENTS)
class ProjectSupplemented(ProjectEvent):
    """Materials supplied for a part paused for 补正 (by the agent on the applicant's behalf)."""

    stage: str
    department: str
    materials: list[str]
    by: str
    on_behalf_of: str = ""
    at: datetime


class SiteOpinion(Event):
    """One department's opinion at a 现场会审."""

    department: str
    attendee: str
    opinion: Literal["agree", "agree_with_conditions", "disagree"]
    comment: str = ""


@registry.register("onewindow.project.site_review_recorded.v1", topic=CASE_EVENTS)
class ProjectSiteReviewRecorded(ProjectEvent):
    """现场会审: the departments met on site; each one's opinion, attached to the stage."""

    review_id: str
    stage: str
    held_at: datetime
    place: str
    opinions: list[SiteOpinion]
    recorded_by: str
    recorded_at: datetime
