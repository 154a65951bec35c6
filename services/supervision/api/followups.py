"""Opinions (督察意见), complaints (投诉), rectification notices and anomalies."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response, status

from libs.events.instants import BeijingRoute
from services.supervision.api.deps import Anyone, AppDep, Staff, Supervisor, Viewer
from services.supervision.api.followup_schemas import (
    AnomalyListed,
    ComplaintListed,
    ComplaintRead,
    NoticeListed,
    NoticeRead,
    OpinionListed,
    OpinionRead,
)
from services.supervision.api.loop_pages import loop_page, paged
from services.supervision.application.close_loop import (
    COMPLAINT,
    NOTICE,
    OPINION,
    AnswerNotice,
    AnswerOpinion,
    ResolveComplaint,
    close_loop,
)
from services.supervision.application.file_complaint import FileComplaint, file_complaint
from services.supervision.application.issue_notice import IssueNotice, issue_notice
from services.supervision.application.issue_opinion import IssueOpinion, issue_opinion
from services.supervision.application.ports import LoopPage

router = APIRouter(
    route_class=BeijingRoute, prefix="/v1", tags=["opinions, complaints, notices, anomalies"]
)


@router.post("/opinions", status_code=status.HTTP_201_CREATED)
async def post_opinion(body: IssueOpinion, principal: Supervisor, app: AppDep) -> OpinionRead:
    """Send a supervision opinion to a department; it has an answer deadline and a light."""
    row = await issue_opinion(
        body, uow=app.uow, clock=app.clock, settings=app.settings, principal=principal
    )
    return OpinionRead.model_validate(row)


@router.post("/opinions/{opinion_id}/answer")
async def post_opinion_answer(
    opinion_id: str, body: AnswerOpinion, principal: Staff, app: AppDep
) -> OpinionRead:
    """The department answers the opinion."""
    row = await close_loop(
        OPINION,
        opinion_id,
        body.answer,
        uow=app.uow,
        clock=app.clock,
        settings=app.settings,
        principal=principal,
    )
    return OpinionRead.model_validate(row)


@router.get("/opinions")
async def get_opinions(
    principal: Viewer,
    app: AppDep,
    page: Annotated[LoopPage, Depends(loop_page)],
    request: Request,
    response: Response,
    status: Literal["open", "answered"] | None = None,
) -> list[OpinionListed]:
    """Visible opinions, newest first, each with its light."""
    return await paged(
        "opinions",
        app,
        principal,
        replace(page, status=status),
        request,
        response,
        model=OpinionListed,
    )


@router.post("/complaints", status_code=status.HTTP_201_CREATED)
async def post_complaint(body: FileComplaint, principal: Anyone, app: AppDep) -> ComplaintRead:
    """File a complaint about a case or a department; it is routed to that department."""
    row = await file_complaint(
        body, uow=app.uow, clock=app.clock, settings=app.settings, principal=principal
    )
    return ComplaintRead.model_validate(row)


@router.post("/complaints/{complaint_id}/resolve")
async def post_complaint_resolution(
    complaint_id: str, body: ResolveComplaint, principal: Viewer, app: AppDep
) -> ComplaintRead:
    """The department (or its supervisor) resolves the complaint with an answer."""
    row = await close_loop(
        COMPLAINT,
        complaint_id,
        body.answer,
        uow=app.uow,
        clock=app.clock,
        settings=app.settings,
        principal=principal,
    )
    return ComplaintRead.model_validate(row)


@router.get("/complaints")
async def get_complaints(
    principal: Anyone,
    app: AppDep,
    page: Annotated[LoopPage, Depends(loop_page)],
    request: Request,
    response: Response,
    status: Literal["open", "resolved"] | None = None,
) -> list[ComplaintListed]:
    """Visible complaints (an applicant sees their own), newest first, with lights."""
    page = replace(page, status=status)
    return await paged("complaints", app, principal, page, request, response, model=ComplaintListed)


@router.post("/notices", status_code=status.HTTP_201_CREATED)
async def post_notice(body: IssueNotice, principal: Supervisor, app: AppDep) -> NoticeRead:
    """Issue a rectification notice (效能督查整改通知书) with a deadline."""
    row = await issue_notice(
        body, uow=app.uow, clock=app.clock, settings=app.settings, principal=principal
    )
    return NoticeRead.model_validate(row)


@router.post("/notices/{notice_id}/answer")
async def post_notice_answer(
    notice_id: str, body: AnswerNotice, principal: Staff, app: AppDep
) -> NoticeRead:
    """The department reports its rectification."""
    row = await close_loop(
        NOTICE,
        notice_id,
        body.answer,
        uow=app.uow,
        clock=app.clock,
        settings=app.settings,
        principal=principal,
    )
    return NoticeRead.model_validate(row)


@router.get("/notices")
async def get_notices(
    principal: Viewer,
    app: AppDep,
    page: Annotated[LoopPage, Depends(loop_page)],
    request: Request,
    response: Response,
    status: Literal["open", "answered"] | None = None,
) -> list[NoticeListed]:
    """Visible rectification notices, newest first, with lights."""
    return await paged(
        "notices",
        app,
        principal,
        replace(page, status=status),
        request,
        response,
        model=NoticeListed,
    )


@router.get("/anomalies")
async def get_anomalies(
    principal: Viewer,
    app: AppDep,
    page: Annotated[LoopPage, Depends(loop_page)],
    request: Request,
    response: Response,
) -> list[AnomalyListed]:
    """Visible anomalies (体外循环, 二次告知 …) with their evidence, newest first."""
    return await paged("anomalies", app, principal, page, request, response, model=AnomalyListed)
