"""An intake service on PostgreSQL and the broker, with a fixed clock, for HTTP tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from fastapi import FastAPI

from libs.events.clock import SHANGHAI, FixedClock
from libs.events.envelope import Envelope, from_message, to_message
from libs.events.runtime import Runtime
from services.intake.bootstrap import App
from services.intake.config import Settings
from tests.support.kafka import read_topic
from tests.support.polling import eventually
from tests.support.services import bearer

# Wednesday 25 November 2026, 10:00 in Beijing.
NOW = datetime(2026, 11, 25, 10, tzinfo=SHANGHAI)

ITEM: dict[str, Any] = {
    "name": "食品经营许可",
    "department": "SCJG",
    "kind": "promised",
    "legal_basis": "《食品安全法》第三十五条",
    "legal_limit_days": 20,
    "promised_limit_days": 10,
    "materials": [
        {"code": "APP", "name": "食品经营许可申请书", "required": True, "key": True},
        {"code": "LIC", "name": "营业执照复印件", "required": True, "key": True},
        {"code": "LAY", "name": "经营场所平面布局图", "required": True, "key": False},
        {"code": "HLT", "name": "从业人员健康证明", "required": True, "key": False},
        {"code": "AUTH", "name": "授权委托书", "required": False, "key": False},
    ],
    "deemed_approval": True,
    "online": True,
}
APPLICANT = {
    "name": "张三",
    "id_type": "resident",
    "id_no": "11010519491231002X",
    "phone": "13800138000",
}
ADMIN = bearer("admin", sub="admin-1")
CLERK = bearer("clerk", sub="clerk-1", department="SCJG")


@dataclass
class Intake:
    """The running service: its HTTP client, app, settings, clock and broker address."""

    http: httpx.AsyncClient
    app: FastAPI
    settings: Settings
    clock: FixedClock

    @property
    def wired(self) -> App:
        """The service as bootstrap wired it (unit of work, clock), for calling handlers."""
        wired: App = self.app.state.intake
        return wired

    @property
    def runtime(self) -> Runtime:
        """The app's runtime (engine, store), for calling use cases directly."""
        runtime: Runtime = self.app.state.runtime
        return runtime

    async def publish_item(self, code: str = "SCJG-003", **changes: Any) -> dict[str, Any]:
        """PUT an item version as the center administrator."""
        response = await self.http.put(
            f"/v1/catalog/items/{code}", json={**ITEM, **changes}, headers=ADMIN
        )
        assert response.status_code in (200, 201), response.text
        body: dict[str, Any] = response.json()
        return body

    async def submit(
        self, materials: list[str], *, headers: dict[str, str] | None = None, **body: Any
    ) -> dict[str, Any]:
        """POST a case for SCJG-003 and expect 201."""
        payload = {"item_code": "SCJG-003", "applicant": APPLICANT, "materials": materials, **body}
        response = await self.http.post("/v1/cases", json=payload, headers=headers or CLERK)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def events(self, expect: int) -> list[Envelope]:
        """Every CloudEvent on this test's `case-events`, once at least `expect` arrived."""
        topic = self.settings.topic("case-events")
        records = await read_topic(self.settings.kafka_bootstrap_servers, topic, expect=expect)
        return [from_message(r.key, r.headers, r.value or b"") for r in records]

    async def case_events(self, case_id: str, count: int) -> list[Envelope]:
        """The events of one case in order, once `count` of them are on the topic."""

        async def probe() -> list[Envelope] | None:
            found = [e for e in await self.events(count) if e.subject == case_id]
            return found if len(found) >= count else None

        return sorted(await eventually(probe), key=lambda e: e.sequence)

    async def inject(self, envelope: Envelope) -> None:
        """Publish an event as another service would (approval deciding, say)."""
        producer = self.settings.producer()
        await producer.start()
        try:
            key, headers, value = to_message(envelope)
            await producer.send_and_wait(
                self.settings.topic("case-events"), key=key, value=value, headers=headers
            )
        finally:
            await producer.stop()


def types(envelopes: list[Envelope]) -> list[str]:
    """`case.submitted`-style names of the events, in order."""
    return [e.name for e in envelopes]
