"""A/B posts, hand-overs, countersign, pauses and the extension over HTTP, as events."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from libs.events.clock import SHANGHAI
from tests.integration.approval.harness import (
    accepted,
    admin,
    approval_settings,
    names,
    new_case_id,
    publish,
    running,
    staff,
    topic_events,
)
from tests.support.polling import eventually

pytestmark = pytest.mark.integration

POSTS = {
    "posts": {
        "review": {"a": "rev-a", "b": "rev-b"},
        "approve": {"a": "app-a", "b": "app-b"},
    }
}


async def work_of(node, case_id: str) -> dict | None:
    response = await node.client.get(f"/v1/cases/{case_id}", headers=admin())
    return response.json() if response.status_code == 200 else None


async def test_absent_a_hands_open_and_new_work_to_b(databases, broker, tmp_path) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    before, after = new_case_id(), new_case_id()
    async with running(settings) as node:
        named = await node.client.put("/v1/departments/land/posts", json=POSTS, headers=admin())
        assert named.status_code == 200, named.text
        await publish(settings, accepted(before))
        item = await eventually(lambda: work_of(node, before))
        assert item["assignee"] == "rev-a"

        away = await node.client.put(
            "/v1/departments/land/absences/rev-a",
            json={"absent": True, "reason": "出差"},
            headers=staff("approver", "app-a"),
        )
        assert away.status_code == 200 and away.json()["absent"] == ["rev-a"]
        assert (await work_of(node, before))["assignee"] == "rev-b"

        await publish(settings, accepted(after))
        assert (await eventually(lambda: work_of(node, after)))["assignee"] == "rev-b"
        mine = await node.client.get("/v1/worklist?mine=true", headers=staff("reviewer", "rev-b"))
        assert {row["case_id"] for row in mine.json()} == {before, after}
        a_refused = await node.client.post(
            f"/v1/cases/{before}/review",
            json={"opinion": "approve"},
            headers=staff("reviewer", "rev-a"),
        )
        assert a_refused.status_code == 403 and a_refused.json()["rule"] == "OnlyTheAssigneeActs"
    events = await topic_events(settings, subject=before)
    assigned = [e.data for e in events if e.name == "work.assigned"]
    assert [(a["assignee"], a["cause"]) for a in assigned] == [
        ("rev-a", "opened"),
        ("rev-b", "absence"),
    ]


async def test_delegation_transfer_and_countersign(databases, broker, tmp_path) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    case_id = new_case_id()
    async with running(settings) as node:
        await node.client.put("/v1/departments/land/posts", json=POSTS, headers=admin())
        await publish(settings, accepted(case_id))
        await eventually(lambda: work_of(node, case_id))
        delegated = await node.client.post(
            f"/v1/cases/{case_id}/delegate",
            json={"to": "rev-b", "reason": "熟悉该片区"},
            headers=staff("reviewer", "rev-a"),
        )
        assert delegated.status_code == 200 and delegated.json()["assignee"] == "rev-b"
        stranger = await node.client.post(
            f"/v1/cases/{case_id}/transfer",
            json={"to": "someone-else", "reason": "r"},
            headers=staff("reviewer", "rev-b"),
        )
        assert stranger.status_code == 422
        reviewed = await node.client.post(
            f"/v1/cases/{case_id}/review",
            json={"opinion": "approve"},
            headers=staff("reviewer", "rev-b"),
        )
        assert reviewed.json()["assignee"] == "app-a"
        countersign = await node.client.post(
            f"/v1/cases/{case_id}/countersign",
            json={"approvers": ["app-a", "app-b"], "reason": "重大项目"},
            headers=staff("approver", "app-a"),
        )
        assert countersign.json()["countersigners"] == ["app-a", "app-b"]
        first = await node.client.post(
            f"/v1/cases/{case_id}/decide",
            json={"decision": "approved", "reasons": "同意"},
            headers=staff("approver", "app-b"),
        )
        assert first.json()["decision"] is None and first.json()["signed_by"] == ["app-b"]
        last = await node.client.post(
            f"/v1/cases/{case_id}/decide",
            json={"decision": "approved", "reasons": "同意"},
            headers=staff("approver", "app-a"),
        )
        assert last.json()["decision"]["by"] == "app-a,app-b"
        events = await eventually(lambda: _published(settings, case_id, "case.decision_issued"))
    assert names(events)[-5:] == [
        "work.countersign_required",
        "case.countersigned",
        "case.countersigned",
        "case.decided",
        "case.decision_issued",
    ]
    [handed] = [e.data for e in events if e.name == "work.transferred"]
    assert (handed["mode"], handed["reason"], handed["by"]) == ("delegated", "熟悉该片区", "rev-a")


async def test_pauses_and_the_extension_move_the_deadline(databases, broker, tmp_path) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    case_id = new_case_id()
    reviewer, approver = staff("reviewer", "rev-a"), staff("approver", "app-a")
    async with running(settings) as node:
        await publish(settings, accepted(case_id, limit=5))  # due Monday 9 March
        await eventually(lambda: work_of(node, case_id))
        suspended = await node.client.post(
            f"/v1/cases/{case_id}/suspend",
            json={"procedure": "inspection", "reason": "现场勘验", "expected_days": 2},
            headers=reviewer,
        )
        assert suspended.json()["status"] == "suspended"
        not_now = await node.client.post(
            f"/v1/cases/{case_id}/review", json={"opinion": "approve"}, headers=reviewer
        )
        assert not_now.status_code == 409 and not_now.json()["rule"] == "PausedCasesWait"

        node.clock.set(datetime(2026, 3, 4, 11, 0, tzinfo=SHANGHAI))  # Wednesday
        resumed = (await node.client.post(f"/v1/cases/{case_id}/resume", headers=reviewer)).json()
        assert resumed["due_day"] == "2026-03-11" and resumed["pauses"][0]["working_days"] == 2

        extended = await node.client.post(
            f"/v1/cases/{case_id}/extend", json={"days": 3, "reason": "情况复杂"}, headers=approver
        )
        assert extended.status_code == 200 and extended.json()["due_day"] == "2026-03-16"
        again = await node.client.post(
            f"/v1/cases/{case_id}/extend", json={"days": 1, "reason": "再延"}, headers=approver
        )
        assert again.status_code == 409 and again.json()["rule"] == "OneExtensionPerCase"
        events = await eventually(lambda: _published(settings, case_id, "case.deadline_changed"))
    by_name = {e.name: e.data for e in events}
    assert by_name["case.suspended"]["procedure"] == "inspection"
    assert by_name["case.resumed"]["paused_working_days"] == 2
    assert date.fromisoformat(by_name["case.resumed"]["due_day"]) == date(2026, 3, 11)
    assert by_name["case.deadline_changed"]["cause"] == "extended"
    assert by_name["case.deadline_changed"]["due_day"] == "2026-03-16"
    assert by_name["case.extended"]["days"] == 3


async def test_an_extension_after_the_deadline_is_refused(databases, broker, tmp_path) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    case_id = new_case_id()
    async with running(settings) as node:
        await publish(settings, accepted(case_id, limit=1))  # due Tuesday 3 March
        await eventually(lambda: work_of(node, case_id))
        node.clock.set(datetime(2026, 3, 4, 8, 0, tzinfo=SHANGHAI))
        late = await node.client.post(
            f"/v1/cases/{case_id}/extend",
            json={"days": 2, "reason": "来不及"},
            headers=staff("approver", "app-a"),
        )
        assert late.status_code == 409 and late.json()["rule"] == "ExtensionBeforeDeadline"


async def _published(settings, case_id: str, name: str):  # type: ignore[no-untyped-def]
    """The case's events on the topic once `name` is among them (the relay is asynchronous)."""
    events = await topic_events(settings, subject=case_id)
    return events if name in names(events) else None
