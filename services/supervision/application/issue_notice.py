"""效能督查整改通知书: a supervisor orders a department to rectify by a deadline."""

from __future__ import annotations

import uuid
from datetime import datetime

from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.http import Code, Prose, RequestBody
from libs.events.uow import UnitOfWork
from services.supervision.application.own_events import find, record
from services.supervision.application.ports import Row, SupervisionViews
from services.supervision.application.staff import must_be_in_scope
from services.supervision.config import Settings
from services.supervision.domain.followups import answer_deadline
from services.supervision.events import RectificationNoticeIssued


class IssueNotice(RequestBody):
    """What must be rectified, by which department, by when."""

    department: Code
    center: Code | None = None
    text: Prose
    rectify_by: datetime | None = None


def notice_stream(notice_id: str) -> str:
    """The stream of one rectification notice."""
    return f"notice-{notice_id}"


async def issue_notice(
    command: IssueNotice,
    *,
    uow: UnitOfWork[SupervisionViews],
    clock: Clock,
    settings: Settings,
    principal: Principal,
) -> Row:
    """Append `notice.issued`; the deadline defaults to the configured working days."""
    center = command.center or principal.center or settings.center_code
    must_be_in_scope(principal, settings, center, command.department)
    now = clock.now()
    notice_id = f"nt-{uuid.uuid4().hex[:12]}"
    async with uow.begin() as tx:
        cal = await tx.calendar()
        issued = RectificationNoticeIssued(
            notice_id=notice_id,
            center=center,
            department=command.department,
            text=command.text,
            issued_by=principal.sub,
            issued_at=now,
            rectify_by=command.rectify_by
            or answer_deadline(now, settings.notice_rectify_days, cal),
        )
        await record(tx, notice_stream(notice_id), [issued], center=center, version=0)
        return await find(tx.views, "notice", notice_id)
