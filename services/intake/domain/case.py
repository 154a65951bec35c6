"""The case at intake: receipt, the one-time notice, acceptance (容缺 too), refusal, withdrawal.

`Case` decides: each command checks its rules against the state (`case_state.py`) and returns
the new events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from libs.events.calendar import Deadline, WorkCalendar
from libs.events.caseclock import ClockFacts, deadline
from libs.events.contract import (
    CaseAccepted,
    CaseDeadlineChanged,
    CasePromiseExtended,
    CaseRefused,
    CaseReturned,
    CaseSupplemented,
    CaseSupplementRequested,
    CaseWithdrawalRefusalNoted,
    CaseWithdrawalRequested,
    CaseWithdrawn,
)
from libs.events.registry import Event
from services.intake.domain import rules
from services.intake.domain.acceptance import Acceptance, today
from services.intake.domain.case_state import CLOSED, OPEN, OPEN_AFTER_ACCEPTANCE, CaseState
from services.intake.domain.catalog import ItemVersion
from services.intake.domain.submission import unknown_materials

__all__ = ["CLOSED", "OPEN", "OPEN_AFTER_ACCEPTANCE", "RETURN_REASON", "Case"]
RETURN_REASON = "容缺材料未在承诺期限内补齐 (tolerated materials not supplied by the promised date)"


class Case(CaseState):
    """A case at intake: its commands, each returning the events it decides on."""

    def supplement(
        self, item: ItemVersion, materials: Sequence[str], rejected: Mapping[str, str]
    ) -> list[Event]:
        """补正: add materials; a further notice names only first-notice materials still missing."""
        self._require(OPEN | OPEN_AFTER_ACCEPTANCE, "be supplemented")
        unknown_materials(item, [*materials, *rejected])
        reopened = [c for c in rejected if c in self.provided]
        if reopened:
            raise rules.AcceptedMaterialsCannotBeReopened(
                f"{item.names(reopened)} were provided and accepted before; the one-time "
                "notice (一次告知) may not demand them again",
                materials=reopened,
            )
        new = [c for c in dict.fromkeys(materials) if c not in rejected and c not in self.provided]
        if not new and not rejected:
            raise rules.NothingSupplemented("the supplement brings no material not provided yet")
        if self.status in OPEN_AFTER_ACCEPTANCE:
            outstanding = [c for c in self.tolerated if c not in new]
            return [CaseSupplemented(**self._event(), materials=new, missing=outstanding)]
        still = [c for c in self.missing(item) if c not in new]
        return [
            CaseSupplemented(**self._event(), materials=new, missing=still),
            *self._further_notice(item, still, rejected),
        ]

    def _further_notice(
        self, item: ItemVersion, still: list[str], rejected: Mapping[str, str]
    ) -> list[Event]:
        beyond = [c for c in still if c not in self.first_notice]
        if beyond:
            raise rules.NoticeMayOnlyNameFirstNotice(
                f"{item.names(beyond)} were not in the first notice; the one-time notice "
                "(一次告知) may not add demands",
                materials=beyond,
            )
        to_fix = [m.code for m in item.materials if m.code in still or m.code in rejected]
        if not to_fix:
            return []
        return [
            CaseSupplementRequested(
                **self._event(),
                missing=to_fix,
                notice_no=len(self.notices) + 1,
                reasons=self._reasons(to_fix, rejected),
            )
        ]

    def _reasons(self, codes: list[str], rejected: Mapping[str, str]) -> dict[str, str]:
        """The clerk's latest reason for each material: a repeat notice keeps earlier ones."""
        reasons: dict[str, str] = {}
        for earlier in self.notices:
            reasons.update(earlier.reasons)
        reasons.update(rejected)
        return {c: reasons[c] for c in codes if c in reasons}

    def accept(self, item: ItemVersion, intake: Acceptance, calendar: WorkCalendar) -> list[Event]:
        """受理, with non-key materials tolerated (容缺受理) if the applicant promised them."""
        self._require(OPEN, "be accepted")
        missing = self.missing(item)
        intake.check_tolerance(item, missing)
        assert self.submitted is not None
        s = self.submitted
        due = deadline(intake.now, item.case_limit_days(), s.kind, [], 0, calendar)
        intake.check_promise_date(due)
        return [
            CaseAccepted(
                **self._event(),
                case_no=s.case_no,
                item_code=s.item_code,
                item_version=s.item_version,
                item_name=s.item_name,
                department=s.department,
                kind=s.kind,
                channel=s.channel,
                accepted_at=intake.now,
                accepted_by=intake.by,
                limit_days=item.case_limit_days(),
                deadline=due.at,
                due_day=due.due_day,
                provisional=due.provisional,
                deemed_approval=s.deemed_approval,
                tolerated_missing=missing,
                supplement_by=intake.supplement_by if missing else None,
                promise=intake.promise_text(item, missing),
                decided_by_center=item.decided_by_center if s.kind == "reported" else None,
            )
        ]

    def refuse(self, reason: str, *, now: datetime, by: str) -> list[Event]:
        """不予受理, with the (legal) reason."""
        self._require(OPEN, "be refused")
        if not reason.strip():
            raise rules.ReasonRequired("a refusal (不予受理) states its reason", field="reason")
        return [CaseRefused(**self._event(), reason=reason.strip(), refused_at=now, refused_by=by)]

    def withdraw(self, reason: str, *, now: datetime, by: str, decided: bool) -> list[Event]:
        """撤回 by the applicant, possible until the decision.

        Before acceptance intake alone holds the case and confirms at once. Once accepted, a
        decision may be on its way at approval: intake records the request and approval, the
        only one that can race with a decision, confirms or refuses it.
        """
        self._require(OPEN | OPEN_AFTER_ACCEPTANCE, "be withdrawn")
        if decided:
            raise rules.CaseAlreadyDecided(
                f"case {self.stream_id} is decided; withdrawal is possible only before"
            )
        if self.status == "withdrawal_requested":
            return []  # asked again: the first request is still with approval
        if self.status == "accepted":
            return [
                CaseWithdrawalRequested(
                    **self._event(), reason=reason.strip(), requested_at=now, requested_by=by
                )
            ]
        return [
            CaseWithdrawn(**self._event(), reason=reason.strip(), withdrawn_at=now, withdrawn_by=by)
        ]

    def note_withdrawal_refused(self, reason: str, *, decision: str, now: datetime) -> list[Event]:
        """Approval refused the requested withdrawal (decided first): the case is accepted
        again; nothing when no request waits (an answer seen before)."""
        if self.status != "withdrawal_requested":
            return []
        return [
            CaseWithdrawalRefusalNoted(
                **self._event(),
                reason=reason,
                decision=decision,
                summary=f"撤回申请未予办理：{reason}",
                noted_at=now,
            )
        ]

    def extend_promise(
        self, supplement_by: date, reason: str, *, now: datetime, by: str
    ) -> list[Event]:
        """The department extends the 容缺 promise once, with a reason."""
        self._require(OPEN_AFTER_ACCEPTANCE, "have its promise extended")
        if not self.tolerated or self.supplement_by is None:
            raise rules.NoPromiseOutstanding(f"case {self.stream_id} has no material outstanding")
        if self.extended:
            raise rules.PromiseExtendedOnlyOnce("the promise was extended once already")
        if not reason.strip():
            raise rules.ReasonRequired("an extension states its reason", field="reason")
        if supplement_by <= self.supplement_by:
            raise rules.ExtensionMustBeLater(
                f"supplement_by {supplement_by} is not after the promised {self.supplement_by}",
                field="supplement_by",
            )
        return [
            CasePromiseExtended(
                **self._event(),
                supplement_by=supplement_by,
                previous_supplement_by=self.supplement_by,
                reason=reason.strip(),
                extended_by=by,
                extended_at=now,
            )
        ]

    def overdue_promise(self, now: datetime) -> bool:
        """Whether tolerated materials are still outstanding after the promised day."""
        return (
            self.status == "accepted"
            and bool(self.tolerated)
            and self.supplement_by is not None
            and today(now) > self.supplement_by
        )

    def return_overdue(self, now: datetime) -> list[Event]:
        """退件: a promise not kept returns the case; nothing when it is kept or not yet due."""
        if not self.overdue_promise(now):
            return []
        assert self.supplement_by is not None
        return [
            CaseReturned(
                **self._event(),
                reason=RETURN_REASON,
                missing=list(self.tolerated),
                supplement_by=self.supplement_by,
                returned_at=now,
            )
        ]

    def reschedule(
        self, calendar: WorkCalendar, *, clock: ClockFacts, current: Deadline
    ) -> list[Event]:
        """Report the deadline a newly loaded calendar year derives; nothing if it stays."""
        if self.status not in OPEN_AFTER_ACCEPTANCE or self.accepted is None:
            return []
        new = clock.deadline(calendar)
        if (new.due_day, new.provisional) == (current.due_day, current.provisional):
            return []
        return [
            CaseDeadlineChanged(
                **self._event(),
                deadline=new.at,
                due_day=new.due_day,
                provisional=new.provisional,
                cause="calendar",
                note=f"was {current.due_day}{' (provisional)' if current.provisional else ''}",
            )
        ]
