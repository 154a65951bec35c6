"""督察意见: a supervisor sends an opinion to a department, which must answer by a deadline."""

from __future__ import annotations

import uuid
from datetime import datetime

from libs.events import contract as s
from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.http import Code, Prose, RequestBody
from libs.events.uow import UnitOfWork
from services.supervision.application.own_events import find, record
from services.supervision.application.ports import Row, SupervisionViews
from services.supervision.application.staff import must_be_in_scope
from services.supervision.config import Settings
from services.supervision.domain.followups import answer_deadline


class IssueOpinion(RequestBody):
    """The opinion: to which department (of which center), about what, answered by when."""

    department: Code
    center: Code | None = None
    text: Prose
    case_id: Code | None = None
    answer_by: datetime | None = None


def opinion_stream(opinion_id: str) -> str:
    """The stream of one opinion."""
    return f"opinion-{opinion_id}"


async def issue_opinion(
    command: IssueOpinion,
    *,
    uow: UnitOfWork[SupervisionViews],
    clock: Clock,
    settings: Settings,
    principal: Principal,
) -> Row:
    """Append `opinion.issued`; the answer deadline defaults to the configured working days."""
    center = command.center or principal.center or settings.center_code
    must_be_in_scope(principal, settings, center, command.department)
    now = clock.now()
    opinion_id = f"op-{uuid.uuid4().hex[:12]}"
    async with uow.begin() as tx:
        cal = await tx.calendar()
        answer_by = command.answer_by or answer_deadline(now, settings.opinion_answer_days, cal)
        issued = s.OpinionIssued(
            opinion_id=opinion_id,
            department=command.department,
            center=center,
            text=command.text,
            case_id=command.case_id,
            answer_by=answer_by,
            issued_by=principal.sub,
            issued_at=now,
        )
        await record(tx, opinion_stream(opinion_id), [issued], center=center, version=0)
        return await find(tx.views, "opinion", opinion_id)
