"""A joint case accepted before approval knows its item (another key of the topic, so no order
between them) waits for the item, parked as such, and opens once the item is applied: without
an operator's replay, exactly once, with the case's later events applied after it in order."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from libs.events.contract import (
    CaseWithdrawalRequested,
    CatalogMaterial,
    ItemPublished,
    JointDepartment,
)
from libs.events.db import events, parked, stream_positions
from tests.integration.approval.harness import (
    CENTER,
    MONDAY,
    Node,
    accepted,
    approval_settings,
    new_case_id,
    publish,
    running,
    submitted,
)
from tests.support.polling import eventually

pytestmark = pytest.mark.integration
CODE = "JOINT-WAIT-01"


def joint_item() -> ItemPublished:
    """A joint item led by `land` with `fire` taking part."""
    return ItemPublished(
        center=CENTER,
        code=CODE,
        version=1,
        name="联合审批事项",
        department="land",
        kind="joint",
        legal_limit_days=20,
        promised_limit_days=10,
        materials=[CatalogMaterial(code="M1", name="申请表", key=True)],
        lead_department="land",
        departments=[
            JointDepartment(department="land", limit_days=10),
            JointDepartment(department="fire", limit_days=8),
        ],
        published_at=MONDAY,
    )


async def test_a_joint_case_accepted_before_its_item_waits_then_opens_once(
    databases, broker, tmp_path
) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    case_id = new_case_id()
    async with running(settings) as node:
        case = accepted(case_id, kind="joint", limit=10, item_code=CODE)
        withdrawal = CaseWithdrawalRequested.model_validate(
            {"case_id": case_id, "center": CENTER, "reason": "不再办理", "requested_at": MONDAY}
        )
        await publish(settings, submitted(case_id), case)
        row = await eventually(lambda: _open_row(node, case_id, "waiting"))
        assert row["error"] == f"waiting_for_item:{CODE}"
        await publish(settings, withdrawal)  # held behind the waiting acceptance
        await eventually(lambda: _open_row(node, case_id, "held"))
        assert await _stored(node, case_id) == []  # nothing opened while it waits

        await publish(settings, joint_item())
        kinds = await eventually(lambda: _closed(node, case_id), within=30)
        assert kinds.count("onewindow.work.opened.v1") == 1
        assert kinds.count("onewindow.joint.started.v1") == 1
        assert kinds.index("onewindow.work.opened.v1") < kinds.index("onewindow.case.withdrawn.v1")
        assert await _open_row(node, case_id, "waiting") is None
        assert await _open_row(node, case_id, "held") is None
        assert await _parked_at(node, case_id) is None  # later events apply directly again


async def _open_row(node: Node, case_id: str, reason: str) -> dict[str, Any] | None:
    query = select(parked).where(
        parked.c.stream.endswith(f" {case_id}"),
        parked.c.reason == reason,
        parked.c.resolved_at.is_(None),
    )
    async with node.engine.connect() as conn:
        row = (await conn.execute(query)).first()
    return dict(row._mapping) if row else None


async def _stored(node: Node, case_id: str) -> list[str]:
    """The types of the events approval stored for the case, in order."""
    query = select(events.c.type).where(events.c.stream_id == case_id).order_by(events.c.version)
    async with node.engine.connect() as conn:
        return [r.type for r in await conn.execute(query)]


async def _closed(node: Node, case_id: str) -> list[str] | None:
    """The stored types once the withdrawal (the last event the case waited with) closed it."""
    kinds = await _stored(node, case_id)
    return kinds if "onewindow.case.withdrawn.v1" in kinds else None


async def _parked_at(node: Node, case_id: str) -> object:
    """When one of the case's streams (intake's, approval's own) was parked, if one is."""
    query = select(stream_positions.c.parked_at).where(
        stream_positions.c.stream.endswith(f" {case_id}"),
        stream_positions.c.parked_at.is_not(None),
    )
    async with node.engine.connect() as conn:
        return (await conn.execute(query)).scalar()


async def test_a_wait_parked_before_a_restart_is_retried_on_a_back_off(
    databases, broker, tmp_path
) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    case_id = new_case_id()
    async with running(settings) as node:
        await publish(settings, submitted(case_id), accepted(case_id, kind="joint", item_code=CODE))
        await eventually(lambda: _open_row(node, case_id, "waiting"))
    async with running(settings) as node:  # knows nothing of the wait but its row
        await publish(settings, joint_item())
        kinds = await eventually(lambda: _opened(node, case_id), within=30)
        assert kinds.count("onewindow.work.opened.v1") == 1
        assert await _parked_at(node, case_id) is None


async def _opened(node: Node, case_id: str) -> list[str] | None:
    kinds = await _stored(node, case_id)
    return kinds if "onewindow.joint.started.v1" in kinds else None
