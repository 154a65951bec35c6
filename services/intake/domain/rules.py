"""Intake's named business rules: each class name is the rule, and the API's error says it."""

from __future__ import annotations

from typing import Any, ClassVar

from libs.events.http import RuleViolation


class IntakeRule(RuleViolation):
    """A named intake rule refused the command (422 unless the rule says otherwise)."""

    status_code: ClassVar[int] = 422

    def __init__(self, detail: str, *, rule: str | None = None, **extra: Any) -> None:
        super().__init__(rule or type(self).__name__, detail, status=self.status_code, **extra)


class StateConflict(IntakeRule):
    """The command does not fit the case's current state (409)."""

    status_code = 409


class NotFound(IntakeRule):
    """The thing asked for does not exist, or the caller may not see it (404)."""

    status_code = 404


# --- catalogue -------------------------------------------------------------------------------
class PromisedLimitMayNotExceedLegalLimit(IntakeRule):
    """承诺时限 is at most 法定时限."""


class MaterialCodesMustBeUnique(IntakeRule):
    """Each material of an item has its own code."""


class KeyMaterialMustBeRequired(IntakeRule):
    """A key material (容缺 never allowed) cannot be optional."""


class JointItemNeedsDepartments(IntakeRule):
    """A 联办件 names its lead department and its departments."""


class JointLeadMustBeAmongDepartments(IntakeRule):
    """The lead department (牵头部门) is one of the joint item's departments."""


class JointDepartmentsMustBeUnique(IntakeRule):
    """A department appears once among a joint item's departments."""


class JointPartLimitMayNotExceedPromisedLimit(IntakeRule):
    """Every department of a joint item decides within the item's promised limit."""


class ReportedItemMustNameDecidingCenter(IntakeRule):
    """A 上报件 names the higher-level center that decides it."""


class UnknownItem(NotFound):
    """No such item in the catalogue."""


# --- cases -----------------------------------------------------------------------------------
class CaseNotFound(NotFound):
    """No such case here, or not one the caller may see."""


class ItemNotInCatalogue(IntakeRule):
    """A case names an item this center does not offer."""


class UnknownMaterials(IntakeRule):
    """Material codes that the item's version does not list."""


class OnlineApplicationNotAllowed(IntakeRule):
    """The item is not open to online application."""


class ApplicantsApplyOnline(IntakeRule):
    """An applicant's own submission is an online one."""


class InvalidApplicant(IntakeRule):
    """The applicant's identity number or phone breaks its standard (GB 11643, GB 32100)."""


class NothingSupplemented(IntakeRule):
    """A supplement brings at least one material."""


class AcceptedMaterialsCannotBeReopened(IntakeRule):
    """一次告知: a material provided and accepted before is never demanded again."""


class NoticeMayOnlyNameFirstNotice(IntakeRule):
    """一次告知: a later notice only names materials of the first notice that are still missing."""


class KeyMaterialsCannotBeTolerated(IntakeRule):
    """容缺受理 is only for non-key materials."""


class MissingMaterialsNotTolerated(IntakeRule):
    """Acceptance with materials missing needs them listed as tolerated (容缺受理)."""


class ToleratedMaterialsMustBeMissing(IntakeRule):
    """Only materials that are actually missing can be tolerated."""


class SupplementDateRequired(IntakeRule):
    """容缺受理 needs the date by which the applicant supplies the materials."""


class SupplementDateMustBeInTheFuture(IntakeRule):
    """The promised date (承诺补齐日期) is after today."""


class SupplementDateMustNotPassDeadline(IntakeRule):
    """Tolerated materials arrive no later than the case's due day."""


class ReasonRequired(IntakeRule):
    """Refusals and promise extensions state their reason."""


class CaseNotOpenForIntake(StateConflict):
    """Acceptance and refusal happen before acceptance, on an open case."""


class CaseClosed(StateConflict):
    """A refused, withdrawn or returned case takes no more commands."""


class CaseAlreadyDecided(StateConflict):
    """Withdrawal (撤回) is possible only before the decision."""


class NoPromiseOutstanding(StateConflict):
    """Only an accepted case with tolerated materials outstanding has a promise."""


class PromiseExtendedOnlyOnce(StateConflict):
    """The department extends a 容缺 promise at most once."""


class ExtensionMustBeLater(IntakeRule):
    """An extension moves the promised date later."""


class CaseNotAccepted(StateConflict):
    """An acceptance receipt (受理回执) exists only for an accepted case."""


class IdempotencyKeyReused(StateConflict):
    """An Idempotency-Key names one request body only."""


class ScheduleYearMismatch(IntakeRule):
    """The year in the path and the schedule's year agree."""
