"""The approval rules, each a named exception: the class name is the rule the API reports."""

from __future__ import annotations

from typing import ClassVar

from libs.events.http import RuleViolation


class BrokenRule(RuleViolation):
    """A command broke the rule its class names."""

    status_code: ClassVar[int] = 409

    def __init__(self, detail: str) -> None:
        super().__init__(type(self).__name__, detail, status=self.status_code)


class Forbidden(BrokenRule):
    """A rule about who may act (403)."""

    status_code = 403


class Invalid(BrokenRule):
    """A rule about what the command says (422)."""

    status_code = 422


class ReviewerMayNotDecide(Forbidden):
    """一审一核: nobody decides (or countersigns) a case they reviewed."""


class OnlyTheAssigneeActs(Forbidden):
    """An assigned step is acted on by its assignee (or handed over by a department leader)."""


class WindowMustBeAuthorized(Forbidden):
    """A window clerk decides alone only the kinds the department authorized (授权到位)."""


class OnlyCountersignersSign(Forbidden):
    """A countersigned decision is made by the named approvers only."""


class DenialCitesAReason(Invalid):
    """不予许可 must say why."""


class ReviewBeforeDecision(BrokenRule):
    """An approver decides only after a reviewer's opinion."""


class OneReviewPerCase(BrokenRule):
    """A case gets one reviewer's opinion."""


class WindowDecidesSameDay(BrokenRule):
    """An immediate case is decided at the window on the day of its acceptance only."""


class ReportedCasesAreDecidedAbove(BrokenRule):
    """上报件: the accepting center pre-reviews; the upper center decides."""


class EscalationNeedsADestination(Invalid):
    """A reported case must name the center that decides it."""


class DecisionsAreFinal(BrokenRule):
    """A decided case cannot be decided, paused, extended or handed over again."""


class WorkIsClosed(BrokenRule):
    """Withdrawn or escalated work is no longer acted on here."""


class PausedCasesWait(BrokenRule):
    """A suspended case is not reviewed or decided until it resumes."""


class OnePauseAtATime(BrokenRule):
    """A suspended case must resume before it is suspended again."""


class SpecialProcedureStatesItsDuration(Invalid):
    """行政许可法 art. 45: a hearing, inspection, testing, appraisal or expert review records how
    long it will take, and the applicant is told in writing."""


class OnlyPausedCasesResume(BrokenRule):
    """Resuming needs a suspension."""


class OneExtensionPerCase(BrokenRule):
    """延期: at most once per case."""


class ExtensionBeforeDeadline(BrokenRule):
    """An extension is asked for before the deadline passes, never after."""


class ExtensionWithinCap(Invalid):
    """An extension adds between one and the item's cap of working days."""


class ReasonRequired(Invalid):
    """Extensions and hand-overs state a reason."""


class HandOverStaysInDepartment(Invalid):
    """委派 and 转办 go to another present person of the same department."""


class HandOverToWhoCanAct(Invalid):
    """A hand-over goes to a holder of the post that acts on the case's current step."""


class ExtensionCapNeedsLegalBasis(Invalid):
    """行政许可法 art. 42: an extension cap above 10 working days cites the law allowing it."""


class CountersignNeedsApprovers(Invalid):
    """会签 names at least one approver who did not review the case."""


class AlreadySigned(BrokenRule):
    """Each countersigner signs once."""
