"""`make run` keeps approval on SQLite: the same path works there, deadlines compared in UTC."""

from __future__ import annotations

from datetime import datetime

import pytest

from libs.events.clock import SHANGHAI, FixedClock
from tests.integration.approval.harness import (
    MONDAY,
    accepted,
    approval_settings,
    new_case_id,
    publish,
    running,
    staff,
    submitted,
)
from tests.support.polling import eventually

pytestmark = pytest.mark.integration


async def test_decide_and_deem_on_sqlite(databases, broker, tmp_path) -> None:
    settings = await approval_settings(
        databases, broker, tmp_path, database_url=f"sqlite:///{tmp_path / 'approval.db'}"
    )
    clock = FixedClock(MONDAY.replace(hour=10))
    decided, deemed = new_case_id(), new_case_id()
    reviewer = staff("reviewer", "rev-a")
    async with running(settings, clock=clock) as node:
        await publish(
            settings,
            submitted(decided),
            accepted(decided, limit=1),
            accepted(deemed, limit=1, deemed=True),  # due 23:59:59 Tuesday, Beijing time
        )
        await eventually(lambda: _listed(node, decided, deemed))
        await node.client.post(
            f"/v1/cases/{decided}/review", json={"opinion": "approve"}, headers=reviewer
        )
        response = await node.client.post(
            f"/v1/cases/{decided}/decide",
            json={"decision": "approved", "reasons": "符合"},
            headers=staff("approver", "app-a"),
        )
        assert response.status_code == 200, response.text

        clock.set(datetime(2026, 3, 3, 23, 0, tzinfo=SHANGHAI))  # 15:00 UTC: not yet due
        listed = (await node.client.get("/v1/worklist", headers=reviewer)).json()
        assert [row["case_id"] for row in listed] == [deemed]
        assert datetime.fromisoformat(listed[0]["deadline"]).utcoffset() is not None
        clock.set(datetime(2026, 3, 4, 0, 0, 1, tzinfo=SHANGHAI))
        await eventually(lambda: _decided(node, deemed))
        sealed = (await node.client.get(f"/v1/cases/{deemed}/decision", headers=reviewer)).json()
        verdict = await node.client.post(
            "/v1/seals/verify", json={k: sealed[k] for k in ("document", "pdf", "seal")}
        )
        assert sealed["document"]["decision"] == "deemed_approved" and verdict.json()["genuine"]
        await eventually(lambda: _sent(node))


async def _listed(node, *case_ids: str) -> bool:
    response = await node.client.get("/v1/worklist", headers=staff("reviewer", "rev-a"))
    return {row["case_id"] for row in response.json()} >= set(case_ids)


async def _decided(node, case_id: str) -> bool:
    response = await node.client.get(f"/v1/cases/{case_id}", headers=staff("reviewer", "rev-a"))
    return response.json()["status"] in ("approved", "denied", "deemed_approved")


async def _sent(node) -> bool:
    return bool(node.sink.sent)
