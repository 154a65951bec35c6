"""The public status lookup: no token, the query code from the receipt, rate-limited."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from libs.events.http import Problem, prefers_chinese, problem
from libs.events.instants import BeijingRoute
from services.intake.adapters.ratelimit import LookupGuard
from services.intake.api.deps import LimiterDep, RuntimeDep, SettingsDep
from services.intake.api.schemas import CaseNo, PublicCaseRead, PublicDecisionRead
from services.intake.application.public_lookup import lookup_case, public_decision

router = APIRouter(route_class=BeijingRoute, prefix="/v1/public", tags=["public"])
Code = Annotated[str, Query(min_length=1, max_length=16, description="the query code")]


def _limited(request: Request, limiter: LookupGuard, case_no: str) -> JSONResponse | None:
    """429 while this client has guessed too often."""
    wait = limiter.wait(_client(request), case_no)
    if not wait:
        return None
    response = problem(
        429,
        "too many wrong case numbers or query codes; try again later",
        rule="LookupRateLimited",
        detail_zh="受理号或查询码错误次数过多，请稍后再试",
        chinese=prefers_chinese(request),
    )
    response.headers["Retry-After"] = str(wait)
    return response


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _wrong(request: Request, limiter: LookupGuard, case_no: str) -> Problem:
    limiter.fail(_client(request), case_no)
    return Problem(
        404,
        f"no case {case_no} with this query code",
        rule="WrongCaseOrCode",
        detail_zh="受理号或查询码不正确，请核对受理回执",
    )


@router.get("/cases/{case_no}", response_model=PublicCaseRead)
async def get_public_case(
    case_no: CaseNo,
    code: Code,
    request: Request,
    runtime: RuntimeDep,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> dict[str, object] | JSONResponse:
    """A case's status for whoever holds its number and query code."""
    limited = _limited(request, limiter, case_no)
    if limited is not None:
        return limited
    found = await lookup_case(
        runtime=runtime, case_no=case_no, code=code, pepper=settings.query_code_pepper
    )
    if found is None:
        raise _wrong(request, limiter, case_no)
    return found


async def _decision(
    case_no: str,
    code: str,
    request: Request,
    runtime: RuntimeDep,
    limiter: LookupGuard,
    pepper: str,
) -> dict[str, Any]:
    try:
        found = await public_decision(runtime=runtime, case_no=case_no, code=code, pepper=pepper)
    except LookupError as exc:
        raise Problem(
            404, str(exc), rule="NoDecisionYet", detail_zh="该案件尚未作出决定，暂无决定书"
        ) from exc
    if found is None:
        raise _wrong(request, limiter, case_no)
    return found


@router.get("/cases/{case_no}/decision", response_model=PublicDecisionRead)
async def get_public_decision(
    case_no: CaseNo,
    code: Code,
    request: Request,
    runtime: RuntimeDep,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> dict[str, Any] | JSONResponse:
    """The sealed decision document (JSON, PDF as base64, seal, public key), as approval
    published it; verify it with approval's `POST /v1/seals/verify`."""
    limited = _limited(request, limiter, case_no)
    if limited is not None:
        return limited
    return await _decision(case_no, code, request, runtime, limiter, settings.query_code_pepper)


@router.get("/cases/{case_no}/decision.pdf", response_class=Response)
async def get_public_decision_pdf(
    case_no: CaseNo,
    code: Code,
    request: Request,
    runtime: RuntimeDep,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> Response:
    """The decision document's PDF, exactly as sealed."""
    limited = _limited(request, limiter, case_no)
    if limited is not None:
        return limited
    found = await _decision(case_no, code, request, runtime, limiter, settings.query_code_pepper)
    headers = {"Content-Disposition": f'attachment; filename="{found["document_id"]}.pdf"'}
    pdf = base64.b64decode(found["pdf"])
    return Response(pdf, media_type="application/pdf", headers=headers)
