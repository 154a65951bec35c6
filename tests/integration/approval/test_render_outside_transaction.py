"""The decision document is rendered and sealed with no database transaction open.

A fake renderer looks from its own connection when it is called: the decision must already be
committed (its event visible) and the case's row unlocked, and it must run in a worker thread,
not on the event loop. Fails on the code as it was before: the PDF was rendered on the event
loop inside the decision's transaction, so the decision was not visible yet.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from libs.events.db import events
from services.approval.adapters import pdf
from tests.integration.approval.harness import (
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
NO_TRANSACTION = "decision committed, case row unlocked, in a worker thread"


async def test_the_decision_is_committed_before_its_document_is_rendered(
    databases, broker, tmp_path, monkeypatch
) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    case_id = new_case_id()
    seen: list[str] = []
    loop = asyncio.get_running_loop()
    real = pdf.render_decision
    async with running(settings) as node:

        def rendering(document: dict[str, Any]) -> bytes:
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # a worker thread: ask the loop what the database shows
                check = asyncio.run_coroutine_threadsafe(_outside(node, case_id), loop)
                seen.append(check.result(timeout=10))
            else:
                seen.append("rendered on the event loop")
            return real(document)

        monkeypatch.setattr(pdf, "render_decision", rendering)
        await publish(settings, submitted(case_id), accepted(case_id))
        await eventually(lambda: _open(node, case_id))
        reviewed = await node.client.post(
            f"/v1/cases/{case_id}/review",
            json={"opinion": "approve", "comment": "材料齐全"},
            headers=staff("reviewer", "rev-a"),
        )
        assert reviewed.status_code == 200, reviewed.text
        decided = await node.client.post(
            f"/v1/cases/{case_id}/decide",
            json={"decision": "approved", "reasons": "符合条件"},
            headers=staff("approver", "app-a"),
        )
        assert decided.status_code == 200, decided.text
        assert seen == [NO_TRANSACTION]
        sealed = await node.client.get(
            f"/v1/cases/{case_id}/decision", headers=staff("approver", "app-a")
        )
        assert sealed.status_code == 200, sealed.text
        body = sealed.json()
        verdict = await node.client.post(
            "/v1/seals/verify", json={k: body[k] for k in ("document", "pdf", "seal")}
        )
        assert verdict.json()["genuine"] is True


async def _outside(node, case_id: str) -> str:
    async with node.engine.connect() as conn:
        decided = select(func.count()).where(
            events.c.stream_id == case_id, events.c.type == "onewindow.case.decided.v1"
        )
        if (await conn.execute(decided)).scalar_one() != 1:
            return "the decision is not committed"
        try:
            await conn.execute(
                text("SELECT case_id FROM work_items WHERE case_id = :c FOR UPDATE NOWAIT"),
                {"c": case_id},
            )
        except DBAPIError:
            return "the case's row is still locked by a transaction"
        await conn.rollback()
    return NO_TRANSACTION


async def _open(node, case_id: str) -> bool:
    got = await node.client.get(f"/v1/cases/{case_id}", headers=staff("reviewer", "rev-a"))
    return got.status_code == 200
