"""投诉: an applicant complains; the complaint is routed to the department concerned."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from libs.events.auth import Principal
from libs.events.http import Code, Problem, Prose, RequestBody, RuleViolation
from services.supervision.adapters.tables import complaints
from services.supervision.application.case_view import visible_case
from services.supervision.application.context import Supervision
from services.supervision.application.own_events import find, record
from services.supervision.domain.followups import answer_deadline


class FileComplaint(RequestBody):
    """About a case (routed to its department), or about a center's department directly."""

    text: Prose
    case_id: Code | None = None
    center: Code | None = None
    department: Code | None = None


def complaint_stream(complaint_id: str) -> str:
    """The stream of one complaint."""
    return f"complaint-{complaint_id}"


async def _route(
    command: FileComplaint, sv: Supervision, principal: Principal, conn: AsyncConnection
) -> tuple[str, str]:
    """The center and department that must answer."""
    if command.case_id:
        case = await visible_case(sv, conn, command.case_id, principal)
        return case["center"], case["department"] or ""
    if not command.center or not command.department:
        raise Problem(
            422,
            "name the case, or the center and the department complained about",
            detail_zh="请写明投诉的案件，或被投诉的中心和部门",
        )
    if command.center not in sv.tree.parents:
        raise RuleViolation(
            "KnownCenter",
            f"center {command.center} is not a known center",
            detail_zh="该中心代码不在已知中心之列",
        )
    return command.center, command.department


async def file_complaint(
    command: FileComplaint, *, sv: Supervision, principal: Principal
) -> dict[str, object]:
    """Append `complaint.filed`, due for an answer within the configured working days."""
    now = sv.clock.now()
    complaint_id = f"cp-{uuid.uuid4().hex[:12]}"
    async with sv.runtime.transaction() as conn:
        center, department = await _route(command, sv, principal, conn)
        cal = await sv.calendars.get(conn)
        filed = s.ComplaintFiled(
            complaint_id=complaint_id,
            center=center,
            department=department,
            text=command.text,
            case_id=command.case_id,
            filed_at=now,
            filed_by=principal.sub,
            answer_by=answer_deadline(now, sv.settings.complaint_answer_days, cal),
        )
        stream = complaint_stream(complaint_id)
        await record(sv, conn, stream, [filed], center=center, version=0)
        return await find(conn, complaints, complaint_id, "complaint")
