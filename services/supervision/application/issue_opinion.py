"""督察意见: a supervisor sends an opinion to a department, which must answer by a deadline."""

from __future__ import annotations

import uuid
from datetime import datetime

from libs.events import contract as s
from libs.events.auth import Principal
from libs.events.http import Code, Prose, RequestBody, RuleViolation
from services.supervision.adapters.tables import opinions
from services.supervision.application.context import Supervision
from services.supervision.application.own_events import find, record
from services.supervision.domain.followups import answer_deadline
from services.supervision.domain.scope import scope_of


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


def must_be_in_scope(principal: Principal, sv: Supervision, center: str, department: str) -> None:
    """SupervisionWithinScope: a supervisor acts on their center and those below it only, and
    this node on its own center and those below it (another tree's token is no use here)."""
    served = sv.tree.with_children(sv.settings.center_code)
    if center not in served or not scope_of(principal, sv.tree).allows(center, department):
        raise RuleViolation(
            "SupervisionWithinScope",
            f"center {center} is outside the supervision of center {principal.center}",
            status=403,
            detail_zh="只能对本中心及下级中心行使监督",
        )


async def issue_opinion(
    command: IssueOpinion, *, sv: Supervision, principal: Principal
) -> dict[str, object]:
    """Append `opinion.issued`; the answer deadline defaults to the configured working days."""
    center = command.center or principal.center or sv.settings.center_code
    must_be_in_scope(principal, sv, center, command.department)
    now = sv.clock.now()
    opinion_id = f"op-{uuid.uuid4().hex[:12]}"
    async with sv.runtime.transaction() as conn:
        cal = await sv.calendars.get(conn)
        answer_by = command.answer_by or answer_deadline(now, sv.settings.opinion_answer_days, cal)
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
        await record(sv, conn, opinion_stream(opinion_id), [issued], center=center, version=0)
        return await find(conn, opinions, opinion_id, "opinion")
