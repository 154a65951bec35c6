"""The parts of a joint case (联办件), folded from the case's stream: one per department.

Each part has its own step, assignee, review, pauses, deadline and decision. The case's own
fold hands every event to `JointState.when` first; what concerns a part stops there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from libs.events.calendar import Deadline
from libs.events.caseclock import ClockFacts
from libs.events.clock import SHANGHAI
from libs.events.contract import (
    CaseReviewed,
    JointCompleted,
    JointPartDecided,
    JointPartResumed,
    JointPartSuspended,
    JointStarted,
    Step,
    WorkAssigned,
    WorkClosed,
)
from libs.events.registry import Event

PartStatus = str  # open | suspended | approved | denied | closed


@dataclass(frozen=True)
class PartPause:
    """A pause of one part: why, since when and, once resumed, how many working days it took."""

    procedure: str
    since: datetime
    reason: str = ""
    until: datetime | None = None
    working_days: int = 0
    expected_days: int | None = None  # 行政许可法 art. 45, as a whole case's pause
    expected_until: date | None = None


@dataclass(frozen=True)
class PartReview:
    """The reviewer's opinion on one part (一审)."""

    reviewer: str
    opinion: str
    comment: str


@dataclass(frozen=True)
class Part:
    """One department's share of a joint case."""

    department: str
    limit_days: int
    deadline: Deadline
    status: PartStatus = "open"
    step: Step = "review"
    assignee: str | None = None
    review: PartReview | None = None
    pause: PartPause | None = None
    pauses: tuple[PartPause, ...] = ()
    decided_by: str = ""
    decided_at: datetime | None = None
    reasons: str = ""
    clock: ClockFacts | None = None  # the part's own clock facts (libs/events/caseclock)

    @property
    def pending(self) -> bool:
        """Still to decide: open or paused."""
        return self.status in ("open", "suspended")


@dataclass
class JointState:
    """The stage this case runs and its parts; `outcome` once every part approved or one denied."""

    stage: str
    lead: str
    started_at: datetime
    project_id: str
    parts: dict[str, Part] = field(default_factory=dict)
    outcome: str | None = None
    completed_at: datetime | None = None
    denied_by: str = ""

    @classmethod
    def started(cls, event: JointStarted) -> JointState:
        """The state right after `joint.started`."""
        parts = {
            department: Part(
                department,
                event.limits.get(department, 0),
                Deadline(at=due, due_day=_day(due), provisional=False),
                clock=ClockFacts(event.started_at, event.limits.get(department, 0), "joint"),
            )
            for department, due in event.parts.items()
        }
        return cls(event.stage, event.lead_department, event.started_at, event.project_id, parts)

    def when(self, event: Event) -> bool:
        """Fold a part's event; False when the event is not about a part."""
        match event:
            case WorkAssigned() | CaseReviewed() if event.department in self.parts:
                self._step(event)
            case JointPartSuspended():
                pause = PartPause(
                    event.procedure,
                    event.suspended_at,
                    event.reason,
                    expected_days=event.expected_days,
                    expected_until=event.expected_until,
                )
                clock = self.parts[event.department].clock
                self._set(
                    event.department,
                    status="suspended",
                    pause=pause,
                    clock=clock.suspended(event.suspended_at) if clock else None,
                )
            case JointPartResumed():
                self._resume(event)
            case JointPartDecided():
                self._set(
                    event.department,
                    status=event.decision,
                    decided_by=event.decided_by,
                    decided_at=event.decided_at,
                    reasons=event.reasons,
                )
            case JointCompleted():
                self._end(event.outcome, event.completed_at, event.denied_by)
            case WorkClosed(cause="withdrawn"):
                self._end("closed", event.closed_at, "")
                return False  # the case itself closes too
            case _:
                return False
        return True

    def _step(self, event: WorkAssigned | CaseReviewed) -> None:
        if isinstance(event, WorkAssigned):
            self._set(event.department, step=event.step, assignee=event.assignee)
        else:
            review = PartReview(event.reviewer, event.opinion, event.comment)
            self._set(event.department, review=review)

    def _resume(self, event: JointPartResumed) -> None:
        part = self.parts[event.department]
        assert part.pause is not None
        ended = replace(part.pause, until=event.resumed_at, working_days=event.paused_working_days)
        deadline = Deadline(at=event.deadline, due_day=event.due_day, provisional=event.provisional)
        clock = part.clock.resumed(event.resumed_at, event.suspended_at) if part.clock else None
        self._set(
            event.department,
            status="open",
            pause=None,
            pauses=(*part.pauses, ended),
            deadline=deadline,
            clock=clock,
        )

    def _end(self, outcome: str, at: datetime, denied_by: str) -> None:
        self.outcome, self.completed_at, self.denied_by = outcome, at, denied_by
        for department, part in self.parts.items():
            if part.pending:
                self.parts[department] = replace(part, status="closed", pause=None)

    def _set(self, department: str, **changes: object) -> None:
        self.parts[department] = replace(self.parts[department], **changes)  # type: ignore[arg-type]

    def waiting_on(self) -> list[str]:
        """The departments the stage still waits for (who is waiting on whom)."""
        return [d for d, p in self.parts.items() if p.pending]


def _day(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()
