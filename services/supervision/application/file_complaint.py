"""投诉: an applicant complains; the complaint is routed to the department concerned."""

from __future__ import annotations

import uuid

from libs.events import contract as s
from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.http import Code, Prose, RequestBody
from libs.events.uow import UnitOfWork
from services.supervision.application.case_view import visible_case
from services.supervision.application.own_events import find, record
from services.supervision.application.ports import Row, SupervisionViews
from services.supervision.config import Settings
from services.supervision.domain.followups import answer_deadline
from services.supervision.domain.rules import ComplaintNamesItsSubject, KnownCenter


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
    command: FileComplaint, views: SupervisionViews, settings: Settings, principal: Principal
) -> tuple[str, str]:
    """The center and department that must answer."""
    if command.case_id:
        case = await visible_case(views, settings, command.case_id, principal)
        return case["center"], case["department"] or ""
    if not command.center or not command.department:
        raise ComplaintNamesItsSubject(
            "name the case, or the center and the department complained about"
        )
    if command.center not in settings.center_tree().parents:
        raise KnownCenter(f"center {command.center} is not a known center")
    return command.center, command.department


async def file_complaint(
    command: FileComplaint,
    *,
    uow: UnitOfWork[SupervisionViews],
    clock: Clock,
    settings: Settings,
    principal: Principal,
) -> Row:
    """Append `complaint.filed`, due for an answer within the configured working days."""
    now = clock.now()
    complaint_id = f"cp-{uuid.uuid4().hex[:12]}"
    async with uow.begin() as tx:
        center, department = await _route(command, tx.views, settings, principal)
        cal = await tx.calendar()
        filed = s.ComplaintFiled(
            complaint_id=complaint_id,
            center=center,
            department=department,
            text=command.text,
            case_id=command.case_id,
            filed_at=now,
            filed_by=principal.sub,
            answer_by=answer_deadline(now, settings.complaint_answer_days, cal),
        )
        stream = complaint_stream(complaint_id)
        await record(tx, stream, [filed], center=center, version=0)
        return await find(tx.views, "complaint", complaint_id)
