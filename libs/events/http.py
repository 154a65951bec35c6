"""HTTP conventions every service shares: RFC 9457 problem+json errors and health probes."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import StringConstraints
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException

from libs.events.bodies import RequestBody as RequestBody  # re-exported: the routes' base
from libs.events.bodies import invalid as invalid
from libs.events.db import is_unavailable
from libs.events.rules import Kind, Rule
from libs.events.store import ConcurrencyError
from libs.events.words import http_zh, validation_zh

log = logging.getLogger(__name__)
# The status each kind of rule is answered with.
STATUS_OF = {Kind.invalid: 422, Kind.forbidden: 403, Kind.conflict: 409, Kind.not_found: 404}
PROBLEM = "application/problem+json"
# What a 503 tells the client to wait before retrying: a database or broker outage is short.
RETRY_AFTER_SECONDS = "2"
# Codes of centers, departments, items and ids of cases as every level spells them.
CODE_PATTERN = r"^[0-9A-Za-z_.:-]{1,64}$"
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
# Free text: any character but the control characters no document or database column takes.
PROSE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+$"
Prose = Annotated[str, StringConstraints(min_length=1, max_length=4000, pattern=PROSE_PATTERN)]
CenterCode = Annotated[str, Query(pattern=CODE_PATTERN, description="a center's code, e.g. 350500")]


class Problem(Exception):
    """An error the API answers with a problem document; `rule` names the business rule broken,
    `detail_zh` says it in Chinese (the HTTP status's Chinese when not given)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        rule: str | None = None,
        detail_zh: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.rule = rule
        self.detail_zh = detail_zh
        self.extra = extra


def problem(
    status: int,
    detail: str,
    *,
    detail_zh: str | None = None,
    chinese: bool = False,
    **fields: Any,
) -> JSONResponse:
    """A problem+json response; `detail_zh` is always there, for people reading Chinese, and
    `detail` itself is Chinese (the English in `detail_en`) for a caller who asked for it."""
    zh = detail_zh or http_zh(status)
    body = {
        "type": "about:blank",
        "title": _title(status),
        "status": status,
        "detail": zh if chinese else detail,
        "detail_zh": zh,
        **({"detail_en": detail} if chinese else {}),
    }
    body.update({k: v for k, v in fields.items() if v is not None})
    response = JSONResponse(body, status_code=status, media_type=PROBLEM)
    if chinese:
        response.headers["Content-Language"] = "zh-CN"
    return response


def prefers_chinese(request: Request) -> bool:
    """Whether `Accept-Language` ranks Chinese (zh, zh-CN, zh-Hans …) above English."""
    ranked: list[tuple[float, str]] = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=")
        try:
            weight = float(q) if params else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((weight, tag.strip().lower()))
    best = max(ranked, default=(0.0, ""))
    return best[0] > 0 and best[1].startswith("zh")


def _title(status: int) -> str:
    return HTTPStatus(status).phrase


def _validation_error(err: Any) -> dict[str, str]:
    """One validation error: the field, the rule and the message, in English and Chinese."""
    if err["type"] == "json_invalid":  # loc is ("body", position)
        at = err["loc"][-1] if len(err["loc"]) > 1 else 0
        return {
            "field": "body",
            "rule": "json_invalid",
            "message": f"malformed JSON at character {at}: {err.get('ctx', {}).get('error', '')}",
            "message_zh": f"JSON 格式错误（第 {at} 个字符处）",
        }
    field = ".".join(str(p) for p in err["loc"] if p != "body")
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        message = f"unknown field {field!r}: not allowed (a typo?)"
    zh = (err.get("ctx") or {}).get("zh")  # a body's own rule says itself (`invalid`)
    return {
        "field": field,
        "rule": err["type"],
        "message": message,
        "message_zh": (f"字段 {field}：{zh}" if field else str(zh))
        if zh
        else validation_zh(err["type"], field),
    }


def install_problem_handlers(app: FastAPI) -> None:
    """Every error leaves the service as problem+json with a clear detail."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem(
            exc.status,
            exc.detail,
            rule=exc.rule,
            detail_zh=exc.detail_zh,
            chinese=prefers_chinese(request),
            **exc.extra,
        )

    async def on_rule(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Rule)
        return problem(
            STATUS_OF[exc.kind],
            exc.detail,
            rule=exc.rule,
            detail_zh=exc.detail_zh,
            chinese=prefers_chinese(request),
            **exc.extra,
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        response = problem(exc.status_code, str(exc.detail), chinese=prefers_chinese(request))
        response.headers.update(exc.headers or {})
        return response

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [_validation_error(err) for err in exc.errors()]
        detail = "; ".join(
            f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors
        )
        detail_zh = "；".join(e["message_zh"] for e in errors)
        return problem(
            422, detail, detail_zh=detail_zh, errors=errors, chinese=prefers_chinese(request)
        )

    async def on_conflict(request: Request, exc: Exception) -> JSONResponse:
        return problem(
            409,
            f"{exc}; read it again and retry",
            rule="OptimisticConcurrency",
            detail_zh="数据已被他人修改，请重新读取后再试",
            chinese=prefers_chinese(request),
        )

    async def on_database_error(request: Request, exc: Exception) -> JSONResponse:
        if is_unavailable(exc):
            return await on_unavailable(request, exc)
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return problem(
            500,
            "the request failed on a database error; it was logged",
            chinese=prefers_chinese(request),
        )

    async def on_unavailable(request: Request, exc: Exception) -> JSONResponse:
        response = problem(
            503,
            f"a backing service is unreachable ({type(exc).__name__}); retry",
            detail_zh="后台服务暂时不可用，请稍后重试",
            chinese=prefers_chinese(request),
        )
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
        return response

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(Rule, on_rule)
    app.add_exception_handler(OperationalError, on_unavailable)
    app.add_exception_handler(InterfaceError, on_unavailable)
    app.add_exception_handler(DBAPIError, on_database_error)
    app.add_exception_handler(OSError, on_unavailable)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(ConcurrencyError, on_conflict)
