"""好差评: ratings by applicants and the closed loop of a bad one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from libs.events.instants import BeijingRoute
from services.supervision.api.deps import Anyone, AppDep, Applicant, Staff, Supervisor
from services.supervision.api.followup_schemas import RatingListed, RatingRead
from services.supervision.api.loop_pages import loop_page, paged
from services.supervision.application.follow_up_rating import (
    AnswerRating,
    AppealRating,
    DecideAppeal,
    answer_rating,
    appeal_rating,
    decide_appeal,
)
from services.supervision.application.ports import LoopPage
from services.supervision.application.rate_case import RateCase, rate_case

router = APIRouter(route_class=BeijingRoute, prefix="/v1/ratings", tags=["ratings"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def post_rating(body: RateCase, principal: Applicant, app: AppDep) -> RatingRead:
    """Rate a completed case once, 1 to 5; a rating of 1 or 2 must be answered."""
    row = await rate_case(
        body, uow=app.uow, clock=app.clock, settings=app.settings, principal=principal
    )
    return RatingRead.model_validate(row)


@router.post("/{rating_id}/answer")
async def post_rating_answer(
    rating_id: str, body: AnswerRating, principal: Staff, app: AppDep
) -> RatingRead:
    """The department's follow-up, remedy and answer to a bad rating."""
    row = await answer_rating(rating_id, body, uow=app.uow, clock=app.clock, principal=principal)
    return RatingRead.model_validate(row)


@router.post("/{rating_id}/appeal")
async def post_rating_appeal(
    rating_id: str, body: AppealRating, principal: Applicant, app: AppDep
) -> RatingRead:
    """The applicant appeals the answer, once."""
    row = await appeal_rating(rating_id, body, uow=app.uow, clock=app.clock, principal=principal)
    return RatingRead.model_validate(row)


@router.post("/{rating_id}/appeal/decision")
async def post_appeal_decision(
    rating_id: str, body: DecideAppeal, principal: Supervisor, app: AppDep
) -> RatingRead:
    """A supervisor decides the appeal; upheld sends it back to the department."""
    row = await decide_appeal(
        rating_id,
        body,
        uow=app.uow,
        clock=app.clock,
        settings=app.settings,
        principal=principal,
    )
    return RatingRead.model_validate(row)


@router.get("")
async def get_ratings(
    principal: Anyone,
    app: AppDep,
    page: Annotated[LoopPage, Depends(loop_page)],
    request: Request,
    response: Response,
) -> list[RatingListed]:
    """Visible ratings (an applicant sees their own), newest first, open loops with lights."""
    return await paged("ratings", app, principal, page, request, response, model=RatingListed)
