"""The department answers a supervision opinion, once."""

from __future__ import annotations

from pydantic import BaseModel, Field

from libs.events import schemas as s
from libs.events.auth import Principal
from services.supervision.adapters.tables import opinions
from services.supervision.application.context import Supervision
from services.supervision.application.issue_opinion import opinion_stream
from services.supervision.application.own_events import find, record, version_of
from services.supervision.application.staff import must_be_the_department
from services.supervision.domain.followups import answer_while_open


class AnswerOpinion(BaseModel):
    """The department's answer."""

    answer: str = Field(min_length=1)


async def answer_opinion(
    opinion_id: str, command: AnswerOpinion, *, sv: Supervision, principal: Principal
) -> dict[str, object]:
    """Append `opinion.answered` for an open opinion of the caller's department."""
    async with sv.runtime.transaction() as conn:
        opinion = await find(conn, opinions, opinion_id, "opinion")
        must_be_the_department(principal, opinion["center"], opinion["department"])
        answer_while_open("opinion", opinion["status"], ("open",))
        answered = s.OpinionAnswered(
            opinion_id=opinion_id,
            answer=command.answer,
            answered_at=sv.clock.now(),
            answered_by=principal.sub,
        )
        stream = opinion_stream(opinion_id)
        version = await version_of(sv, conn, stream)
        await record(sv, conn, stream, version, [answered], center=opinion["center"])
        return await find(conn, opinions, opinion_id, "opinion")
