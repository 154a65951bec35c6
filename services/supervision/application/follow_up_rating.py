"""The closed loop of a bad rating: the department answers, the applicant may appeal once,
a supervisor decides the appeal (upheld: the department answers again)."""

from __future__ import annotations

from pydantic import Field

from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.http import RequestBody
from libs.events.registry import Event
from libs.events.uow import Transaction, UnitOfWork
from services.supervision.application.own_events import find, record
from services.supervision.application.ports import Row, SupervisionViews
from services.supervision.application.rate_case import rating_stream
from services.supervision.application.staff import must_be_in_scope, must_be_the_department
from services.supervision.config import Settings
from services.supervision.domain.followups import (
    answer_deadline,
    answer_while_open,
    appeal_once,
    appeal_only_after_an_answer,
    only_bad_ratings_are_answered,
)
from services.supervision.domain.rules import OnlyTheRaterAppeals
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


async def _append(tx: Transaction[SupervisionViews], rating: Row, event: Event) -> Row:
    await record(tx, rating_stream(rating["case_id"]), [event], center=rating["center"])
    return await find(tx.views, "rating", rating["rating_id"])


async def answer_rating(
    rating_id: str,
    command: AnswerRating,
    *,
    uow: UnitOfWork[SupervisionViews],
    clock: Clock,
    principal: Principal,
) -> Row:
    """Append `rating.answered` for a bad rating awaiting its department's answer."""
    async with uow.begin() as tx:
        rating = await find(tx.views, "rating", rating_id)
        must_be_the_department(principal, rating["center"], rating["department"])
        only_bad_ratings_are_answered(rating["score"])
        answer_while_open("rating", rating["status"], ("awaiting_answer",))
        answered = RatingAnswered(
            rating_id=rating_id,
            follow_up=command.follow_up,
            remedy=command.remedy,
            answer=command.answer,
            answered_by=principal.sub,
            answered_at=clock.now(),
        )
        return await _append(tx, rating, answered)


async def appeal_rating(
    rating_id: str,
    command: AppealRating,
    *,
    uow: UnitOfWork[SupervisionViews],
    clock: Clock,
    principal: Principal,
) -> Row:
    """Append `rating.appealed`: the applicant who rated, once, after the answer."""
    async with uow.begin() as tx:
        rating = await find(tx.views, "rating", rating_id)
        if rating["rated_by"] != principal.sub:
            raise OnlyTheRaterAppeals("only the applicant who rated may appeal")
        appeal_once(rating["appealed_at"] is not None)
        appeal_only_after_an_answer(rating["status"])
        appealed = RatingAppealed(
            rating_id=rating_id, reason=command.reason, appealed_at=clock.now()
        )
        return await _append(tx, rating, appealed)


async def decide_appeal(
    rating_id: str,
    command: DecideAppeal,
    *,
    uow: UnitOfWork[SupervisionViews],
    clock: Clock,
    settings: Settings,
    principal: Principal,
) -> Row:
    """Append `rating.appeal_decided`; upheld gives the department a new answer deadline."""
    now = clock.now()
    async with uow.begin() as tx:
        rating = await find(tx.views, "rating", rating_id)
        must_be_in_scope(principal, settings, rating["center"], rating["department"])
        answer_while_open("appeal", rating["status"], ("appealed",))
        cal = await tx.calendar()
        decided = RatingAppealDecided(
            rating_id=rating_id,
            upheld=command.upheld,
            note=command.note,
            decided_by=principal.sub,
            decided_at=now,
            answer_by=answer_deadline(now, settings.rating_answer_days, cal)
            if command.upheld
            else None,
        )
        return await _append(tx, rating, decided)
