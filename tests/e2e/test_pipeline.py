"""The whole pipeline across the four services as processes: intake -> Kafka -> supervision."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.instants import instants, not_in_beijing
from tests.support.polling import eventually
from tests.support.processes import SERVICES, Cluster, running_services
from tests.support.services import bearer, new_prefix

pytestmark = pytest.mark.e2e

ITEM = {
    "name": "食品经营许可",
    "department": "SCJG",
    "kind": "promised",
    "legal_limit_days": 20,
    "promised_limit_days": 10,
    "materials": [
        {"code": "APP", "name": "申请书", "required": True, "key": True},
        {"code": "LIC", "name": "营业执照复印件", "required": True, "key": False},
    ],
    "deemed_approval": False,
    "online": True,
}
APPLICANT = {
    "name": "张三",
    "id_type": "resident",
    "id_no": "11010519491231002X",
    "phone": "13800138000",
}


@pytest.fixture(scope="module")
async def cluster(broker, databases, tmp_path_factory) -> AsyncIterator[Cluster]:
    urls = {s: await databases.create(s) for s in SERVICES}
    log_dir: Path = tmp_path_factory.mktemp("services")
    with running_services(
        urls,
        bootstrap=broker.bootstrap,
        prefix=new_prefix(),
        log_dir=log_dir,
        env={"CENTER_CODE": "350500"},
    ) as running:
        yield running


async def test_every_service_is_ready_and_documented(cluster: Cluster) -> None:
    async with httpx.AsyncClient() as http:
        for service in SERVICES:
            ready = await http.get(cluster.url(service, "/readyz"))
            assert ready.json()["database"] == "ok" and ready.json()["broker"] == "ok"
            assert (await http.get(cluster.url(service, "/docs"))).status_code == 200
            assert (await http.get(cluster.url(service, "/healthz"))).json()["status"] == "ok"


async def test_a_case_posted_to_intake_shows_up_in_supervision(cluster: Cluster) -> None:
    async with httpx.AsyncClient() as http:
        put = await http.put(
            cluster.url("intake", "/v1/catalog/items/SP-001"), json=ITEM, headers=bearer("admin")
        )
        assert put.status_code in (200, 201), put.text
        posted = await http.post(
            cluster.url("intake", "/v1/cases"),
            json={
                "item_code": "SP-001",
                "applicant": APPLICANT,
                "materials": ["APP", "LIC"],
                "channel": "window",
            },
            headers=bearer("clerk"),
        )
        assert posted.status_code == 201, posted.text
        case_id = posted.json()["case_id"]

        async def seen_by_supervision() -> dict[str, object] | None:
            got = await http.get(
                cluster.url("supervision", f"/v1/cases/{case_id}"), headers=bearer("supervisor")
            )
            return got.json() if got.status_code == 200 else None

        case = await eventually(seen_by_supervision, within=30)
        assert case["item_code"] == "SP-001"
        assert case["center"] == "350500"
        assert case["case_no"] == posted.json()["case_no"]


async def test_every_service_serves_its_metrics(cluster: Cluster) -> None:
    async with httpx.AsyncClient() as http:
        for service in SERVICES:
            await http.get(cluster.url(service, "/healthz"))
            scraped = await http.get(cluster.url(service, "/metrics"))
            assert scraped.status_code == 200
            assert scraped.headers["content-type"].startswith("text/plain")
            assert "onewindow_outbox_backlog " in scraped.text
            healthz = f'route="/healthz",service="{service}",status="200"'
            assert f'onewindow_http_requests_total{{method="GET",{healthz}}}' in scraped.text


async def test_every_service_answers_each_instant_in_beijing_time(cluster: Cluster) -> None:
    """One case through all four services; every instant of every answer ends in +08:00."""
    answers: dict[str, object] = {}
    clerk, admin = bearer("clerk", department="SCJG"), bearer("admin")
    reviewer = bearer("reviewer", sub="rev-1", department="SCJG")
    approver = bearer("approver", sub="app-1", department="SCJG")
    supervisor, integrator = bearer("supervisor"), bearer("integrator", sub="int-1")
    async with httpx.AsyncClient(timeout=30) as http:

        async def keep(name: str, service: str, path: str, **kwargs: object) -> dict[str, Any]:
            method = str(kwargs.pop("method", "GET"))
            response = await http.request(method, cluster.url(service, path), **kwargs)  # type: ignore[arg-type]
            assert response.status_code < 300, (name, response.text)
            answers[name] = response.json()
            found: dict[str, Any] = response.json()
            return found

        await keep(
            "item", "intake", "/v1/catalog/items/TZ-1", method="PUT", json=ITEM, headers=admin
        )
        body = {"item_code": "TZ-1", "applicant": APPLICANT, "materials": ["APP", "LIC"]}
        case = await keep("posted", "intake", "/v1/cases", method="POST", json=body, headers=clerk)
        case_id = case["case_id"]
        await keep(
            "accepted",
            "intake",
            f"/v1/cases/{case_id}/accept",
            method="POST",
            json={},
            headers=clerk,
        )

        async def work() -> bool:
            got = await http.get(cluster.url("approval", f"/v1/cases/{case_id}"), headers=reviewer)
            return got.status_code == 200

        await eventually(work, within=30)
        review = {"opinion": "approve", "comment": "材料齐全"}
        await keep("worklist", "approval", "/v1/worklist", headers=reviewer)
        await keep(
            "reviewed",
            "approval",
            f"/v1/cases/{case_id}/review",
            method="POST",
            json=review,
            headers=reviewer,
        )
        decision = {"decision": "approved", "reasons": "符合条件"}
        await keep(
            "decided",
            "approval",
            f"/v1/cases/{case_id}/decide",
            method="POST",
            json=decision,
            headers=approver,
        )
        await keep("document", "approval", f"/v1/cases/{case_id}/decision", headers=approver)

        async def completed() -> bool:
            got = await http.get(
                cluster.url("supervision", f"/v1/cases/{case_id}/light"), headers=supervisor
            )
            return got.status_code == 200 and got.json()["outcome"] is not None

        await eventually(completed, within=30)
        for name, path in {
            "case": f"/v1/cases/{case_id}",
            "light": f"/v1/cases/{case_id}/light",
            "timeline": f"/v1/cases/{case_id}/timeline",
            "lights": "/v1/lights",
            "board": "/v1/board",
            "stats": "/v1/stats",
        }.items():
            await keep(f"supervision {name}", "supervision", path, headers=supervisor)
        answers["stream"] = await _first_light_message(
            http, cluster.url("supervision", "/v1/stream")
        )
        await keep("intake case", "intake", f"/v1/cases/{case_id}", headers=clerk)
        await keep("intake list", "intake", "/v1/cases", headers=clerk)
        code = answers["intake case"]["query_code"]  # type: ignore[index]
        await keep("lookup", "intake", f"/v1/public/cases/{case['case_no']}", params={"code": code})
        await keep("links", "linkage", "/v1/links", headers=supervisor)
        hook = {"callback_url": "https://example.org/hook", "filters": {"types": ["none.*"]}}
        await keep(
            "subscription",
            "linkage",
            "/v1/subscriptions",
            method="POST",
            json=hook,
            headers=integrator,
        )
        await keep("subscriptions", "linkage", "/v1/subscriptions", headers=integrator)
    found = instants(answers)
    assert len(found) >= 30, found
    answered = {path.split(".")[1] for path, _ in found}
    assert answered >= {"accepted", "decided", "supervision timeline", "stream", "subscription"}
    assert not_in_beijing(answers) == [], "\n".join(map(str, not_in_beijing(answers)))


async def _first_light_message(http: httpx.AsyncClient, url: str) -> object:
    """The first stored light change of the live feed, replayed from the start."""
    token = bearer("supervisor")["Authorization"].removeprefix("Bearer ")
    headers = {"Last-Event-ID": "0"}
    async with (
        asyncio.timeout(30),
        http.stream("GET", url, params={"token": token}, headers=headers) as feed,
    ):
        async for line in feed.aiter_lines():
            if line.startswith("data:"):
                return json.loads(line.removeprefix("data:"))
    raise AssertionError("the feed ended without a message")
