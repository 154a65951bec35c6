"""好差评: the applicant rates a completed case once; a bad rating opens a closed loop."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.http import RequestBody
from libs.events.uow import UnitOfWork
from services.supervision.application.case_view import visible_case
from services.supervision.application.own_events import find, record
from services.supervision.application.ports import Row, SupervisionViews
from services.supervision.config import Settings
from services.supervision.domain.followups import (
    answer_deadline,
    is_bad,
    only_completed_cases_are_rated,
    rating_must_be_in_range,
)
from services.supervision.domain.rules import RateOnce
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


def _rated(
    command: RateCase, case: Row, *, by: str, at: datetime, answer_by: datetime | None
) -> CaseRated:
    return CaseRated(
        rating_id=rating_id_of(command.case_id),
        case_id=command.case_id,
        center=case["center"],
        department=case["department"] or "",
        score=command.score,
        comment=command.comment,
        rated_by=by,
        rated_at=at,
        answer_by=answer_by,
    )


async def rate_case(
    command: RateCase,
    *,
    uow: UnitOfWork[SupervisionViews],
    clock: Clock,
    settings: Settings,
    principal: Principal,
) -> Row:
    """Append `rating.given`; a bad one must be answered by the department within a deadline."""
    rating_must_be_in_range(command.score)
    now = clock.now()
    async with uow.begin() as tx:
        case = await visible_case(tx.views, settings, command.case_id, principal)
        only_completed_cases_are_rated(case["status"], case["completed_at"] is not None)
        stream = rating_stream(command.case_id)
        if await tx.events.version(stream) > 0:
            raise RateOnce("this case has already been rated")
        bad = is_bad(command.score)
        due = answer_deadline(now, settings.rating_answer_days, await tx.calendar())
        rated = _rated(command, case, by=principal.sub, at=now, answer_by=due if bad else None)
        await record(tx, stream, [rated], center=case["center"], version=0)
        return await find(tx.views, "rating", rated.rating_id)
