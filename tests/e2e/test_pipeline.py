"""The whole pipeline across the four services as processes: intake -> Kafka -> supervision."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

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
