"""The public status lookup: no token, the query code from the receipt, rate-limited."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from libs.events.http import prefers_chinese, problem
from libs.events.instants import BeijingRoute
from services.intake.api.deps import AppDep
from services.intake.api.schemas import CaseNo, PublicCaseRead, PublicDecisionRead
from services.intake.application.public_lookup import lookup_case, public_decision
from services.intake.bootstrap import App
from services.intake.domain.rules import WrongCaseOrCode

router = APIRouter(route_class=BeijingRoute, prefix="/v1/public", tags=["public"])
Code = Annotated[str, Query(min_length=1, max_length=16, description="the query code")]


class LookupRateLimited(Exception):
    """This client guessed too often: it waits `retry_after` seconds (429, not a rule of the
    domain but the guard against guessing query codes)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many wrong case numbers or query codes; try again later")
        self.retry_after = retry_after


async def on_rate_limited(request: Request, exc: Exception) -> JSONResponse:
    """429 problem+json with Retry-After."""
    assert isinstance(exc, LookupRateLimited)
    response = problem(
        429,
        str(exc),
        rule="LookupRateLimited",
        detail_zh="受理号或查询码错误次数过多，请稍后再试",
        chinese=prefers_chinese(request),
    )
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _not_limited(request: Request, app: App, case_no: str) -> None:
    wait = app.lookups.wait(_client(request), case_no)
    if wait:
        raise LookupRateLimited(wait)


def _wrong(request: Request, app: App, case_no: str) -> WrongCaseOrCode:
    app.lookups.fail(_client(request), case_no)
    return WrongCaseOrCode(f"no case {case_no} with this query code")


@router.get("/cases/{case_no}")
async def get_public_case(
    case_no: CaseNo, code: Code, request: Request, app: AppDep
) -> PublicCaseRead:
    """A case's status for whoever holds its number and query code."""
    _not_limited(request, app, case_no)
    pepper = app.settings.query_code_pepper
    found = await lookup_case(case_no, code, uow=app.uow, pepper=pepper)
    if found is None:
        raise _wrong(request, app, case_no)
    return found


async def _decision(request: Request, app: App, case_no: str, code: str) -> PublicDecisionRead:
    _not_limited(request, app, case_no)
    pepper = app.settings.query_code_pepper
    found = await public_decision(case_no, code, uow=app.uow, pepper=pepper)
    if found is None:
        raise _wrong(request, app, case_no)
    return found


@router.get("/cases/{case_no}/decision")
async def get_public_decision(
    case_no: CaseNo, code: Code, request: Request, app: AppDep
) -> PublicDecisionRead:
    """The sealed decision document (JSON, PDF as base64, seal, public key), as approval
    published it; verify it with approval's `POST /v1/seals/verify`."""
    return await _decision(request, app, case_no, code)


@router.get("/cases/{case_no}/decision.pdf", response_class=Response)
async def get_public_decision_pdf(
    case_no: CaseNo, code: Code, request: Request, app: AppDep
) -> Response:
    """The decision document's PDF, exactly as sealed."""
    found = await _decision(request, app, case_no, code)
    headers = {"Content-Disposition": f'attachment; filename="{found.document_id}.pdf"'}
    return Response(base64.b64decode(found.pdf), media_type="application/pdf", headers=headers)
