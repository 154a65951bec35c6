"""Case events as intake and approval publish them, for supervision's tests.

Dates: 2026 around National Day (chinesecalendar): 09-25..09-27 (Mid-autumn) and 10-01..10-07
are off; Sunday 09-20 and Saturday 10-10 are adjusted working days (调休上班).
"""

from __future__ import annotations

from datetime import datetime

from libs.events import contract as s
from libs.events.calendar import WorkCalendar
from libs.events.clock import SHANGHAI

CAL = WorkCalendar()
CENTER = "350500"
DEPT = "SCJG"
APPLICANT = s.Applicant(name="张三", id_type="resident", id_no="11010519491231002X", phone="1")


def bj(y: int, m: int, d: int, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    """An instant given in Beijing time."""
    return datetime(y, m, d, hour, minute, second, tzinfo=SHANGHAI)


def submitted(
    case_id: str,
    at: datetime,
    *,
    center: str = CENTER,
    department: str = DEPT,
    item: str = "SP-001",
    materials: tuple[str, ...] = ("APP", "LIC"),
    missing: tuple[str, ...] = (),
    limit: int = 10,
) -> s.CaseSubmitted:
    return s.CaseSubmitted(
        case_id=case_id,
        center=center,
        case_no=f"NO-{case_id}",
        item_code=item,
        item_version=1,
        item_name="食品经营许可",
        department=department,
        kind="promised",
        channel="window",
        applicant=APPLICANT,
        materials=list(materials),
        missing=list(missing),
        submitted_at=at,
        legal_limit_days=20,
        promised_limit_days=limit,
        submitted_by="clerk-1",
    )


def accepted(
    case_id: str,
    at: datetime,
    limit: int = 10,
    *,
    center: str = CENTER,
    department: str = DEPT,
    item: str = "SP-001",
) -> s.CaseAccepted:
    deadline = CAL.deadline(at, limit)
    return s.CaseAccepted(
        case_id=case_id,
        center=center,
        case_no=f"NO-{case_id}",
        item_code=item,
        item_version=1,
        department=department,
        kind="promised" if limit else "immediate",
        channel="window",
        accepted_at=at,
        accepted_by="clerk-1",
        limit_days=limit,
        deadline=deadline.at,
        due_day=deadline.due_day,
        provisional=deadline.provisional,
        item_name="食品经营许可",
    )


def suspended(case_id: str, at: datetime, *, center: str = CENTER) -> s.CaseSuspended:
    return s.CaseSuspended(
        case_id=case_id, center=center, procedure="correction", suspended_at=at, reason="缺平面图"
    )


def resumed(
    case_id: str, at: datetime, *, since: datetime, before: s.CaseAccepted, center: str = CENTER
) -> s.CaseResumed:
    """Resumed after a pause since `since`; the deadline moves by the paused working days."""
    paused = CAL.paused_working_days(since, at)
    old = CAL.deadline(before.accepted_at, before.limit_days)
    moved = CAL.shift_deadline(old, paused)
    return s.CaseResumed(
        case_id=case_id,
        center=center,
        resumed_at=at,
        paused_working_days=paused,
        deadline=moved.at,
        due_day=moved.due_day,
        provisional=moved.provisional,
    )


def decided(
    case_id: str,
    at: datetime,
    *,
    center: str = CENTER,
    department: str = DEPT,
    by: str = "approver-1",
    decision: str = "approved",
) -> s.CaseDecided:
    return s.CaseDecided(
        case_id=case_id,
        center=center,
        decision=decision,  # type: ignore[arg-type]
        decided_by=by,
        department=department,
        decided_at=at,
    )


def notice(
    case_id: str, missing: tuple[str, ...], number: int, *, center: str = CENTER
) -> s.CaseSupplementRequested:
    return s.CaseSupplementRequested(
        case_id=case_id, center=center, missing=list(missing), notice_no=number
    )


def supplemented(
    case_id: str, materials: tuple[str, ...], missing: tuple[str, ...] = (), *, center: str = CENTER
) -> s.CaseSupplemented:
    return s.CaseSupplemented(
        case_id=case_id, center=center, materials=list(materials), missing=list(missing)
    )


def joint_started(
    case_id: str, at: datetime, parts: dict[str, int], *, stage: str = "立项", center: str = CENTER
) -> s.JointStarted:
    deadlines = {dept: CAL.deadline(at, days).at for dept, days in parts.items()}
    return s.JointStarted(
        case_id=case_id,
        center=center,
        stage=stage,
        lead_department="FGW",
        parts=deadlines,
        started_at=at,
    )
