"""The green-channel tracking list is paged like every list: a capped page, `Next-Cursor`, and
a walk that returns each project once, longest in the green channel first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from libs.events.clock import FixedClock
from libs.events.http import install_problem_handlers
from services.supervision.api import projects
from services.supervision.api.deps import viewer_scope
from services.supervision.bootstrap import bootstrap
from services.supervision.domain.scope import Scope
from tests.support.fakes import FakeUnitOfWork
from tests.unit.supervision.fakes import FakeSupervisionViews
from tests.unit.supervision.test_handlers import NOW, SETTINGS

pytestmark = pytest.mark.unit


class GreenViews(FakeSupervisionViews):
    """Five green-channel projects, one of them not yet dated."""

    async def green_channel(self, scope: Scope) -> list[dict[str, Any]]:
        return [self.project(n) for n in (3, 1, 4, 0, 2)]

    @staticmethod
    def project(n: int) -> dict[str, Any]:
        return {
            "project_id": f"P-{n}",
            "center": "350500",
            "name": f"项目{n}",
            "series": "JT",
            "series_name": "交通工程",
            "applicant_name": "泉州某公司",
            "agent": "",
            "green_factor": 0.5,
            "green_reason": "省重点项目",
            "green_since": NOW - timedelta(days=n) if n else None,
            "status": "open",
            "elapsed_days": n,
            "stage": None,
            "parts": [],
            "stage_color": None,
        }


def client() -> httpx.AsyncClient:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(projects.router)
    app.state.supervision = bootstrap(
        SETTINGS, clock=FixedClock(NOW), uow=FakeUnitOfWork(GreenViews())
    )
    app.dependency_overrides[viewer_scope] = lambda: Scope(centers=frozenset({"350500"}))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_a_walk_by_next_cursor_returns_each_project_once_in_order() -> None:
    seen: list[str] = []
    async with client() as http:
        url = "/v1/projects/green-channel?limit=2"
        while True:
            page = await http.get(url)
            assert page.status_code == 200, page.text
            assert len(page.json()) <= 2
            seen += [p["project_id"] for p in page.json()]
            cursor = page.headers.get("Next-Cursor")
            if cursor is None:
                break
            url = f"/v1/projects/green-channel?limit=2&cursor={cursor}"
    assert seen == ["P-0", "P-4", "P-3", "P-2", "P-1"]  # undated first, then oldest first


async def test_a_page_larger_than_the_cap_or_a_forged_cursor_is_refused() -> None:
    async with client() as http:
        too_large = await http.get("/v1/projects/green-channel?limit=201")
        forged = await http.get("/v1/projects/green-channel?cursor=bm90LWEtY3Vyc29y")
    assert too_large.status_code == 422
    assert (forged.status_code, forged.json()["rule"]) == (422, "InvalidCursor")
