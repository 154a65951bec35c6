"""A case's state at intake, folded from its own events (the commands are in `case.py`)."""

from __future__ import annotations

from datetime import date

from libs.events.aggregate import Aggregate
from libs.events.calendar import Deadline
from libs.events.contract import (
    CaseAcceptanceDue,
    CaseAccepted,
    CaseDeadlineChanged,
    CasePromiseExtended,
    CaseRefused,
    CaseReturned,
    CaseSubmitted,
    CaseSupplemented,
    CaseSupplementRequested,
    CaseWithdrawalRefusalNoted,
    CaseWithdrawalRequested,
    CaseWithdrawn,
)
from libs.events.registry import Event
from services.intake.domain import rules
from services.intake.domain.catalog import ItemVersion

OPEN = frozenset({"submitted", "awaiting_supplement"})
CLOSED = frozenset({"refused", "withdrawn", "returned"})
# Accepted and still with approval; a requested withdrawal waits for approval's answer.
OPEN_AFTER_ACCEPTANCE = frozenset({"accepted", "withdrawal_requested"})


def _deadline(event: CaseAccepted | CaseDeadlineChanged) -> Deadline:
    return Deadline(at=event.deadline, due_day=event.due_day, provisional=event.provisional)


class CaseState(Aggregate):
    """A case as intake's own events leave it: its state and how each event changes it."""

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.status = "new"
        self.submitted: CaseSubmitted | None = None
        self.provided: list[str] = []
        self.first_notice: frozenset[str] = frozenset()
        self.notices: list[CaseSupplementRequested] = []
        self.accepted: CaseAccepted | None = None
        self.deadline: Deadline | None = None
        self.tolerated: list[str] = []  # tolerated materials still outstanding
        self.supplement_by: date | None = None
        self.extended = False
        self.closing: Event | None = None
        self.acceptance_warned = False  # art. 32: the window was warned of deemed acceptance

    @property
    def center(self) -> str:
        """The center holding the case."""
        return self.submitted.center if self.submitted else ""

    @property
    def submitted_by(self) -> str:
        """Who submitted the case (a clerk or the applicant)."""
        return self.submitted.submitted_by if self.submitted else ""

    def missing(self, item: ItemVersion) -> list[str]:
        """Required materials not provided yet, in the item's order."""
        return [c for c in item.required_codes() if c not in self.provided]

    def when(self, event: Event) -> None:
        """Fold one of intake's case events."""
        match event:
            case CaseSubmitted():
                self.submitted, self.provided = event, list(event.materials)
                self.first_notice = frozenset(event.missing)
                self.status = "awaiting_supplement" if event.missing else "submitted"
            case CaseSupplementRequested():
                self.notices.append(event)
                self.status = "awaiting_supplement"
            case CaseSupplemented():
                self._when_supplemented(event)
            case CaseAccepted():
                self.accepted, self.status = event, "accepted"
                self.tolerated = list(event.tolerated_missing)
                self.supplement_by = event.supplement_by
                self.deadline = _deadline(event)
            case CaseDeadlineChanged():
                self.deadline = _deadline(event)
            case CaseAcceptanceDue():
                self.acceptance_warned = True
            case CasePromiseExtended():
                self.supplement_by, self.extended = event.supplement_by, True
            case CaseRefused():
                self.closing, self.status = event, "refused"
            case CaseWithdrawalRequested():
                self.status = "withdrawal_requested"
            case CaseWithdrawalRefusalNoted():
                self.status = "accepted"  # a withdrawal is requested of an accepted case only
            case CaseWithdrawn():
                self.closing, self.status = event, "withdrawn"
            case CaseReturned():
                self.closing, self.status = event, "returned"

    def _when_supplemented(self, event: CaseSupplemented) -> None:
        self.provided += [c for c in event.materials if c not in self.provided]
        if self.status in OPEN_AFTER_ACCEPTANCE:
            self.tolerated = [c for c in self.tolerated if c not in event.materials]
        elif not event.missing:
            self.status = "submitted"

    def _require(self, allowed: frozenset[str], action: str) -> None:
        if self.status in CLOSED:
            raise rules.CaseClosed(f"case {self.stream_id} is {self.status}; it cannot {action}")
        if self.status not in allowed:
            raise rules.CaseNotOpenForIntake(
                f"case {self.stream_id} is {self.status}; only a case awaiting acceptance can "
                f"{action}"
            )

    def _event(self) -> dict[str, str]:
        return {"case_id": self.stream_id, "center": self.center}
