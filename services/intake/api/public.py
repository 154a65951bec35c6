"""The public status lookup: no token, the query code from the receipt, rate-limited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from libs.events.http import Problem, problem
from services.intake.api.deps import LimiterDep, RuntimeDep
from services.intake.api.schemas import CaseNo, PublicCaseRead
from services.intake.application.public_lookup import lookup_case

router = APIRouter(prefix="/v1/public", tags=["public"])


@router.get("/cases/{case_no}", response_model=PublicCaseRead)
async def get_public_case(
    case_no: CaseNo,
    code: Annotated[str, Query(min_length=1, max_length=16, description="the query code")],
    request: Request,
    runtime: RuntimeDep,
    limiter: LimiterDep,
) -> dict[str, object] | JSONResponse:
    """A case's status for whoever holds its number and query code."""
    client = request.client.host if request.client else "unknown"
    wait = limiter.wait(client, case_no)
    if wait:
        response = problem(
            429,
            "too many wrong case numbers or query codes; try again later",
            rule="LookupRateLimited",
        )
        response.headers["Retry-After"] = str(wait)
        return response
    found = await lookup_case(runtime=runtime, case_no=case_no, code=code)
    if found is None:
        limiter.fail(client, case_no)
        raise Problem(404, f"no case {case_no} with this query code", rule="WrongCaseOrCode")
    return found
