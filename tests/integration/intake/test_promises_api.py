"""容缺 promises over HTTP: automatic 退件 when overdue, one extension, fulfilment."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from libs.events.clock import SHANGHAI
from libs.events.contract import CaseDecided
from libs.events.envelope import Envelope
from services.intake.application.return_overdue import return_overdue_cases
from tests.integration.intake.harness import CLERK, Intake, types
from tests.support.polling import eventually
from tests.support.services import bearer

pytestmark = pytest.mark.integration

DEC_3 = datetime(2026, 12, 3, 8, tzinfo=SHANGHAI)  # the morning after the promised day


async def tolerated(intake: Intake) -> str:
    case_id: str = (await intake.submit(["APP", "LIC", "LAY"]))["case_id"]
    accepted = await intake.http.post(
        f"/v1/cases/{case_id}/accept",
        json={"tolerated_missing": ["HLT"], "supplement_by": "2026-12-02"},
        headers=CLERK,
    )
    assert accepted.status_code == 200, accepted.text
    return case_id


async def test_an_overdue_promise_returns_the_case_with_an_event(intake: Intake) -> None:
    await intake.publish_item()
    case_id = await tolerated(intake)
    intake.clock.set(datetime(2026, 12, 2, 23, 59, tzinfo=SHANGHAI))
    assert await return_overdue_cases(uow=intake.wired.uow, clock=intake.clock) == []
    intake.clock.set(DEC_3)
    assert await return_overdue_cases(uow=intake.wired.uow, clock=intake.clock) == [case_id]
    assert await return_overdue_cases(uow=intake.wired.uow, clock=intake.clock) == []  # once only

    case = (await intake.http.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
    assert case["status"] == "returned"
    events = await intake.case_events(case_id, 4)
    assert types(events) == [
        "case.submitted",
        "case.supplement_requested",
        "case.accepted",
        "case.returned",
    ]
    returned = events[-1].data
    assert returned["missing"] == ["HLT"] and returned["supplement_by"] == "2026-12-02"
    assert returned["returned_at"].startswith("2026-12-03T00:00:00")
    again = await intake.http.post(f"/v1/cases/{case_id}/withdraw", headers=CLERK)
    assert again.status_code == 409 and again.json()["rule"] == "CaseClosed"


async def test_the_department_extends_once_and_the_case_survives(intake: Intake) -> None:
    await intake.publish_item()
    case_id = await tolerated(intake)
    path = f"/v1/cases/{case_id}/promise/extend"
    extension = {"supplement_by": "2026-12-07", "reason": "体检机构排期延后"}
    other_department = bearer("clerk", sub="clerk-5", department="GAJ")
    # Another department's clerk does not see the case at all (no hint that it exists).
    assert (
        await intake.http.post(path, json=extension, headers=other_department)
    ).status_code == 404
    extended = await intake.http.post(path, json=extension, headers=CLERK)
    assert extended.status_code == 200 and extended.json()["supplement_by"] == "2026-12-07"
    assert extended.json()["reason"] == "体检机构排期延后"
    twice = await intake.http.post(
        path, json={"supplement_by": "2026-12-08", "reason": "again"}, headers=CLERK
    )
    assert twice.status_code == 409 and twice.json()["rule"] == "PromiseExtendedOnlyOnce"
    intake.clock.set(DEC_3)
    assert await return_overdue_cases(uow=intake.wired.uow, clock=intake.clock) == []
    intake.clock.set(DEC_3 + timedelta(days=5))
    assert await return_overdue_cases(uow=intake.wired.uow, clock=intake.clock) == [case_id]
    events = await intake.case_events(case_id, 5)
    assert types(events)[-2:] == ["case.promise_extended", "case.returned"]
    assert events[-2].data["reason"] == "体检机构排期延后"


async def test_supplying_the_material_keeps_the_promise(intake: Intake) -> None:
    await intake.publish_item()
    case_id = await tolerated(intake)
    supplied = await intake.http.post(
        f"/v1/cases/{case_id}/supplements", json={"materials": ["HLT"]}, headers=CLERK
    )
    assert supplied.status_code == 200 and supplied.json()["missing"] == []
    intake.clock.set(DEC_3)
    assert await return_overdue_cases(uow=intake.wired.uow, clock=intake.clock) == []
    case = (await intake.http.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
    assert case["status"] == "accepted" and case["tolerated_missing"] == []


async def test_a_decided_case_is_neither_returned_nor_withdrawn(intake: Intake) -> None:
    await intake.publish_item()
    case_id = await tolerated(intake)
    decided = CaseDecided(
        case_id=case_id,
        center="350500",
        decision="approved",
        decided_by="approver-1",
        department="SCJG",
        decided_at=datetime(2026, 11, 30, 15, tzinfo=SHANGHAI),
    )
    await intake.inject(
        Envelope(
            type=decided.TYPE,
            source="/centers/350500/approval",
            subject=case_id,
            center="350500",
            sequence=1,  # approval's first event of its own stream for this case
            data=decided.model_dump(mode="json"),
        )
    )

    async def outcome() -> str | None:
        case = (await intake.http.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
        return case["outcome"]

    assert await eventually(outcome) == "approved"
    case = (await intake.http.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
    assert case["status"] == "approved"
    assert "onewindow.case.decided.v1" in [h["type"] for h in case["history"]]
    withdraw = await intake.http.post(f"/v1/cases/{case_id}/withdraw", headers=CLERK)
    assert withdraw.status_code == 409 and withdraw.json()["rule"] == "CaseAlreadyDecided"
    intake.clock.set(DEC_3)
    assert await return_overdue_cases(uow=intake.wired.uow, clock=intake.clock) == []
