"""好差评: the applicant rates a completed case once; a bad rating opens a closed loop."""

from __future__ import annotations

from pydantic import Field

from libs.events.auth import Principal
from libs.events.http import RequestBody, RuleViolation
from services.supervision.adapters.tables import ratings
from services.supervision.application.case_view import visible_case
from services.supervision.application.context import Supervision
from services.supervision.application.own_events import find, record
from services.supervision.domain.followups import (
    answer_deadline,
    is_bad,
    only_completed_cases_are_rated,
    rating_must_be_in_range,
)
from services.supervision.events import CaseRated


class RateCase(RequestBody):
    """The rating: 1 (very bad) to 5 (very good), with a comment."""

    case_id: str = Field(min_length=1)
    score: int
    comment: str = ""


def rating_stream(case_id: str) -> str:
    """The stream of a case's rating: its first event is the rating itself."""
    return f"rating-{case_id}"


def rating_id_of(case_id: str) -> str:
    """One rating per case."""
    return f"r-{case_id}"


async def rate_case(
    command: RateCase, *, sv: Supervision, principal: Principal
) -> dict[str, object]:
    """Append `rating.given`; a bad one must be answered by the department within a deadline."""
    rating_must_be_in_range(command.score)
    now = sv.clock.now()
    async with sv.runtime.transaction() as conn:
        case = await visible_case(sv, conn, command.case_id, principal)
        only_completed_cases_are_rated(case["status"], case["completed_at"] is not None)
        stream = rating_stream(command.case_id)
        if await sv.store.version(conn, stream) > 0:
            raise RuleViolation(
                "RateOnce",
                "this case has already been rated",
                status=409,
                detail_zh="每个案件只能评价一次",
            )
        cal = await sv.calendars.get(conn)
        rated = CaseRated(
            rating_id=rating_id_of(command.case_id),
            case_id=command.case_id,
            center=case["center"],
            department=case["department"] or "",
            score=command.score,
            comment=command.comment,
            rated_by=principal.sub,
            rated_at=now,
            answer_by=answer_deadline(now, sv.settings.rating_answer_days, cal)
            if is_bad(command.score)
            else None,
        )
        await record(sv, conn, stream, [rated], center=case["center"], version=0)
        return await find(conn, ratings, rated.rating_id, "rating")
