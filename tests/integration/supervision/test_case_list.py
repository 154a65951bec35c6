"""Supervision's case list: searched in SQL, scoped, masked, paged by a cursor that neither
loses nor repeats a case while new cases arrive."""

from __future__ import annotations

from datetime import timedelta

import pytest

from libs.events import contract as s
from tests.integration.supervision.harness import Service
from tests.support.services import bearer
from tests.unit.supervision.given import accepted, bj, submitted, suspended

pytestmark = pytest.mark.integration
OTHER = s.Applicant(name="李四", id_type="resident", id_no="440524188001010014", phone="1")
START = bj(2026, 9, 14, 9)


def received(
    n: int, *, department: str = "SCJG", item: str = "SP-001", applicant: s.Applicant | None = None
) -> list[s.Event]:
    """Case `c<n>`, received n minutes after START and accepted at once."""
    at, case_id = START + timedelta(minutes=n), f"c{n:02}"
    case = submitted(case_id, at, department=department, item=item)
    if applicant is not None:
        case = case.model_copy(update={"applicant": applicant})
    return [case, accepted(case_id, at, 10, department=department, item=item)]


async def walk(service: Service, params: dict[str, object], during: list[s.Event]) -> list[str]:
    """Every case id of the list, page by page; `during` arrives after the first page."""
    seen: list[str] = []
    cursor: str | None = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = await service.http.get("/v1/cases", params=query, headers=SUPERVISOR)
        assert page.status_code == 200, page.text
        seen += [c["case_id"] for c in page.json()]
        if during:
            await service.publish(*during)
            during = []
        cursor = page.headers.get("Next-Cursor")
        if cursor is None:
            return seen


SUPERVISOR = bearer("supervisor", sub="sup-1", center="350500")


async def test_the_walk_loses_and_repeats_nothing_while_cases_arrive(service: Service) -> None:
    events = [e for n in range(7) for e in received(n)]
    await service.publish(*events)
    newer = [e for n in range(10, 13) for e in received(n)]
    ids = await walk(service, {"limit": 3}, during=newer)
    assert ids == [f"c{n:02}" for n in reversed(range(7))]
    first = await service.get("/v1/cases", limit=3)
    assert [c["case_id"] for c in first] == ["c12", "c11", "c10"]
    assert first[0]["color"] == "green" and first[0]["status"] == "accepted"
    assert first[0]["received_at"] == "2026-09-14T09:12:00+08:00"


async def test_cases_are_searched_masked_and_scoped(service: Service) -> None:
    other = received(1, applicant=OTHER, item="SP-9")
    elsewhere = received(2, department="GTJ")
    await service.publish(*received(0), *other, *elsewhere)
    [by_name] = await service.get("/v1/cases", applicant="李")
    assert (by_name["case_id"], by_name["applicant_name"]) == ("c01", "李*")
    assert by_name["applicant_id_no"] == "440524********0014"
    [by_id] = await service.get("/v1/cases", applicant="440524188001010014")
    assert by_id["case_id"] == "c01"
    assert [c["case_id"] for c in await service.get("/v1/cases", case_no="NO-c01")] == ["c01"]
    assert [c["case_id"] for c in await service.get("/v1/cases", item_code="SP-9")] == ["c01"]
    assert [c["case_id"] for c in await service.get("/v1/cases", department="GTJ")] == ["c02"]
    assert len(await service.get("/v1/cases", status="accepted")) == 3
    assert await service.get("/v1/cases", status="approved") == []
    days = {"received_from": "2026-09-14", "received_to": "2026-09-14"}
    assert len(await service.get("/v1/cases", **days)) == 3
    assert await service.get("/v1/cases", received_from="2026-09-15") == []

    reviewer = bearer("reviewer", sub="rev-1", center="350500", department="SCJG")
    mine = await service.get("/v1/cases", headers=reviewer)
    assert [c["case_id"] for c in mine] == ["c01", "c00"]
    theirs = await service.http.get("/v1/cases", params={"department": "GTJ"}, headers=reviewer)
    assert theirs.status_code == 403
    applicant = bearer("applicant", sub="clerk-1", center=None)  # given's submitted_by
    assert len(await service.get("/v1/cases", headers=applicant)) == 3
    stranger = bearer("applicant", sub="someone-else", center=None)
    assert await service.get("/v1/cases", headers=stranger) == []
    county = bearer("supervisor", sub="sup-2", center="350521")
    assert await service.get("/v1/cases", headers=county) == []

    big = await service.http.get("/v1/cases", params={"limit": 201}, headers=SUPERVISOR)
    assert big.status_code == 422 and big.json()["errors"][0]["field"] == "query.limit"
    assert "200" in big.json()["detail"] and big.json()["detail_zh"]
    reversed_days = {"received_from": "2026-09-15", "received_to": "2026-09-14"}
    refused = await service.http.get("/v1/cases", params=reversed_days, headers=SUPERVISOR)
    assert refused.status_code == 422 and refused.json()["rule"] == "DateRangeReversed"
    forged = await service.http.get("/v1/cases", params={"cursor": "bm9wZQ"}, headers=SUPERVISOR)
    assert forged.status_code == 422 and forged.json()["rule"] == "InvalidCursor"


async def test_follow_up_lists_page_newest_first_and_search_by_department(
    service: Service,
) -> None:
    async def issue(department: str) -> str:
        service.clock.advance(timedelta(minutes=1))
        body = {"department": department, "text": "请说明情况"}
        response = await service.http.post("/v1/opinions", json=body, headers=SUPERVISOR)
        assert response.status_code == 201, response.text
        return str(response.json()["opinion_id"])

    first = [await issue("SCJG") for _ in range(5)]
    other = await issue("GTJ")
    walked: list[str] = []
    arrived: list[str] = []
    cursor: str | None = None
    while True:
        params = {"department": "SCJG", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await service.http.get("/v1/opinions", params=params, headers=SUPERVISOR)
        assert page.status_code == 200, page.text
        walked += [o["opinion_id"] for o in page.json()]
        if not arrived:
            arrived = [await issue("SCJG"), await issue("SCJG")]
        cursor = page.headers.get("Next-Cursor")
        if cursor is None:
            break
    assert walked == first[::-1]
    everyone = await service.get("/v1/opinions", limit=3)
    assert [o["opinion_id"] for o in everyone] == [arrived[1], arrived[0], other]
    gtj = bearer("approver", sub="app-9", center="350500", department="GTJ")
    assert [o["opinion_id"] for o in await service.get("/v1/opinions", headers=gtj)] == [other]


async def test_a_walk_of_the_lights_is_evaluated_at_the_instant_it_began(service: Service) -> None:
    start = bj(2026, 9, 14, 9)  # a Monday
    running = {f"a{n}": 3 + n for n in range(4)}  # case -> limit: least time left first
    events: list[s.Event] = []
    for case_id, days in [*running.items(), ("paused", 8)]:
        events += [submitted(case_id, start), accepted(case_id, start, days)]
    await service.publish(*events, suspended("paused", start + timedelta(minutes=5)))
    service.clock.set(start + timedelta(hours=1))
    walked: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await service.http.get("/v1/lights", params=params, headers=SUPERVISOR)
        assert page.status_code == 200, page.text
        walked += [light["case_id"] for light in page.json()]
        if cursor is None:  # three days pass: the running clocks overtake the paused one
            service.clock.advance(timedelta(days=3))
            late = service.clock.now()
            await service.publish(submitted("new", late), accepted("new", late, 1))
        cursor = page.headers.get("Next-Cursor")
        if cursor is None:
            break
    originals = [*running, "paused"]
    assert [c for c in walked if c in originals] == originals
    assert len(walked) == len(set(walked))
    now = await service.get("/v1/lights", limit=3)
    assert [light["case_id"] for light in now] == ["a0", "a1", "new"]  # "new" ties with a1
