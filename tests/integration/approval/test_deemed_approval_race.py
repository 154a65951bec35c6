"""超时默许 exactly once, with two approval processes on one database scanning at the same time."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from sqlalchemy import func, select

from libs.events.clock import SHANGHAI, FixedClock
from libs.events.db import events, outbox
from services.approval.adapters.tables import decision_documents, deliveries
from services.approval.application.deem_overdue import deem_overdue
from tests.integration.approval.harness import (
    MONDAY,
    accepted,
    approval_settings,
    new_case_id,
    publish,
    running,
    staff,
    submitted,
    topic_events,
)
from tests.support.polling import eventually

pytestmark = pytest.mark.integration
WEDNESDAY = datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI)


async def count(node, query) -> int:
    async with node.engine.connect() as conn:
        return int((await conn.execute(query)).scalar_one())


async def test_two_processes_deem_an_overdue_case_approved_once(
    databases, broker, tmp_path
) -> None:
    settings = await approval_settings(databases, broker, tmp_path, deemed_scan_seconds=0.02)
    clock = FixedClock(MONDAY.replace(hour=10))
    case_id, waiting = new_case_id(), new_case_id()
    async with running(settings, clock=clock) as one, running(settings, clock=clock) as two:
        await publish(
            settings,
            submitted(case_id),
            accepted(case_id, limit=1, deemed=True),  # due at the end of Tuesday
            accepted(waiting, limit=1, deemed=False),
        )
        await eventually(lambda: _open(one, case_id, waiting))
        clock.set(WEDNESDAY)
        for _ in range(5):  # and on top of both background scans, simultaneous passes
            await asyncio.gather(_deem(one), _deem(two))

        await eventually(lambda: _delivered(one, case_id))
        await asyncio.gather(_deem(one), _deem(two))
        in_stream = select(func.count()).where(
            events.c.stream_id == case_id, events.c.type == "onewindow.case.deemed_approved.v1"
        )
        assert await count(one, in_stream) == 1
        assert await count(one, select(func.count()).select_from(decision_documents)) == 1
        assert await count(one, select(func.count()).select_from(deliveries)) == 1
        assert len(one.sink.sent) + len(two.sink.sent) == 1
        unsent = select(func.count()).where(outbox.c.sent_at.is_(None))
        await eventually(lambda: _zero(one, unsent))
        item = (await one.client.get(f"/v1/cases/{waiting}", headers=staff("clerk", "c"))).json()
        assert item["status"] == "accepted"  # its item does not allow deemed approval
    published = await topic_events(settings, subject=case_id)
    deemed = [e for e in published if e.name == "case.deemed_approved"]
    assert len(deemed) == 1
    deadline = datetime(2026, 3, 3, 23, 59, 59, tzinfo=SHANGHAI)
    assert datetime.fromisoformat(deemed[0].data["deadline"]) == deadline
    assert deemed[0].data["document_id"] == f"JD-350500-{case_id}"


async def _deem(node) -> int:
    a = node.ctx
    return await deem_overdue(uow=a.uow, clock=a.clock, settings=a.settings, seals=a.seals)


async def _open(node, *case_ids: str) -> bool:
    for case_id in case_ids:
        response = await node.client.get(f"/v1/cases/{case_id}", headers=staff("clerk", "c"))
        if response.status_code != 200:
            return False
    return True


async def _delivered(node, case_id: str) -> bool:
    response = await node.client.get(f"/v1/cases/{case_id}", headers=staff("clerk", "c"))
    return bool(response.json()["delivered"])


async def _zero(node, query) -> bool:
    return await count(node, query) == 0
