"""The department reports how it rectified, once."""

from __future__ import annotations

from pydantic import BaseModel, Field

from libs.events import schemas as s
from libs.events.auth import Principal
from services.supervision.adapters.tables import notices
from services.supervision.application.context import Supervision
from services.supervision.application.issue_notice import notice_stream
from services.supervision.application.own_events import find, record, version_of
from services.supervision.application.staff import must_be_the_department
from services.supervision.domain.followups import answer_while_open


class AnswerNotice(BaseModel):
    """The rectification report."""

    answer: str = Field(min_length=1)


async def answer_notice(
    notice_id: str, command: AnswerNotice, *, sv: Supervision, principal: Principal
) -> dict[str, object]:
    """Append `notice.answered` for an open notice of the caller's department."""
    async with sv.runtime.transaction() as conn:
        notice = await find(conn, notices, notice_id, "notice")
        must_be_the_department(principal, notice["center"], notice["department"])
        answer_while_open("notice", notice["status"], ("open",))
        answered = s.RectificationNoticeAnswered(
            notice_id=notice_id,
            answer=command.answer,
            answered_by=principal.sub,
            answered_at=sv.clock.now(),
        )
        stream = notice_stream(notice_id)
        version = await version_of(sv, conn, stream)
        await record(sv, conn, stream, version, [answered], center=notice["center"])
        return await find(conn, notices, notice_id, "notice")
