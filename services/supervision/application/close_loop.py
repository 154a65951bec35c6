"""The department answers an opinion or a rectification notice, or resolves a complaint, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import Field

from libs.events import contract as s
from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.http import RequestBody
from libs.events.registry import Event
from libs.events.uow import UnitOfWork
from services.supervision.application.file_complaint import complaint_stream
from services.supervision.application.issue_notice import notice_stream
from services.supervision.application.issue_opinion import opinion_stream
from services.supervision.application.own_events import find, record
from services.supervision.application.ports import Row, SupervisionViews
from services.supervision.application.scope import scope_of
from services.supervision.application.staff import must_be_the_department
from services.supervision.config import Settings
from services.supervision.domain.followups import answer_while_open
from services.supervision.domain.rules import OnlyTheDepartmentOrItsSupervisorResolves
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


def _department_answers(principal: Principal, settings: Settings, item: Row) -> None:
    must_be_the_department(principal, item["center"], item["department"])


def _department_or_its_supervisor_resolves(
    principal: Principal, settings: Settings, complaint: Row
) -> None:
    """OnlyTheDepartmentOrItsSupervisorResolves."""
    tree = settings.center_tree()
    if not scope_of(principal, tree).allows(complaint["center"], complaint["department"]):
        raise OnlyTheDepartmentOrItsSupervisorResolves(
            f"complaint {complaint['complaint_id']} is for {complaint['department']} "
            f"at {complaint['center']}"
        )


# The event closing an item: (its id, the answer, who, when) -> the event.
Close = Callable[[str, str, str, datetime], Event]


@dataclass(frozen=True)
class Loop:
    """One kind of loop: its stream, the event that closes it, and who may close it."""

    kind: str
    stream: Callable[[str], str]
    close: Close
    may_close: Callable[[Principal, Settings, Row], None]


def _opinion_answered(item_id: str, answer: str, by: str, at: datetime) -> Event:
    return s.OpinionAnswered(opinion_id=item_id, answer=answer, answered_by=by, answered_at=at)


def _notice_answered(item_id: str, answer: str, by: str, at: datetime) -> Event:
    return RectificationNoticeAnswered(
        notice_id=item_id, answer=answer, answered_by=by, answered_at=at
    )


def _complaint_resolved(item_id: str, answer: str, by: str, at: datetime) -> Event:
    return s.ComplaintResolved(complaint_id=item_id, answer=answer, resolved_by=by, resolved_at=at)


OPINION = Loop("opinion", opinion_stream, _opinion_answered, _department_answers)
NOTICE = Loop("notice", notice_stream, _notice_answered, _department_answers)
COMPLAINT = Loop(
    "complaint", complaint_stream, _complaint_resolved, _department_or_its_supervisor_resolves
)


async def close_loop(
    loop: Loop,
    item_id: str,
    answer: str,
    *,
    uow: UnitOfWork[SupervisionViews],
    clock: Clock,
    settings: Settings,
    principal: Principal,
) -> Row:
    """Append the event that closes an open item the caller may close; the item after it."""
    async with uow.begin() as tx:
        item = await find(tx.views, loop.kind, item_id)
        loop.may_close(principal, settings, item)
        answer_while_open(loop.kind, item["status"], ("open",))
        closed = loop.close(item_id, answer, principal.sub, clock.now())
        await record(tx, loop.stream(item_id), [closed], center=item["center"])
        return await find(tx.views, loop.kind, item_id)
