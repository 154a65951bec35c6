"""The approval rules, each a named exception: the class name is the rule the API reports."""

from __future__ import annotations

from typing import ClassVar

from libs.events.http import RuleViolation


class BrokenRule(RuleViolation):
    """A command broke the rule its class names."""

    status_code: ClassVar[int] = 409

    def __init__(self, detail: str) -> None:
        super().__init__(type(self).__name__, detail, status=self.status_code)


class ReviewerMayNotDecide(BrokenRule):
    """一审一核: nobody decides (or countersigns) a case they reviewed."""

    status_code = 403


class OnlyTheAssigneeActs(BrokenRule):
    """An assigned step is acted on by its assignee (or handed over by a department leader)."""

    status_code = 403


class WindowMustBeAuthorized(BrokenRule):
    """A window clerk decides alone only the kinds the department authorized (授权到位)."""

    status_code = 403


class OnlyCountersignersSign(BrokenRule):
    """A countersigned decision is made by the named approvers only."""

    status_code = 403


class DenialCitesAReason(BrokenRule):
    """不予许可 must say why."""

    status_code = 422


class ReviewBeforeDecision(BrokenRule):
    """An approver decides only after a reviewer's opinion."""


class OneReviewPerCase(BrokenRule):
    """A case gets one reviewer's opinion."""


class WindowDecidesSameDay(BrokenRule):
    """An immediate case is decided at the window on the day of its acceptance only."""


class ReportedCasesAreDecidedAbove(BrokenRule):
    """上报件: the accepting center pre-reviews; the upper center decides."""


class EscalationNeedsADestination(BrokenRule):
    """A reported case must name the center that decides it."""

    status_code = 422


class DecisionsAreFinal(BrokenRule):
    """A decided case cannot be decided, paused, extended or handed over again."""


class WorkIsClosed(BrokenRule):
    """Withdrawn or escalated work is no longer acted on here."""


class PausedCasesWait(BrokenRule):
    """A suspended case is not reviewed or decided until it resumes."""


class OnePauseAtATime(BrokenRule):
    """A suspended case must resume before it is suspended again."""


class OnlyPausedCasesResume(BrokenRule):
    """Resuming needs a suspension."""


class OneExtensionPerCase(BrokenRule):
    """延期: at most once per case."""


class ExtensionBeforeDeadline(BrokenRule):
    """An extension is asked for before the deadline passes, never after."""


class ExtensionWithinCap(BrokenRule):
    """An extension adds between one and the item's cap of working days."""

    status_code = 422


class ReasonRequired(BrokenRule):
    """Extensions and hand-overs state a reason."""

    status_code = 422


class HandOverStaysInDepartment(BrokenRule):
    """委派 and 转办 go to another present person of the same department."""

    status_code = 422


class CountersignNeedsApprovers(BrokenRule):
    """会签 names at least one approver who did not review the case."""

    status_code = 422


class AlreadySigned(BrokenRule):
    """Each countersigner signs once."""
