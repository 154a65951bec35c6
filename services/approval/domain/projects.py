"""A project (投资建设项目): its series' stages in order, each a joint case, and what they took.

The stream `project:<id>` lives as long as the project; a stage is requested with its case
before the lead department accepts it, starts at that acceptance and completes with the case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from libs.events.aggregate import Aggregate
from libs.events.contract.projects import (
    ProjectAgentAppointed,
    ProjectCompleted,
    ProjectCreated,
    ProjectGreenChannelMarked,
    ProjectStageCompleted,
    ProjectStageStarted,
    ProjectStageWithdrawn,
    StageDefinition,
)
from libs.events.registry import Event
from services.approval.events import (
    ProjectSiteReviewRecorded,
    ProjectStageRequested,
    ProjectSupplemented,
    SeriesDefined,
)


def project_stream(project_id: str) -> str:
    """The stream of one project."""
    return f"project:{project_id}"


def series_stream(code: str) -> str:
    """The stream of one series definition."""
    return f"series:{code}"


@dataclass(frozen=True)
class StageState:
    """One stage of a project as far as it got."""

    definition: StageDefinition
    case_id: str = ""
    requested_by: str = ""
    on_behalf_of: str = ""
    prereview_missing: tuple[str, ...] = ()
    started: ProjectStageStarted | None = None
    completed: ProjectStageCompleted | None = None
    site_reviews: tuple[ProjectSiteReviewRecorded, ...] = ()
    supplements: tuple[ProjectSupplemented, ...] = ()

    @property
    def outstanding(self) -> tuple[str, ...]:
        """容缺预审: the materials still owed (missing at filing, not supplied since)."""
        supplied = {m for e in self.supplements for m in e.materials}
        return tuple(m for m in self.prereview_missing if m not in supplied)

    @property
    def status(self) -> str:
        """pending | requested | running | approved | denied."""
        if self.completed is not None:
            return self.completed.outcome
        if self.started is not None:
            return "running"
        return "requested" if self.case_id else "pending"


@dataclass
class GreenChannel:
    """绿色通道: how much the limits shrink, why, and who marked it."""

    factor: float
    reason: str
    by: str
    at: datetime


class Series(Aggregate):
    """A project series and its stages in order."""

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.defined: SeriesDefined | None = None

    def when(self, event: Event) -> None:
        """Keep the newest definition."""
        if isinstance(event, SeriesDefined):
            self.defined = event


class Project(Aggregate):
    """State of a project; behaviour lives in `project_rules.py`."""

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.created: ProjectCreated | None = None
        self.agent = ""
        self.green: GreenChannel | None = None
        self.stages: list[StageState] = []
        self.finished: ProjectCompleted | None = None

    def when(self, event: Event) -> None:
        """Fold one project event."""
        match event:
            case ProjectCreated():
                self.created = event
                self.stages = [StageState(d) for d in event.stages]
            case ProjectAgentAppointed():
                self.agent = event.agent
            case ProjectGreenChannelMarked():
                self.green = GreenChannel(event.factor, event.reason, event.by, event.at)
            case ProjectStageRequested():
                self._set(
                    event.stage,
                    case_id=event.case_id,
                    requested_by=event.by,
                    on_behalf_of=event.on_behalf_of,
                    prereview_missing=tuple(event.prereview_missing),
                )
            case ProjectStageStarted():
                self._set(event.stage, started=event)
            case ProjectStageCompleted():
                self._set(event.stage, completed=event)
            case ProjectSiteReviewRecorded():
                stage = self.stage(event.stage)
                self._set(event.stage, site_reviews=(*stage.site_reviews, event))
            case ProjectSupplemented():
                stage = self.stage(event.stage)
                self._set(event.stage, supplements=(*stage.supplements, event))
            case ProjectStageWithdrawn():
                self._reset(event.stage)
            case ProjectCompleted():
                self.finished = event

    def _reset(self, code: str) -> None:
        self.stages = [
            StageState(s.definition) if s.definition.code == code else s for s in self.stages
        ]

    def _set(self, code: str, **changes: object) -> None:
        self.stages = [
            replace(s, **changes) if s.definition.code == code else s  # type: ignore[arg-type]
            for s in self.stages
        ]

    @property
    def facts(self) -> ProjectCreated:
        """What the project was created with (raises when the stream is empty)."""
        if self.created is None:
            raise LookupError(f"no project {self.stream_id}")
        return self.created

    def stage(self, code: str) -> StageState:
        """One stage by its code."""
        for stage in self.stages:
            if stage.definition.code == code:
                return stage
        raise KeyError(code)

    def stage_of_case(self, case_id: str) -> StageState | None:
        """The stage a case runs, if any."""
        return next((s for s in self.stages if s.case_id and s.case_id == case_id), None)

    def next_stage(self) -> StageState | None:
        """The first stage not yet requested."""
        return next((s for s in self.stages if not s.case_id), None)

    @property
    def elapsed_days(self) -> int:
        """Working days the completed stages took, summed (the figure the seeds compare)."""
        return sum(s.completed.elapsed_days for s in self.stages if s.completed)

    def base(self) -> dict[str, str]:
        """The fields every event of this project carries."""
        return {"project_id": self.stream_id.removeprefix("project:"), "center": self.facts.center}
