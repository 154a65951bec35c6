"""Anomaly rules over one case's history (体外循环, 双轨运行, 一次告知): named, pure, with evidence.

Each rule looks at the case's earlier events and the new one, and answers with the evidence
of a breach or None. The service records each rule at most once per case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Protocol

from libs.events import contract as s
from libs.events.calendar import WorkCalendar
from libs.events.clock import SHANGHAI
from services.supervision.domain.facts import Happened
from services.supervision.domain.timeline import when

Evidence = dict[str, str]


@dataclass(frozen=True)
class Thresholds:
    """How long is too long: configured per deployment."""

    late_acceptance_days: int = 5
    long_pause_days: int = 10
    quick_decision_minutes: int = 30


@dataclass(frozen=True)
class Finding:
    """A rule that a case broke, with what proves it."""

    rule: str
    title: str
    evidence: Evidence


class AnomalyRule(Protocol):
    """A named rule over a case's history."""

    name: ClassVar[str]
    title: ClassVar[str]

    def check(
        self, history: Sequence[Happened], new: Happened, limits: Thresholds, cal: WorkCalendar
    ) -> Evidence | None:
        """Evidence when `new`, after `history`, breaks the rule."""
        ...


def _days(a: datetime, b: datetime, cal: WorkCalendar) -> int:
    return cal.working_days_between(a.astimezone(SHANGHAI).date(), b.astimezone(SHANGHAI).date())


def _department(history: Sequence[Happened]) -> str:
    for h in reversed(history):
        if isinstance(h.event, s.CaseAccepted | s.CaseSubmitted | s.WorkOpened):
            return h.event.department
    return ""


class DecisionWithoutAcceptance:
    """体外循环: a decision for a case the system never saw accepted."""

    name: ClassVar[str] = "DecisionWithoutAcceptance"
    title: ClassVar[str] = "无受理记录即作出决定（体外循环）"

    def check(
        self, history: Sequence[Happened], new: Happened, limits: Thresholds, cal: WorkCalendar
    ) -> Evidence | None:
        """A decision with no acceptance (or escalated-in acceptance) before it."""
        if not isinstance(new.event, s.CaseDecided | s.CaseDeemedApproved):
            return None
        if any(_records_acceptance(h.event) for h in history):
            return None
        return {
            "decided_at": when(new.at),
            "decided_by": getattr(new.event, "decided_by", "超时默许"),
            "department": getattr(new.event, "department", "") or _department(history),
            "summary": "系统中没有该办件的受理记录，却出现了办理决定",
        }


def _records_acceptance(event: object) -> bool:
    if isinstance(event, s.CaseEscalated):
        return event.accepted_at is not None
    return isinstance(event, s.CaseAccepted | s.WorkOpened)


class AcceptanceLongAfterReceipt:
    """体外循环: accepted long after the applicant first came, not counting supplement waits."""

    name: ClassVar[str] = "AcceptanceLongAfterReceipt"
    title: ClassVar[str] = "首次收件后长期未受理（体外循环）"

    def check(
        self, history: Sequence[Happened], new: Happened, limits: Thresholds, cal: WorkCalendar
    ) -> Evidence | None:
        """Working days from first receipt to acceptance, minus supplement waits, too many."""
        if not isinstance(new.event, s.CaseAccepted):
            return None
        first = next((h for h in history if isinstance(h.event, s.CaseSubmitted)), None)
        if first is None:
            return None
        waited = _waiting_days(history, new.at, cal)
        gap = _days(first.at, new.at, cal) - waited
        if gap <= limits.late_acceptance_days:
            return None
        return {
            "first_receipt": when(first.at),
            "accepted_at": when(new.at),
            "working_days": str(gap),
            "waiting_days": str(waited),
            "threshold_days": str(limits.late_acceptance_days),
            "department": new.event.department,
            "summary": f"首次收件后 {gap} 个工作日才受理（已扣除等待补正 {waited} 个工作日）",
        }


def _waiting_days(history: Sequence[Happened], until: datetime, cal: WorkCalendar) -> int:
    """Working days the case waited for the applicant's materials."""
    since: datetime | None = None
    waited = 0
    for h in history:
        event = h.event
        if isinstance(event, s.CaseSubmitted) and event.missing:
            since = since or h.at
        elif isinstance(event, s.CaseSupplementRequested):
            since = since or h.at
        elif isinstance(event, s.CaseSupplemented) and not event.missing and since is not None:
            waited += _days(since, h.at, cal)
            since = None
    return waited + (_days(since, until, cal) if since is not None else 0)


class SecondNoticeNamesVisibleMaterial:
    """一次告知: a later notice names a material that was already there to see the first time."""

    name: ClassVar[str] = "SecondNoticeNamesVisibleMaterial"
    title: ClassVar[str] = "再次告知了首次就应告知的材料（违反一次性告知）"

    def check(
        self, history: Sequence[Happened], new: Happened, limits: Thresholds, cal: WorkCalendar
    ) -> Evidence | None:
        """Materials in this notice that were neither in the first one nor supplied since."""
        if not isinstance(new.event, s.CaseSupplementRequested):
            return None
        found = _first_notice(history)
        if found is None:
            return None
        index, first_at, first_missing = found
        supplied = {
            code
            for h in history[index + 1 :]
            if isinstance(h.event, s.CaseSupplemented)
            for code in h.event.materials
        }
        named = [m for m in new.event.missing if m not in first_missing and m not in supplied]
        if not named:
            return None
        return {
            "first_notice_at": when(first_at),
            "first_notice": "、".join(first_missing),
            "this_notice": "、".join(new.event.missing),
            "should_have_named": "、".join(named),
            "department": _department(history),
            "summary": f"首次告知时 {'、'.join(named)} 已可发现，却在第二次告知中才提出",
        }


def _first_notice(history: Sequence[Happened]) -> tuple[int, datetime, list[str]] | None:
    for index, h in enumerate(history):
        if isinstance(h.event, s.CaseSubmitted) and h.event.missing:
            return index, h.at, list(h.event.missing)
        if isinstance(h.event, s.CaseSupplementRequested):
            return index, h.at, list(h.event.missing)
    return None


class DecidedOutsideDepartment:
    """双轨运行 / 越权: the decision came from someone outside the case's department."""

    name: ClassVar[str] = "DecidedOutsideDepartment"
    title: ClassVar[str] = "非本部门人员作出决定"

    def check(
        self, history: Sequence[Happened], new: Happened, limits: Thresholds, cal: WorkCalendar
    ) -> Evidence | None:
        """The decider's department is neither the case's nor a joint part's."""
        if not isinstance(new.event, s.CaseDecided):
            return None
        own = _department(history)
        allowed = {own}
        for h in history:
            if isinstance(h.event, s.JointStarted):
                allowed |= {h.event.lead_department, *h.event.parts}
        if not own or new.event.department in allowed:
            return None
        return {
            "decided_by": new.event.decided_by,
            "decider_department": new.event.department,
            "department": own,
            "decided_at": when(new.at),
            "summary": f"办件属 {own}，"
            f"却由 {new.event.department} 的 {new.event.decided_by} 作出决定",
        }


class QuickDecisionAfterLongPause:
    """体外循环: decided minutes after a long pause ended, as if handled elsewhere meanwhile."""

    name: ClassVar[str] = "QuickDecisionAfterLongPause"
    title: ClassVar[str] = "长时间暂停后迅速办结（疑似系统外办理）"

    def check(
        self, history: Sequence[Happened], new: Happened, limits: Thresholds, cal: WorkCalendar
    ) -> Evidence | None:
        """A decision within minutes of resuming from a pause of many working days."""
        if not isinstance(new.event, s.CaseDecided | s.CaseDeemedApproved):
            return None
        resumed = next(
            (h for h in reversed(history) if isinstance(h.event, s.CaseResumed | s.CaseSuspended)),
            None,
        )
        if resumed is None or not isinstance(resumed.event, s.CaseResumed):
            return None
        minutes = (new.at - resumed.at).total_seconds() / 60
        paused = resumed.event.paused_working_days
        if paused < limits.long_pause_days or minutes >= limits.quick_decision_minutes:
            return None
        return {
            "resumed_at": when(resumed.at),
            "paused_working_days": str(paused),
            "decided_at": when(new.at),
            "minutes_after_resume": f"{minutes:.0f}",
            "department": _department(history),
            "summary": f"暂停 {paused} 个工作日后，恢复计时 {minutes:.0f} 分钟即办结",
        }


RULES: tuple[AnomalyRule, ...] = (
    DecisionWithoutAcceptance(),
    AcceptanceLongAfterReceipt(),
    SecondNoticeNamesVisibleMaterial(),
    DecidedOutsideDepartment(),
    QuickDecisionAfterLongPause(),
)
TITLES = {rule.name: rule.title for rule in RULES}


def detect(
    history: Sequence[Happened], new: Happened, limits: Thresholds, cal: WorkCalendar
) -> list[Finding]:
    """Every rule the new event breaks."""
    findings = []
    for rule in RULES:
        evidence = rule.check(history, new, limits, cal)
        if evidence is not None:
            findings.append(Finding(rule.name, rule.title, evidence))
    return findings
