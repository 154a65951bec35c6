"""Health and readiness of a service process, and problem+json errors."""

from __future__ import annotations

import pytest

from libs.events.broker import free_port
from services.supervision.config import Settings
from services.supervision.main import create
from tests.support.polling import eventually
from tests.support.services import bearer, new_prefix, serve, settings_for

pytestmark = pytest.mark.integration


async def test_ready_when_database_and_broker_answer(broker, databases) -> None:
    settings = await settings_for(Settings, databases, broker, prefix=new_prefix())
    async with serve(create, settings) as http:

        async def ready() -> bool:
            return (await http.get("/readyz")).status_code == 200

        await eventually(ready)
        assert (await http.get("/healthz")).json() == {"status": "ok", "service": "supervision"}


async def test_not_ready_while_the_broker_is_unreachable(broker, databases) -> None:
    settings = await settings_for(
        Settings,
        databases,
        broker,
        prefix=new_prefix(),
        kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",
    )
    async with serve(create, settings) as http:
        ready = await http.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["database"] == "ok" and ready.json()["broker"] != "ok"
        assert (await http.get("/healthz")).status_code == 200


async def test_not_ready_while_the_database_is_unreachable(broker) -> None:
    settings = Settings(
        database_url=f"postgresql://postgres@127.0.0.1:{free_port()}/none",
        kafka_bootstrap_servers=broker.bootstrap,
        kafka_topic_prefix=new_prefix(),
    )
    async with serve(create, settings) as http:
        ready = await http.get("/readyz")
        assert ready.status_code == 503 and ready.json()["database"] != "ok"
        assert (await http.get("/healthz")).status_code == 200
        down = await http.get("/v1/cases/x", headers=bearer("supervisor"))
        assert down.status_code == 503 and down.headers["retry-after"] == "2"
        assert down.headers["content-type"] == "application/problem+json"


async def test_errors_are_problem_documents(broker, databases) -> None:
    settings = await settings_for(Settings, databases, broker, prefix=new_prefix())
    async with serve(create, settings) as http:
        missing = await http.get("/v1/cases/nope")
        assert missing.status_code == 401
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.headers["www-authenticate"] == "Bearer"
        wrong_role = await http.get("/v1/cases/nope", headers=bearer("applicant"))
        assert wrong_role.status_code == 403 and "supervisor" in wrong_role.json()["detail"]
        unknown = await http.get("/v1/cases/nope", headers=bearer("supervisor"))
        assert unknown.status_code == 404 and unknown.json()["status"] == 404


async def test_a_malformed_center_filter_is_a_422_naming_the_field(broker, databases) -> None:
    settings = await settings_for(Settings, databases, broker, prefix=new_prefix())
    async with serve(create, settings) as http:
        for path in ("/v1/lights", "/v1/stats", "/v1/reports/daily"):
            bad = await http.get(path, params={"center": "35\x0005'"}, headers=bearer("supervisor"))
            assert bad.status_code == 422, (path, bad.text)
            assert bad.json()["errors"][0]["field"] == "query.center"
