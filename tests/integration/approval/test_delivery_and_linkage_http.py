"""Delivery retried until sent and never lost; withdrawal; 上报件 from county to city and back.

Centers use their own topic prefixes; the tests copy events between them as linkage does.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from libs.events.clock import SHANGHAI
from libs.events.contract import CaseEscalated, CaseEscalationReturned, CaseWithdrawn
from services.approval.adapters.notifier import LocalSink, Message, NotificationFailed
from services.approval.adapters.tables import deliveries
from tests.integration.approval.harness import (
    accepted,
    approval_settings,
    names,
    new_case_id,
    publish,
    running,
    staff,
    submitted,
    topic_events,
)
from tests.support.polling import eventually

pytestmark = pytest.mark.integration
COUNTY, CITY = "350521", "350500"


class FlakyGateway(LocalSink):
    """Refuses the first `failures` sends, then records like the local sink."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.tries = 0

    async def send(self, message: Message) -> None:
        self.tries += 1
        if self.tries <= self.failures:
            raise NotificationFailed("gateway busy")
        await super().send(message)


async def decide(node, case_id: str, center: str = CITY) -> None:
    await eventually(lambda: _work(node, case_id, center))
    reviewed = await node.client.post(
        f"/v1/cases/{case_id}/review",
        json={"opinion": "approve"},
        headers=staff("reviewer", "rev-a", center=center),
    )
    assert reviewed.status_code == 200, reviewed.text
    decided = await node.client.post(
        f"/v1/cases/{case_id}/decide",
        json={"decision": "approved", "reasons": "符合条件"},
        headers=staff("approver", "app-a", center=center),
    )
    assert decided.status_code == 200, decided.text


async def _work(node, case_id: str, center: str = CITY):
    headers = staff("reviewer", "rev-a", center=center)
    response = await node.client.get(f"/v1/cases/{case_id}", headers=headers)
    return response.json() if response.status_code == 200 else None


async def delivery_rows(node, case_id: str):
    async with node.engine.connect() as conn:
        query = select(deliveries).where(deliveries.c.case_id == case_id)
        return (await conn.execute(query)).all()


async def test_failed_sends_are_retried_with_backoff(databases, broker, tmp_path) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    case_id = new_case_id()
    gateway = FlakyGateway(failures=2)
    async with running(settings, notifier=gateway) as node:
        await publish(settings, submitted(case_id), accepted(case_id))
        await decide(node, case_id)
        await eventually(lambda: _case_delivered(node, case_id))  # marked sent in that txn
        [row] = await delivery_rows(node, case_id)
        assert row.attempts == 2 and row.last_error == "gateway busy" and row.sent_at
    assert gateway.tries == 3 and len(gateway.sent) == 1


async def test_a_notice_outlives_a_process_that_could_not_send_it(
    databases, broker, tmp_path
) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    case_id = new_case_id()
    down = FlakyGateway(failures=10_000)
    async with running(settings, notifier=down) as node:
        await publish(settings, submitted(case_id), accepted(case_id))
        await decide(node, case_id)
        await eventually(lambda: _tried(down, 2))
    restarted = LocalSink()
    async with running(settings, notifier=restarted) as node:
        await eventually(lambda: _sent(restarted))
        await eventually(lambda: _case_delivered(node, case_id))
    assert down.sent == [] and len(restarted.sent) == 1


async def test_a_withdrawn_case_leaves_the_worklist(databases, broker, tmp_path) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    case_id = new_case_id()
    async with running(settings) as node:
        withdrawn = CaseWithdrawn(
            case_id=case_id, center=CITY, withdrawn_at=datetime(2026, 3, 2, 11, tzinfo=SHANGHAI)
        )
        await publish(settings, accepted(case_id), withdrawn)
        await eventually(lambda: _status(node, case_id, "withdrawn"))
        refused = await node.client.post(
            f"/v1/cases/{case_id}/review",
            json={"opinion": "approve"},
            headers=staff("reviewer", "rev-a"),
        )
        assert refused.status_code == 409 and refused.json()["rule"] == "WorkIsClosed"


async def test_a_reported_case_goes_up_is_decided_there_and_comes_back(
    databases, broker, tmp_path
) -> None:
    county_settings = await approval_settings(
        databases,
        broker,
        tmp_path / "county",
        center_code=COUNTY,
        parent_center=CITY,
    )
    city_settings = await approval_settings(databases, broker, tmp_path / "city")
    case_id = new_case_id()
    async with running(county_settings) as county, running(city_settings) as city:
        reported = accepted(case_id, kind="reported", limit=10, center=COUNTY)
        await publish(county_settings, submitted(case_id, center=COUNTY), reported)
        item = await eventually(lambda: _work(county, case_id, COUNTY))
        assert item["step"] == "pre_review"
        pre_review = await county.client.post(
            f"/v1/cases/{case_id}/review",
            json={"opinion": "approve", "comment": "初审同意上报"},
            headers=staff("reviewer", "county-rev", center=COUNTY),
        )
        assert pre_review.json()["status"] == "escalated"
        assert pre_review.json()["escalated_to"] == CITY

        escalated = await eventually(lambda: _until(county_settings, case_id, "case.escalated"))
        await publish(
            city_settings, CaseEscalated.model_validate(escalated.data), service="linkage"
        )
        above = await eventually(lambda: _work(city, case_id))
        assert (above["held_at"], above["center"], above["step"]) == (CITY, COUNTY, "review")
        assert above["due_day"] == item["due_day"]
        await decide(city, case_id)
        sealed = await city.client.get(
            f"/v1/cases/{case_id}/decision", headers=staff("approver", "app-a")
        )
        assert sealed.json()["document"]["issued_by_center"] == CITY
        assert city.sink.sent == []  # the accepting center tells the applicant

        returned = CaseEscalationReturned(
            case_id=case_id,
            center=COUNTY,
            from_center=CITY,
            decision="approved",
            reasons="符合条件",
            returned_at=datetime(2026, 3, 3, 10, tzinfo=SHANGHAI),
        )
        await publish(county_settings, returned, service="linkage")
        await eventually(lambda: _sent(county.sink))
        assert "准予许可" in county.sink.sent[0].text
        await eventually(lambda: _case_delivered(county, case_id, COUNTY))
    events = await topic_events(county_settings, subject=case_id)
    from_county = [e for e in events if e.source == f"/centers/{COUNTY}/approval"]
    assert names(from_county) == [
        "work.opened",
        "work.assigned",
        "case.reviewed",
        "case.escalated",
        "work.closed",
        "case.delivered",
    ]
    assert from_county[3].data["to_center"] == CITY


async def _until(settings, case_id: str, name: str):
    """The first event of that name on the node's topic, once it is there."""
    events = await topic_events(settings, subject=case_id)
    return next((e for e in events if e.name == name), None)


async def _sent(sink: LocalSink) -> bool:
    return bool(sink.sent)


async def _tried(gateway: FlakyGateway, times: int) -> bool:
    return gateway.tries >= times


async def _case_delivered(node, case_id: str, center: str = CITY) -> bool:
    item = await _work(node, case_id, center)
    return bool(item and item["delivered"])


async def _status(node, case_id: str, status: str) -> bool:
    item = await _work(node, case_id)
    return bool(item and item["status"] == status)
