"""HTTP conventions every service shares: RFC 9457 problem+json errors and health probes."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import StringConstraints
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException

from libs.events.store import ConcurrencyError

PROBLEM = "application/problem+json"
# Codes of centers, departments, items and ids of cases as every level spells them.
CODE_PATTERN = r"^[0-9A-Za-z_.:-]{1,64}$"
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
# Free text: any character but the control characters no document or database column takes.
PROSE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+$"
Prose = Annotated[str, StringConstraints(min_length=1, max_length=4000, pattern=PROSE_PATTERN)]
CenterCode = Annotated[str, Query(pattern=CODE_PATTERN, description="a center's code, e.g. 350500")]


class Problem(Exception):
    """An error the API answers with a problem document; `rule` names the business rule broken."""

    def __init__(self, status: int, detail: str, *, rule: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.rule = rule
        self.extra = extra


class RuleViolation(Problem):
    """A named business rule refused the command (422 unless told otherwise)."""

    def __init__(self, rule: str, detail: str, *, status: int = 422, **extra: Any) -> None:
        super().__init__(status, detail, rule=rule, **extra)


def problem(status: int, detail: str, **fields: Any) -> JSONResponse:
    """A problem+json response."""
    body = {"type": "about:blank", "title": _title(status), "status": status, "detail": detail}
    body.update({k: v for k, v in fields.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _title(status: int) -> str:
    return HTTPStatus(status).phrase


def install_problem_handlers(app: FastAPI) -> None:
    """Every error leaves the service as problem+json with a clear detail."""

    async def on_problem(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem(exc.status, exc.detail, rule=exc.rule, **exc.extra)

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        response = problem(exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {
                "field": ".".join(str(p) for p in err["loc"] if p != "body"),
                "rule": err["type"],
                "message": err["msg"],
            }
            for err in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(422, detail, errors=errors)

    async def on_conflict(_: Request, exc: Exception) -> JSONResponse:
        return problem(409, f"{exc}; read it again and retry", rule="OptimisticConcurrency")

    async def on_unavailable(_: Request, exc: Exception) -> JSONResponse:
        return problem(503, f"a backing service is unreachable ({type(exc).__name__}); retry")

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(OperationalError, on_unavailable)
    app.add_exception_handler(InterfaceError, on_unavailable)
    app.add_exception_handler(OSError, on_unavailable)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(ConcurrencyError, on_conflict)
