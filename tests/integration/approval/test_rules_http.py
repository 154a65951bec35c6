"""Item rules and hand-overs over HTTP: the extension cap of art. 42, deemed approval from the
catalogue only, and hand-overs only to someone who can act on the step."""

from __future__ import annotations

import pytest

from libs.events.contract import ItemPublished
from tests.integration.approval.harness import (
    MONDAY,
    accepted,
    admin,
    approval_settings,
    new_case_id,
    publish,
    running,
    staff,
)
from tests.support.polling import eventually

pytestmark = pytest.mark.integration
POSTS = {"posts": {"review": {"a": "rev-a", "b": "rev-b"}, "approve": {"a": "app-a"}}}


def published(*, deemed: bool) -> ItemPublished:
    return ItemPublished(
        center="350500",
        code="LAND-01",
        version=1,
        name="建设用地规划许可",
        department="land",
        kind="promised",
        legal_limit_days=20,
        promised_limit_days=5,
        materials=[],
        deemed_approval=deemed,
        published_at=MONDAY,
    )


async def test_rules_cap_extensions_and_take_deemed_approval_from_the_catalogue(
    databases, broker, tmp_path
) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    case_id = new_case_id()
    rules = "/v1/items/LAND-01/approval-rules"
    async with running(settings) as node:
        await publish(settings, published(deemed=True))

        async def deemed() -> bool | None:
            return (await node.client.get(rules, headers=admin())).json()["deemed_approval"]

        assert await eventually(deemed) is True
        too_long = await node.client.put(rules, json={"extension_cap_days": 30}, headers=admin())
        assert too_long.status_code == 422, too_long.text
        assert too_long.json()["rule"] == "ExtensionCapNeedsLegalBasis"
        basis = "《某某条例》第十二条：可延长三十个工作日"
        cited = await node.client.put(
            rules, json={"extension_cap_days": 30, "extension_basis": basis}, headers=admin()
        )
        assert cited.status_code == 200 and cited.json()["extension_basis"] == basis
        # A second setting of deemed approval is not taken (ignored or refused): one source.
        await node.client.put(rules, json={"deemed_approval": False}, headers=admin())
        assert await deemed() is True

        await node.client.put("/v1/departments/land/posts", json=POSTS, headers=admin())
        await publish(settings, accepted(case_id))

        async def opened() -> bool:
            found = await node.client.get(f"/v1/cases/{case_id}", headers=admin())
            return found.status_code == 200

        await eventually(opened)
        to_approver = await node.client.post(
            f"/v1/cases/{case_id}/transfer",
            json={"to": "app-a", "reason": "请核准人处理"},
            headers=staff("reviewer", "rev-a"),
        )
        assert to_approver.status_code == 422, to_approver.text
        assert to_approver.json()["rule"] == "HandOverToWhoCanAct"
        to_reviewer = await node.client.post(
            f"/v1/cases/{case_id}/transfer",
            json={"to": "rev-b", "reason": "熟悉该片区"},
            headers=staff("reviewer", "rev-a"),
        )
        assert to_reviewer.status_code == 200 and to_reviewer.json()["assignee"] == "rev-b"
