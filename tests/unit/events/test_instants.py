"""One form of an instant in every answer: whatever a route returns comes out in +08:00."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from libs.events.instants import BeijingRoute, in_beijing
from libs.events.webapp import _answers_in_beijing
from tests.support.instants import not_in_beijing

pytestmark = pytest.mark.unit
AT = datetime(2026, 12, 1, 7, 57, 48, 548575, tzinfo=UTC)


class Inner(BaseModel):
    at: datetime
    pair: tuple[datetime, int]


class Outer(BaseModel):
    inner: Inner
    seen: list[datetime]


async def test_dicts_models_and_event_text_answer_in_beijing_time() -> None:
    router = APIRouter(route_class=BeijingRoute)

    @router.get("/dict")
    async def as_dict() -> dict[str, Any]:
        return {
            "at": AT,
            "naive": AT.replace(tzinfo=None),
            "rows": [{"at": AT}],
            "day": "2026-12-01",
        }

    @router.get("/model")
    async def as_model() -> Outer:
        return Outer(inner=Inner(at=AT, pair=(AT, 1)), seen=[AT])

    @router.get("/event")
    async def as_event() -> dict[str, Any]:
        return in_beijing(
            {"data": {"at": "2026-12-01T07:57:48Z", "text": "2026-12-01T07"}}, strings=True
        )

    app = FastAPI()
    app.include_router(router)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        answers = {path: (await http.get(path)).json() for path in ("/dict", "/model", "/event")}
    assert answers["/dict"]["at"] == "2026-12-01T15:57:48.548575+08:00"
    assert answers["/dict"]["naive"] == answers["/dict"]["at"]  # SQLite's naive values are UTC
    assert answers["/dict"]["day"] == "2026-12-01"
    assert answers["/model"]["inner"]["pair"] == ["2026-12-01T15:57:48.548575+08:00", 1]
    assert answers["/event"]["data"] == {"at": "2026-12-01T15:57:48+08:00", "text": "2026-12-01T07"}
    assert not_in_beijing(answers) == []


def test_a_service_refuses_a_router_whose_routes_answer_otherwise() -> None:
    plain = APIRouter()

    @plain.get("/x")
    async def x() -> dict[str, Any]:
        return {"at": AT}

    with pytest.raises(TypeError, match="/x"):
        _answers_in_beijing(plain)
