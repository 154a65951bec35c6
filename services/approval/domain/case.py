"""The approval case: one case's work at this center, folded from its own stream."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TypedDict

from libs.events.aggregate import Aggregate
from libs.events.calendar import Deadline, WorkCalendar
from libs.events.caseclock import ClockFacts
from libs.events.contract import (
    CaseCountersigned,
    CaseDecided,
    CaseDeemedApproved,
    CaseDelivered,
    CaseEscalated,
    CaseEscalationReceived,
    CaseExtended,
    CaseResumed,
    CaseReviewed,
    CaseSuspended,
    JointCompleted,
    JointStarted,
    Step,
    WorkAssigned,
    WorkClosed,
    WorkCountersignRequired,
    WorkOpened,
    WorkTransferred,
)
from libs.events.contract.projects import WorkStageBound
from libs.events.registry import Event
from services.approval.domain.parts import JointState
from services.approval.domain.rules import (
    DecisionsAreFinal,
    OnlyTheAssigneeActs,
    PausedCasesWait,
    WorkIsClosed,
)

STEP_POST: dict[str, str] = {
    "window": "window",
    "pre_review": "review",
    "review": "review",
    "decide": "approve",
}


class CaseRef(TypedDict):
    """The identity fields of every case event."""

    case_id: str
    center: str


@dataclass(frozen=True)
class Actor:
    """Who gives a command: their id and role (clerk, reviewer, approver, admin)."""

    sub: str
    role: str


@dataclass(frozen=True)
class Review:
    """A reviewer's opinion (一审)."""

    reviewer: str
    opinion: str
    comment: str


@dataclass(frozen=True)
class Pause:
    """A suspension: its procedure, when it began, and (once resumed) what it cost."""

    procedure: str
    since: datetime
    reason: str = ""
    until: datetime | None = None
    working_days: int = 0
    expected_days: int | None = None
    expected_until: date | None = None


@dataclass(frozen=True)
class Decision:
    """How the case ended: here, by deemed approval, or above and returned."""

    outcome: str  # approved | denied | deemed_approved
    by: str
    at: datetime
    reasons: str = ""
    document_id: str = ""
    returned_from: str = ""


def document_id_for(case_no: str) -> str:
    """One decision document per case, numbered after the case."""
    return f"JD-{case_no}"


class ApprovalCase(Aggregate):
    """State of one work item; behaviour lives in the use-case modules of this package."""

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.opened: WorkOpened | None = None
        self.status = "new"  # new | open | suspended | escalated | decided | closed
        self.step: Step = "review"
        self.assignee: str | None = None
        self.clock: ClockFacts | None = None
        self.stage_deadline: Deadline | None = None  # a joint case: its stage's, from its parts
        # The schedules the deadline is derived under; the application sets the loaded ones.
        self.calendar = WorkCalendar()
        self.reviews: list[Review] = []
        self.countersigners: list[str] = []
        self.signatures: dict[str, CaseCountersigned] = {}
        self.pause: Pause | None = None
        self.pauses: list[Pause] = []
        self.extension: CaseExtended | None = None
        self.decision: Decision | None = None
        self.escalated_to = ""
        self.received: CaseEscalationReceived | None = None  # escalated here from below
        self.handovers: list[WorkTransferred] = []
        self.delivered: CaseDelivered | None = None
        self.joint: JointState | None = None  # a joint case (联办件): its parts
        self.bound: WorkStageBound | None = None  # the project stage this case runs

    def when(self, event: Event) -> None:
        """Fold one event of the stream."""
        if isinstance(event, JointStarted):
            self.joint = JointState.started(event)
            if event.stage_deadline and event.stage_due_day:
                self.stage_deadline = Deadline(
                    at=event.stage_deadline, due_day=event.stage_due_day, provisional=False
                )
            return
        if isinstance(event, WorkStageBound):
            self.bound = event
            return
        if self.joint is not None and self.joint.when(event):
            if isinstance(event, JointCompleted):
                self._when_joint_completed(event)
            return
        match event:
            case WorkOpened():
                self.opened, self.status = event, "open"
                self.clock = ClockFacts(event.accepted_at, event.limit_days, event.kind)
                self.countersigners = list(event.countersigners)
            case WorkAssigned():
                self.step, self.assignee = event.step, event.assignee
            case WorkTransferred():
                self.assignee = event.to_assignee
                self.handovers.append(event)
            case WorkCountersignRequired():
                self.countersigners = list(event.approvers)
            case CaseReviewed():
                self.reviews.append(Review(event.reviewer, event.opinion, event.comment))
            case CaseEscalated():
                self.status, self.escalated_to = "escalated", event.to_center
            case CaseEscalationReceived():
                self.received = event
            case CaseCountersigned():
                self.signatures[event.approver] = event
            case _:
                self._when_clock_or_end(event)

    def _when_clock_or_end(self, event: Event) -> None:
        match event:
            case CaseSuspended():
                self.status = "suspended"
                self.pause = Pause(
                    event.procedure,
                    event.suspended_at,
                    event.reason,
                    expected_days=event.expected_days,
                    expected_until=event.expected_until,
                )
                self._clock_after(event)
            case CaseResumed():
                assert self.pause is not None
                self.pauses.append(
                    replace(
                        self.pause, until=event.resumed_at, working_days=event.paused_working_days
                    )
                )
                self.pause, self.status = None, "open"
                self._clock_after(event)
            case CaseExtended():
                self.extension = event
                self._clock_after(event)
            case WorkClosed(cause="withdrawn"):
                self.status = "closed"
            case CaseDelivered():
                self.delivered = event
            case _:
                self._when_decided(event)

    def _when_decided(self, event: Event) -> None:
        match event:
            case CaseDecided():
                self.decision = Decision(
                    event.decision,
                    event.decided_by,
                    event.decided_at,
                    event.reasons,
                    event.document_id,
                )
            case CaseDeemedApproved():
                self.decision = Decision(
                    "deemed_approved", "", event.deemed_at, "", event.document_id
                )
            case WorkClosed(decision=str() as outcome):
                self.decision = Decision(
                    outcome,
                    event.from_center,
                    event.closed_at,
                    event.reasons,
                    "",
                    event.from_center,
                )
            case _:
                return
        self.status = "decided"

    def _when_joint_completed(self, event: JointCompleted) -> None:
        """The stage's result, issued by the lead department for every part (牵头部门出件)."""
        assert self.joint is not None
        parts = self.joint.parts.values()
        by = ",".join(p.decided_by for p in parts if p.status == event.outcome)
        self.status = "decided"
        self.decision = Decision(
            event.outcome,
            by,
            event.completed_at,
            event.reasons,
            document_id_for(self.facts.case_no),
        )

    @property
    def facts(self) -> WorkOpened:
        """What the work was opened with (raises when the stream is empty)."""
        if self.opened is None:
            raise LookupError(f"no work for case {self.stream_id}")
        return self.opened

    def _clock_after(self, event: Event) -> None:
        if self.clock is not None:
            self.clock = self.clock.after(event)

    @property
    def current_deadline(self) -> Deadline:
        """The deadline derived from acceptance, the pauses and the extension (the case clock);
        a joint case's is its stage's."""
        if self.stage_deadline is not None:
            return self.stage_deadline
        assert self.clock is not None
        return self.clock.deadline(self.calendar)

    @property
    def reviewers(self) -> set[str]:
        """Everyone who gave an opinion on this case."""
        return {r.reviewer for r in self.reviews}

    @property
    def decided_here(self) -> bool:
        """False for a reported case this center only pre-reviews."""
        return self.facts.escalate_to == ""

    def ensure_open(self) -> None:
        """Refuse commands on decided, withdrawn or escalated work."""
        if self.decision is not None:
            raise DecisionsAreFinal(f"case {self.facts.case_no} is already {self.decision.outcome}")
        if self.status == "closed":
            raise WorkIsClosed(f"case {self.facts.case_no} was withdrawn")
        if self.status == "escalated":
            raise WorkIsClosed(f"case {self.facts.case_no} was escalated to {self.escalated_to}")

    def ensure_running(self) -> None:
        """Refuse review and decision while the clock is stopped."""
        self.ensure_open()
        if self.pause is not None:
            raise PausedCasesWait(
                f"case {self.facts.case_no} is suspended for {self.pause.procedure};"
                " resume it first"
            )

    def ensure_assignee(self, actor: Actor) -> None:
        """An assigned step is acted on by its assignee only."""
        if self.assignee is not None and actor.sub != self.assignee:
            raise OnlyTheAssigneeActs(
                f"the {self.step} step of case {self.facts.case_no} is assigned to "
                f"{self.assignee}, not {actor.sub}"
            )

    def base(self) -> CaseRef:
        """The fields every event of this case carries."""
        return {"case_id": self.facts.case_id, "center": self.facts.center}
