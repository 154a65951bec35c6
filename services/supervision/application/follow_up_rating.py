"""The closed loop of a bad rating: the department answers, the applicant may appeal once,
a supervisor decides the appeal (upheld: the department answers again)."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal
from libs.events.http import RequestBody, RuleViolation
from libs.events.registry import Event
from services.supervision.adapters.tables import ratings
from services.supervision.application.context import Supervision
from services.supervision.application.issue_opinion import must_be_in_scope
from services.supervision.application.own_events import find, record
from services.supervision.application.rate_case import rating_stream
from services.supervision.application.staff import must_be_the_department
from services.supervision.domain.followups import (
    answer_deadline,
    answer_while_open,
    appeal_once,
    appeal_only_after_an_answer,
    only_bad_ratings_are_answered,
)
from services.supervision.events import RatingAnswered, RatingAppealDecided, RatingAppealed


class AnswerRating(RequestBody):
    """How the department followed up, what it remedied, and its answer to the applicant."""

    follow_up: str = Field(min_length=1)
    remedy: str = Field(min_length=1)
    answer: str = Field(min_length=1)


class AppealRating(RequestBody):
    """Why the applicant is not satisfied with the answer."""

    reason: str = Field(min_length=1)


class DecideAppeal(RequestBody):
    """Upheld sends the rating back to the department for a new answer."""

    upheld: bool
    note: str = ""


async def _append(
    sv: Supervision, conn: AsyncConnection, rating: dict[str, Any], event: Event
) -> dict[str, Any]:
    await record(sv, conn, rating_stream(rating["case_id"]), [event], center=rating["center"])
    return await find(conn, ratings, rating["rating_id"], "rating")


async def answer_rating(
    rating_id: str, command: AnswerRating, *, sv: Supervision, principal: Principal
) -> dict[str, Any]:
    """Append `rating.answered` for a bad rating awaiting its department's answer."""
    async with sv.runtime.transaction() as conn:
        rating = await find(conn, ratings, rating_id, "rating")
        must_be_the_department(principal, rating["center"], rating["department"])
        only_bad_ratings_are_answered(rating["score"])
        answer_while_open("rating", rating["status"], ("awaiting_answer",))
        answered = RatingAnswered(
            rating_id=rating_id,
            answered_by=principal.sub,
            answered_at=sv.clock.now(),
            **command.model_dump(),
        )
        return await _append(sv, conn, rating, answered)


async def appeal_rating(
    rating_id: str, command: AppealRating, *, sv: Supervision, principal: Principal
) -> dict[str, Any]:
    """Append `rating.appealed`: the applicant who rated, once, after the answer."""
    async with sv.runtime.transaction() as conn:
        rating = await find(conn, ratings, rating_id, "rating")
        if rating["rated_by"] != principal.sub:
            raise RuleViolation(
                "OnlyTheRaterAppeals",
                "only the applicant who rated may appeal",
                status=403,
                detail_zh="只有作出评价的申请人才能申诉",
            )
        appeal_once(rating["appealed_at"] is not None)
        appeal_only_after_an_answer(rating["status"])
        appealed = RatingAppealed(
            rating_id=rating_id, reason=command.reason, appealed_at=sv.clock.now()
        )
        return await _append(sv, conn, rating, appealed)


async def decide_appeal(
    rating_id: str, command: DecideAppeal, *, sv: Supervision, principal: Principal
) -> dict[str, Any]:
    """Append `rating.appeal_decided`; upheld gives the department a new answer deadline."""
    now = sv.clock.now()
    async with sv.runtime.transaction() as conn:
        rating = await find(conn, ratings, rating_id, "rating")
        must_be_in_scope(principal, sv, rating["center"], rating["department"])
        answer_while_open("appeal", rating["status"], ("appealed",))
        cal = await sv.calendars.get(conn)
        decided = RatingAppealDecided(
            rating_id=rating_id,
            upheld=command.upheld,
            note=command.note,
            decided_by=principal.sub,
            decided_at=now,
            answer_by=answer_deadline(now, sv.settings.rating_answer_days, cal)
            if command.upheld
            else None,
        )
        return await _append(sv, conn, rating, decided)
