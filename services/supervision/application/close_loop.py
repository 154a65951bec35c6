"""The department answers an opinion or a rectification notice, or resolves a complaint, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from sqlalchemy import Table

from libs.events import contract as s
from libs.events.auth import Principal
from libs.events.http import RequestBody, RuleViolation
from libs.events.registry import Event
from services.supervision.adapters.tables import complaints, notices, opinions
from services.supervision.application.context import Supervision
from services.supervision.application.file_complaint import complaint_stream
from services.supervision.application.issue_notice import notice_stream
from services.supervision.application.issue_opinion import opinion_stream
from services.supervision.application.own_events import find, record
from services.supervision.application.staff import must_be_the_department
from services.supervision.domain.followups import answer_while_open
from services.supervision.domain.scope import scope_of
from services.supervision.events import RectificationNoticeAnswered


class AnswerOpinion(RequestBody):
    """The department's answer."""

    answer: str = Field(min_length=1)


class AnswerNotice(RequestBody):
    """The rectification report."""

    answer: str = Field(min_length=1)


class ResolveComplaint(RequestBody):
    """The answer to the complainant."""

    answer: str = Field(min_length=1)


def _department_answers(principal: Principal, sv: Supervision, item: dict[str, Any]) -> None:
    must_be_the_department(principal, item["center"], item["department"])


def _department_or_its_supervisor_resolves(
    principal: Principal, sv: Supervision, complaint: dict[str, Any]
) -> None:
    """OnlyTheDepartmentOrItsSupervisorResolves."""
    if not scope_of(principal, sv.tree).allows(complaint["center"], complaint["department"]):
        raise RuleViolation(
            "OnlyTheDepartmentOrItsSupervisorResolves",
            f"complaint {complaint['complaint_id']} is for {complaint['department']} "
            f"at {complaint['center']}",
            status=403,
            detail_zh="投诉只能由被投诉部门或其上级监督机构办结",
        )


@dataclass(frozen=True)
class Loop:
    """One kind of loop: its table and stream, the event that closes it, and who may."""

    kind: str  # also names the id field, `<kind>_id`
    table: Table
    stream: Callable[[str], str]
    closed: type[Event]
    verb: str  # names the event's `<verb>_by` and `<verb>_at` fields
    may_close: Callable[[Principal, Supervision, dict[str, Any]], None]


OPINION = Loop(
    "opinion", opinions, opinion_stream, s.OpinionAnswered, "answered", _department_answers
)
NOTICE = Loop(
    "notice", notices, notice_stream, RectificationNoticeAnswered, "answered", _department_answers
)
COMPLAINT = Loop(
    "complaint",
    complaints,
    complaint_stream,
    s.ComplaintResolved,
    "resolved",
    _department_or_its_supervisor_resolves,
)


async def close_loop(
    loop: Loop, item_id: str, answer: str, *, sv: Supervision, principal: Principal
) -> dict[str, object]:
    """Append the event that closes an open item the caller may close; the item after it."""
    async with sv.runtime.transaction() as conn:
        item = await find(conn, loop.table, item_id, loop.kind)
        loop.may_close(principal, sv, item)
        answer_while_open(loop.kind, item["status"], ("open",))
        closed = loop.closed(
            **{f"{loop.kind}_id": item_id, "answer": answer},
            **{f"{loop.verb}_by": principal.sub, f"{loop.verb}_at": sv.clock.now()},
        )
        await record(sv, conn, loop.stream(item_id), [closed], center=item["center"])
        return await find(conn, loop.table, item_id, loop.kind)
