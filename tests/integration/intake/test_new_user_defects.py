"""What a new user met at intake (issue 13): typos dropped, huge bodies, stale receipts,
notice gaps, retired items, other identity documents, echoed reasons, one time form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest

from libs.events.clock import SHANGHAI, FixedClock
from libs.events.contract import CaseDecided, CaseExtended
from libs.events.envelope import Envelope
from services.intake.application.deem_accepted import Judged, judge_unjudged_cases
from services.intake.config import Settings
from services.intake.main import create
from tests.integration.intake.harness import ADMIN, APPLICANT, CLERK, ITEM, NOW, Intake
from tests.support.polling import eventually
from tests.support.services import bearer, new_prefix, serve, settings_for
from tests.unit.intake.test_receipt_pdf import pdf_text

pytestmark = pytest.mark.integration
LIMIT = 64 * 1024  # a small limit keeps the oversized bodies cheap
ALICE = bearer("applicant", sub="alice", center=None)


@pytest.fixture(scope="module")
async def intake(broker, databases) -> AsyncIterator[Intake]:  # type: ignore[no-untyped-def]
    """One intake for the whole module; every test publishes its own item code."""
    clock = FixedClock(NOW)
    settings = await settings_for(
        Settings,
        databases,
        broker,
        prefix=new_prefix(),
        overdue_check_seconds=3600,
        max_body_bytes=LIMIT,
    )
    app = create(settings, clock=clock)
    async with serve(lambda _: app, settings) as http:
        runtime = app.state.runtime
        connected = len(runtime.subscriptions)
        await eventually(
            lambda: _true(runtime.producer is not None and len(runtime.consumers) == connected)
        )
        yield Intake(http=http, app=app, settings=settings, clock=clock)


async def _true(value: bool) -> bool:
    return value


async def publish(intake: Intake, code: str) -> None:
    response = await intake.http.put(f"/v1/catalog/items/{code}", json=ITEM, headers=ADMIN)
    assert response.status_code == 201, response.text


async def submit(
    intake: Intake, code: str, materials: list[str], *, headers: dict[str, str] = CLERK, **more: Any
) -> dict[str, Any]:
    body = {"item_code": code, "applicant": APPLICANT, "materials": materials, **more}
    response = await intake.http.post("/v1/cases", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_unknown_fields_are_refused_by_name(intake: Intake) -> None:
    await publish(intake, "T5")
    typo = {"item_code": "T5", "applicant": APPLICANT, "materails": ["APP", "LIC"]}
    response = await intake.http.post("/v1/cases", json=typo, headers=CLERK)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert {"field": "materails", "rule": "extra_forbidden"}.items() <= response.json()["errors"][
        0
    ].items()
    nested = {"item_code": "T5", "applicant": {**APPLICANT, "birthday": "1949-12-31"}}
    response = await intake.http.post("/v1/cases", json=nested, headers=CLERK)
    assert response.status_code == 422 and "applicant.birthday" in response.json()["detail"]
    cases = (await intake.http.get("/v1/cases", headers=CLERK)).json()
    assert not [c for c in cases if c["item_code"] == "T5"]  # nothing was created


async def test_an_oversized_body_is_refused_before_it_is_read(intake: Intake) -> None:
    declared = await intake.http.post(
        "/v1/cases",
        content=b" " * (LIMIT + 1),
        headers={**CLERK, "content-type": "application/json"},
    )
    assert declared.status_code == 413
    assert declared.headers["content-type"] == "application/problem+json"
    assert declared.json()["rule"] == "RequestBodyTooLarge" and declared.json()["detail_zh"]
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        nonlocal sent
        for _ in range(50 * 16):  # 50 MB if it were all read
            sent += 1
            yield b" " * LIMIT

    streamed = await intake.http.post(
        "/v1/cases", content=chunks(), headers={**CLERK, "content-type": "application/json"}
    )
    assert streamed.status_code == 413 and sent < 5


async def test_a_reprinted_receipt_shows_the_current_promise_and_deadline(intake: Intake) -> None:
    await publish(intake, "T7")
    case_id = (await submit(intake, "T7", ["APP", "LIC", "LAY"]))["case_id"]
    accept = {"tolerated_missing": ["HLT"], "supplement_by": "2026-12-02"}
    accepted = await intake.http.post(f"/v1/cases/{case_id}/accept", json=accept, headers=CLERK)
    assert accepted.status_code == 200, accepted.text
    extension = {"supplement_by": "2026-12-07", "reason": "体检机构排期延后"}
    extended = await intake.http.post(
        f"/v1/cases/{case_id}/promise/extend", json=extension, headers=CLERK
    )
    assert extended.status_code == 200 and extended.json()["reason"] == "体检机构排期延后"
    await _approval_extends(intake, case_id, days=5, due=datetime(2026, 12, 16, tzinfo=SHANGHAI))

    async def moved() -> bool:
        case = (await intake.http.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
        return bool(case["due_day"] == "2026-12-16")

    await eventually(moved)
    pdf = await intake.http.get(f"/v1/cases/{case_id}/receipt.pdf", headers=CLERK)
    text = pdf_text(pdf.content)
    assert "2026年12月07日" in text and "由2026年12月02日延期" in text
    assert "2026年12月16日" in text and "共 15 个工作日" in text
    assert "2026年12月09日" not in text


async def _approval_extends(intake: Intake, case_id: str, *, days: int, due: datetime) -> None:
    extended = CaseExtended(
        case_id=case_id,
        center="350500",
        department="SCJG",
        days=days,
        reason="需要现场核查",
        by="approver-1",
        extended_at=NOW,
        deadline=due.replace(hour=23, minute=59, second=59),
        due_day=due.date(),
    )
    await intake.inject(
        Envelope(
            type=extended.TYPE,
            source="/centers/350500/approval",
            subject=case_id,
            center="350500",
            sequence=1,  # approval's first event of its own stream for this case
            data=extended.model_dump(mode="json"),
        )
    )


async def test_notice_gaps_are_closed(intake: Intake) -> None:
    await publish(intake, "T9")
    complete = ["APP", "LIC", "LAY", "HLT", "AUTH"]
    created = await submit(
        intake, "T9", complete, rejected=[{"code": "AUTH", "reason": "委托书未签字"}]
    )
    assert created["status"] == "awaiting_supplement" and created["missing"] == ["AUTH"]
    assert created["notice"][0]["reason"] == "委托书未签字"
    blurred = [{"code": "LAY", "reason": "平面图模糊"}]
    case_id = (await submit(intake, "T9", ["APP", "LIC", "LAY"], rejected=blurred))["case_id"]
    again = await intake.http.post(
        f"/v1/cases/{case_id}/supplements", json={"materials": ["HLT"]}, headers=CLERK
    )
    assert again.status_code == 200, again.text
    assert [(n["code"], n["reason"]) for n in again.json()["notice"]] == [("LAY", "平面图模糊")]
    own = {"item_code": "T9", "applicant": APPLICANT, "materials": ["APP"], "rejected": blurred}
    refused = await intake.http.post("/v1/cases", json=own, headers=ALICE)
    assert refused.status_code == 403 and refused.json()["rule"] == "OnlyStaffJudgeMaterials"


async def test_a_retired_item_takes_no_new_cases_but_its_open_cases_go_on(
    intake: Intake,
) -> None:
    await publish(intake, "T14")
    open_case = (await submit(intake, "T14", ["APP", "LIC", "LAY", "HLT"]))["case_id"]
    order = {"reason": "法律废止", "legal_basis": "《某某条例》已于2026年11月1日废止"}
    path = "/v1/catalog/items/T14/retire"
    assert (await intake.http.post(path, json=order, headers=CLERK)).status_code == 403
    retired = await intake.http.post(path, json=order, headers=ADMIN)
    assert retired.status_code == 200, retired.text
    assert retired.json()["retired"]["reason"] == "法律废止"
    twice = await intake.http.post(path, json=order, headers=ADMIN)
    assert twice.status_code == 409 and twice.json()["rule"] == "ItemAlreadyRetired"
    listed = (await intake.http.get("/v1/catalog/items", params={"retired": True})).json()
    assert [i["code"] for i in listed] == ["T14"]
    assert listed[0]["retired"]["legal_basis"].startswith("《某某条例》")
    body = {"item_code": "T14", "applicant": APPLICANT, "materials": ["APP"]}
    refused = await intake.http.post("/v1/cases", json=body, headers=CLERK)
    assert refused.status_code == 422 and refused.json()["rule"] == "RetiredItemAcceptsNoCases"
    accepted = await intake.http.post(f"/v1/cases/{open_case}/accept", headers=CLERK)
    assert accepted.status_code == 200, accepted.text

    async def retirement() -> list[Envelope] | None:  # once the relay has published it
        kind = "onewindow.catalog.item_retired.v1"
        return [e for e in await intake.events(1) if e.type == kind] or None

    found = await eventually(retirement)
    assert found[0].data["reason"] == "法律废止"


@pytest.mark.parametrize(
    ("id_type", "id_no", "masked"),
    [
        ("passport", "E12345678", "E1****678"),
        ("hk_macao_permit", "H12345678", "H1****678"),
        ("foreign_permanent", "935156199001010018", "935156********0018"),
    ],
)
async def test_other_identity_documents_are_accepted_and_masked(
    intake: Intake, id_type: str, id_no: str, masked: str
) -> None:
    await publish(intake, f"T15-{id_type}")
    person = {**APPLICANT, "id_type": id_type, "id_no": id_no}
    body = {"item_code": f"T15-{id_type}", "applicant": person, "materials": []}
    created = await intake.http.post("/v1/cases", json=body, headers=CLERK)
    assert created.status_code == 201, created.text
    case = (await intake.http.get(f"/v1/cases/{created.json()['case_id']}", headers=CLERK)).json()
    assert case["applicant"]["id_no"] == masked and case["applicant"]["phone"] == "138****8000"
    wrong = {**body, "applicant": {**person, "id_no": "12"}}
    refused = await intake.http.post("/v1/cases", json=wrong, headers=CLERK)
    assert refused.status_code == 422 and refused.json()["field"] == "applicant.id_no"


async def test_answers_echo_the_reason_and_use_one_time_form(intake: Intake) -> None:
    await publish(intake, "T18")
    case_id = (await submit(intake, "T18", ["APP", "LIC", "LAY", "HLT"]))["case_id"]
    accepted = (await intake.http.post(f"/v1/cases/{case_id}/accept", headers=CLERK)).json()
    case = (await intake.http.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
    assert accepted["deadline"] == case["deadline"] == "2026-12-09T23:59:59+08:00"
    assert case["submitted_at"] == "2026-11-25T10:00:00+08:00"
    withdrawn = await intake.http.post(
        f"/v1/cases/{case_id}/withdraw", json={"reason": "不再经营"}, headers=CLERK
    )
    assert withdrawn.json()["reason"] == "不再经营", withdrawn.text


async def test_the_case_list_pages_by_cursor_and_searches(intake: Intake) -> None:
    await publish(intake, "T13")
    other = {**APPLICANT, "name": "李四", "id_no": "440524188001010014"}
    for materials in (["APP"], ["APP", "LIC"], ["LIC"]):
        await submit(intake, "T13", materials)
    wanted = await submit(intake, "T13", ["APP"], applicant=other)
    query = {"item_code": "T13", "limit": 2}
    first = await intake.http.get("/v1/cases", params=query, headers=CLERK)
    assert first.status_code == 200 and len(first.json()) == 2
    cursor = first.headers["Next-Cursor"]
    assert 'rel="next"' in first.headers["Link"]
    second = await intake.http.get("/v1/cases", params={**query, "cursor": cursor}, headers=CLERK)
    assert len(second.json()) == 2 and "Next-Cursor" not in second.headers
    ids = [c["case_id"] for c in first.json() + second.json()]
    assert len(set(ids)) == 4
    by_name = (await intake.http.get("/v1/cases", params={"applicant": "李"}, headers=CLERK)).json()
    assert [c["case_id"] for c in by_name] == [wanted["case_id"]]
    assert by_name[0]["applicant_id_no"] == "440524********0014"
    by_id = await intake.http.get(
        "/v1/cases", params={"applicant": "440524188001010014"}, headers=CLERK
    )
    assert [c["case_id"] for c in by_id.json()] == [wanted["case_id"]]
    by_no = await intake.http.get("/v1/cases", params={"case_no": wanted["case_no"]}, headers=CLERK)
    assert [c["case_id"] for c in by_no.json()] == [wanted["case_id"]]
    days = {"item_code": "T13", "received_from": "2026-11-25", "received_to": "2026-11-25"}
    assert len((await intake.http.get("/v1/cases", params=days, headers=CLERK)).json()) == 4
    later = {**days, "received_from": "2026-11-26", "received_to": "2026-11-30"}
    assert (await intake.http.get("/v1/cases", params=later, headers=CLERK)).json() == []
    reversed_days = {"received_from": "2026-11-30", "received_to": "2026-11-25"}
    refused = await intake.http.get("/v1/cases", params=reversed_days, headers=CLERK)
    assert refused.status_code == 422 and refused.json()["rule"] == "DateRangeReversed"
    assert refused.json()["detail_zh"] == "日期范围的开始日期不能晚于结束日期"
    bad = await intake.http.get("/v1/cases", params={"cursor": "bm9wZQ"}, headers=CLERK)
    assert bad.status_code == 422 and bad.json()["rule"] == "InvalidCursor"
    big = await intake.http.get("/v1/cases", params={"limit": 1000}, headers=CLERK)
    assert big.status_code == 422


async def test_a_decided_case_reads_the_shared_status_with_its_label(intake: Intake) -> None:
    await publish(intake, "T16")
    case_id = (await submit(intake, "T16", ["APP", "LIC", "LAY", "HLT"]))["case_id"]
    assert (await intake.http.post(f"/v1/cases/{case_id}/accept", headers=CLERK)).status_code == 200
    decided = CaseDecided(
        case_id=case_id,
        center="350500",
        decision="approved",
        decided_by="approver-1",
        department="SCJG",
        decided_at=NOW,
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

    async def listed() -> list[dict[str, Any]]:
        found = await intake.http.get("/v1/cases", params={"item_code": "T16"}, headers=CLERK)
        rows: list[dict[str, Any]] = found.json()
        return rows if rows and rows[0]["status"] == "approved" else []

    [row] = await eventually(listed)
    assert row["status_zh"] == "准予许可"
    case = (await intake.http.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
    assert (case["status"], case["status_zh"]) == ("approved", "准予许可")
    garbage = await intake.http.post(
        "/v1/cases",
        content=b'{"item_code": "T16",',
        headers={**CLERK, "content-type": "application/json"},
    )
    assert garbage.status_code == 422 and "malformed JSON at character" in garbage.json()["detail"]
    assert "JSON 格式错误" in garbage.json()["detail_zh"]
    closed = await intake.http.post(
        f"/v1/cases/{case_id}/refuse", json={"reason": "x"}, headers=CLERK
    )
    assert closed.status_code == 409 and closed.json()["detail_zh"].startswith("只有待受理的案件")


async def test_an_unjudged_online_submission_is_warned_then_accepted_as_of_receipt(
    intake: Intake,
) -> None:
    await publish(intake, "T19")
    body = {"item_code": "T19", "applicant": APPLICANT, "materials": ["APP", "LIC", "LAY", "HLT"]}
    created = await intake.http.post("/v1/cases", json=body, headers=ALICE)
    assert created.status_code == 201 and created.json()["status"] == "submitted"
    case_id = created.json()["case_id"]
    try:
        intake.clock.set(datetime(2026, 12, 1, 18, tzinfo=SHANGHAI))  # 4th working day
        assert await judge_unjudged_cases(uow=intake.wired.uow, clock=intake.clock) == Judged()
        intake.clock.set(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))  # the 5th: warn once
        assert (await judge_unjudged_cases(uow=intake.wired.uow, clock=intake.clock)).warned == [
            case_id
        ]
        assert await judge_unjudged_cases(uow=intake.wired.uow, clock=intake.clock) == Judged()
        intake.clock.set(datetime(2026, 12, 3, 0, 1, tzinfo=SHANGHAI))
        assert (await judge_unjudged_cases(uow=intake.wired.uow, clock=intake.clock)).accepted == [
            case_id
        ]
    finally:
        intake.clock.set(NOW)
    case = (await intake.http.get(f"/v1/cases/{case_id}", headers=CLERK)).json()
    assert case["status"] == "accepted" and case["accepted_at"] == case["submitted_at"]
    assert case["due_day"] == "2026-12-09"  # counted from the day the materials arrived
    events = await intake.case_events(case_id, 3)
    assert [e.name for e in events] == ["case.submitted", "case.acceptance_due", "case.accepted"]
    assert events[1].data["deemed_at"] == "2026-12-02T23:59:59+08:00"
    assert events[2].data["cause"] == "deemed_art32"
