"""Approval's routes over the in-memory unit of work: the App dependency, the answers' shapes."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from libs.events.http import install_problem_handlers
from services.approval.api.routes import routers
from services.approval.application.decide_case import DecideCase, decide_case
from services.approval.bootstrap import App
from tests.support.services import bearer
from tests.unit.approval.test_handlers import APPROVER, CASE, acting, approval, reviewed

pytestmark = pytest.mark.unit


def client(approval: App) -> httpx.AsyncClient:
    """HTTP to approval's routers with this App (no runtime: no database, no broker)."""
    app = FastAPI()
    install_problem_handlers(app)
    for router in routers:
        app.include_router(router)
    app.state.approval = approval
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_case_answers_its_typed_view_in_beijing_time() -> None:
    app = approval()
    await reviewed(app)
    async with client(app) as http:
        got = await http.get(f"/v1/cases/{CASE}", headers=bearer("approver", department="land"))
    assert got.status_code == 200, got.text
    body = got.json()
    assert (body["status"], body["step"], body["assignee"]) == ("accepted", "decide", "app-a")
    assert body["reviews"] == [{"reviewer": "rev-a", "opinion": "approve", "comment": "材料齐全"}]
    assert body["deadline"].endswith("+08:00")


async def test_another_department_is_refused_with_the_rule_named() -> None:
    app = approval()
    await reviewed(app)
    async with client(app) as http:
        got = await http.get(f"/v1/cases/{CASE}", headers=bearer("approver", department="water"))
    assert got.status_code == 403
    assert got.json()["rule"] == "SameDepartmentOnly" and "属于部门" in got.json()["detail_zh"]


async def test_a_document_number_is_checked_as_json_or_as_a_page() -> None:
    app = approval()
    await reviewed(app)
    await decide_case(
        DecideCase(CASE, "approved", "符合条件"), **acting(app, APPROVER), seals=app.seals
    )
    number = "JD-350500-2026-000001"
    async with client(app) as http:
        found = await http.get(f"/v1/seals/documents/{number}")
        page = await http.get(f"/v1/seals/documents/{number}", headers={"Accept": "text/html"})
        unknown = await http.get("/v1/seals/documents/JD-nothing")
    assert found.status_code == 200 and found.json()["applicant"] == "张*"
    assert found.json()["genuine"] is True  # the stored document still verifies
    assert page.headers["content-type"].startswith("text/html") and number in page.text
    assert unknown.status_code == 404 and unknown.json()["rule"] == "UnknownDocument"
