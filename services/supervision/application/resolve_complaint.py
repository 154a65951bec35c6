"""The department (or a supervisor over it) resolves a complaint with an answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

from libs.events import schemas as s
from libs.events.auth import Principal
from libs.events.http import RuleViolation
from services.supervision.adapters.tables import complaints
from services.supervision.application.context import Supervision
from services.supervision.application.file_complaint import complaint_stream
from services.supervision.application.own_events import find, record, version_of
from services.supervision.domain.followups import answer_while_open
from services.supervision.domain.scope import scope_of


class ResolveComplaint(BaseModel):
    """The answer to the complainant."""

    answer: str = Field(min_length=1)


async def resolve_complaint(
    complaint_id: str, command: ResolveComplaint, *, sv: Supervision, principal: Principal
) -> dict[str, object]:
    """Append `complaint.resolved` for an open complaint the caller answers for."""
    async with sv.runtime.transaction() as conn:
        complaint = await find(conn, complaints, complaint_id, "complaint")
        if not scope_of(principal, sv.tree).allows(complaint["center"], complaint["department"]):
            raise RuleViolation(
                "OnlyTheDepartmentOrItsSupervisorResolves",
                f"complaint {complaint_id} is for {complaint['department']} "
                f"at {complaint['center']}",
                status=403,
            )
        answer_while_open("complaint", complaint["status"], ("open",))
        resolved = s.ComplaintResolved(
            complaint_id=complaint_id,
            answer=command.answer,
            resolved_at=sv.clock.now(),
            resolved_by=principal.sub,
        )
        stream = complaint_stream(complaint_id)
        version = await version_of(sv, conn, stream)
        await record(sv, conn, stream, version, [resolved], center=complaint["center"])
        return await find(conn, complaints, complaint_id, "complaint")
