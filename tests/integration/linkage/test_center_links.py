"""A city and a county node, each with its own broker process and databases.

The county accepts and pre-reviews 200 reported cases (上报件); the city decides them; the
results return. The city's broker is stopped (SIGSTOP) for part of the run, the city's linkage
is SIGKILLed while the cases pour in and the county's while the results come down: every case
still arrives once, is decided once and comes back once. LINK_TEST_CASES runs it with another
number of cases; every deadline scales with it.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from libs.events.envelope import Envelope
from tests.integration.linkage.harness import (
    CITY,
    COUNTY,
    LINK_KEYS,
    TOWN,
    Node,
    accept_case,
    decide_above,
    escalated_v1,
    new_case_id,
    node,
    pre_review,
    publish_item,
    send_raw,
    signed_message,
    staff,
    work,
    worklist,
)
from tests.integration.linkage.probes import (
    all_green,
    envelopes,
    gauges,
    link,
    link_outbox_doubles,
    linked_in_worklist,
    per_case,
    records,
    within,
)
from tests.support.polling import eventually
from tests.support.services import bearer

pytestmark = pytest.mark.integration
CASES = int(os.environ.get("LINK_TEST_CASES", "200"))
HALF = CASES // 2


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def pair(databases, tmp_path_factory) -> AsyncIterator[tuple[Node, Node]]:
    """The city and its county, linked; the county's catalogue has the city's reported item."""
    logs = tmp_path_factory.mktemp("links")
    async with (
        node(CITY, databases, logs) as city,
        node(COUNTY, databases, logs, parent=city) as county,
    ):
        await publish_item(county)
        yield city, county


async def each(items: list[str], act: Callable[[str], Awaitable[Any]], width: int = 8) -> list[Any]:
    """`act` on every item, `width` at a time."""
    gate = asyncio.Semaphore(width)

    async def one(item: str) -> Any:
        async with gate:
            return await act(item)

    return await asyncio.gather(*(one(i) for i in items))


async def escalate(county: Node, count: int) -> list[str]:
    """`count` reported cases accepted and pre-reviewed at the county."""
    cases = await each([""] * count, lambda _: accept_case(county))
    await eventually(lambda: _opened(county, cases, count), within=within(count), interval=0.3)
    assert await _in_worklist(county, cases)
    await each(cases, lambda case_id: pre_review(county, case_id))
    return cases


@pytest.mark.timeout(180 + 4 * CASES)  # two nodes start first (this module's fixture)
async def test_cases_cross_a_stopped_broker_and_killed_linkages_exactly_once(pair) -> None:
    city, county = pair
    before = await escalate(county, HALF)
    os.kill(city.broker.process.pid, signal.SIGSTOP)
    try:
        during = await escalate(county, CASES - HALF)
        down = await eventually(lambda: _down_with_backlog(county), within=60)
        assert down["oldest_undelivered_age_s"] > 0
        measured = await eventually(lambda: _gauged_down(county, CITY), within=30)
        assert measured["onewindow_link_oldest_undelivered_seconds"] > 0
        cases = before + during
        await eventually(lambda: all_green(county, cases), within=within(CASES), interval=1)
        await eventually(lambda: _alerted(county), within=30)
    finally:
        os.kill(city.broker.process.pid, signal.SIGCONT)
    # The city's linkage dies while the backlog pours in, and starts again.
    await eventually(lambda: _opened(city, cases, CASES // 4), within=within(HALF), interval=0.3)
    city.linkage.kill()
    await city.linkage.start()
    await eventually(lambda: _opened(city, cases, CASES), within=within(CASES), interval=0.3)
    assert len(await linked_in_worklist(city, cases, COUNTY)) == CASES
    await each(cases[:HALF], lambda c: decide_above(city, c))
    # The county's linkage dies while the results come down; the city keeps them meanwhile.
    county.linkage.kill()
    await each(cases[HALF:], lambda c: decide_above(city, c))
    waiting = await eventually(lambda: _backlog_towards(city, COUNTY), within=30)
    assert waiting["backlog"] > 0
    assert (await eventually(lambda: _gauged_down(city, COUNTY), within=30))[
        "onewindow_link_backlog"
    ] > 0
    assert await all_green(county, cases)
    await county.linkage.start()
    once = Counter(dict.fromkeys(cases, 1))
    await eventually(
        lambda: _all_delivered(county, cases, once), within=within(CASES), interval=0.3
    )

    for name in ("case.escalation_received", "work.opened", "case.decided"):
        assert await per_case(city, f"onewindow.{name}.v1", cases) == once, name
    for name in ("work.closed", "case.delivered"):
        assert await per_case(county, f"onewindow.{name}.v1", cases) == once, name
    assert sorted(m.case_id for m in county.sink.sent) == sorted(cases) and city.sink.sent == []
    await _sealed_by_the_city_and_verified_at_the_county(county, cases[0])
    assert await all_green(county, cases)
    settled_up = await eventually(lambda: _backlog_up(county, empty=True), within=60)
    assert settled_up["state"] == "up"  # the acknowledgements of the results went up too
    settled = await eventually(lambda: _backlog_towards(city, COUNTY, empty=True), within=60)
    assert settled["state"] == "up"
    assert (await gauges(county.linkage, CITY))["onewindow_link_up"] == 1
    assert await link_outbox_doubles(city.linkage) == []
    assert await link_outbox_doubles(county.linkage) == []
    # Each case counted once at the city, though accepted below and decided above.
    await eventually(lambda: _county_seen_from_the_city(city), within=within(CASES), interval=1)


async def _in_worklist(at: Node, cases: list[str]) -> bool:
    found = {i["case_id"] for i in await worklist(at)}
    return found >= set(cases)


async def _opened(at: Node, cases: list[str], count: int) -> bool:
    """At least `count` of these cases are work of the node's approval."""
    return len(await per_case(at, "onewindow.work.opened.v1", cases)) >= count


async def _down_with_backlog(county: Node) -> dict[str, Any] | None:
    found = await link(county.linkage, CITY)
    # The error is recorded when a send to the stopped broker times out, after the state turns.
    down = found and found["state"] == "down" and found["backlog"] > 0 and found["last_error"]
    return found if down else None


async def _gauged_down(node_: Node, center: str) -> dict[str, float] | None:
    """`/metrics` of the node's linkage: the link to `center` down, with a backlog."""
    found = await gauges(node_.linkage, center)
    down = found.get("onewindow_link_up") == 0 and found.get("onewindow_link_backlog", 0) > 0
    return found if down else None


async def _alerted(county: Node) -> bool:
    """The LinkDown anomaly is on the county's supervision-events, and counted in /metrics."""
    found = await envelopes(county.broker.bootstrap, "supervision-events")
    raised = any(e.name == "anomaly.detected" and e.data.get("rule") == "LinkDown" for e in found)
    counted = (await gauges(county.linkage, CITY)).get("onewindow_link_down_alerts_total", 0)
    return raised and counted >= 1


async def _all_delivered(county: Node, cases: list[str], once: Counter[str]) -> bool:
    return await per_case(county, "onewindow.case.delivered.v1", cases) == once


async def _sealed_by_the_city_and_verified_at_the_county(county: Node, case_id: str) -> None:
    sealed = await county.http["approval"].get(
        f"/v1/cases/{case_id}/decision", headers=staff("reviewer", COUNTY)
    )
    assert sealed.status_code == 200, sealed.text
    body = sealed.json()
    assert (body["document"]["issued_by_center"], body["document"]["center"]) == (CITY, COUNTY)
    verdict = await county.http["approval"].post(
        "/v1/seals/verify",
        json={"document": body["document"], "pdf": body["pdf"], "seal": body["seal"]},
    )
    assert verdict.json()["genuine"], verdict.json()
    altered = {**body["document"], "decision": "denied"}
    forged = await county.http["approval"].post(
        "/v1/seals/verify", json={"document": altered, "pdf": body["pdf"], "seal": body["seal"]}
    )
    assert not forged.json()["genuine"]


async def _county_seen_from_the_city(city: Node) -> dict[str, Any] | None:
    """The city supervision's statistics of the county, once they count every case once."""
    response = await city.http["supervision"].get(
        "/v1/stats", params={"center": COUNTY}, headers=bearer("supervisor", center=CITY)
    )
    assert response.status_code == 200, response.text
    stats: dict[str, Any] = response.json()
    return stats if (stats["accepted"], stats["completed"]) == (CASES, CASES) else None


async def _backlog_up(county: Node, empty: bool) -> dict[str, Any] | None:
    found = await link(county.linkage, CITY)
    return found if found and (found["backlog"] == 0) == empty else None


async def _backlog_towards(city: Node, child: str, empty: bool = False) -> dict[str, Any] | None:
    found = await link(city.linkage, child)
    return found if found and (found["backlog"] == 0) == empty else None


async def test_a_forged_event_is_dead_lettered_and_changes_nothing(pair) -> None:
    city, _ = pair
    wrong_key, stranger = new_case_id(), new_case_id()
    impostor = Ed25519PrivateKey.generate()  # not the county's key
    up = city.prefix + "link-up"
    await send_raw(
        city.broker.bootstrap,
        up,
        signed_message(escalated_v1(wrong_key), sender=COUNTY, key=impostor),
    )
    other_county = escalated_v1(stranger, center="350583")  # the county claims another's case
    await send_raw(
        city.broker.bootstrap,
        up,
        signed_message(other_county, sender=COUNTY, key=LINK_KEYS[COUNTY]),
    )
    dead = await eventually(lambda: _dead_letters(city, up + ".dlq", 2), within=120)
    assert set(dead.values()) >= {"BadSignature", "ClaimsAnotherOrigin"}
    assert await work(city, wrong_key) is None and await work(city, stranger) is None


async def test_a_county_still_on_the_older_event_version_interoperates(pair) -> None:
    city, _ = pair
    case_id = new_case_id()
    old = escalated_v1(case_id)  # what a county node of the previous release sends up
    await send_raw(
        city.broker.bootstrap,
        city.prefix + "link-up",
        signed_message(old, sender=COUNTY, key=LINK_KEYS[COUNTY]),
    )
    opened = await eventually(lambda: work(city, case_id), within=60)
    assert (opened["center"], opened["step"]) == (COUNTY, "review")
    received = await per_case(city, "onewindow.case.escalation_received.v1", [case_id])
    assert received == Counter({case_id: 1})
    await decide_above(city, case_id)
    returned = await eventually(lambda: _sent_down(city, case_id), within=60)
    assert returned.data["decision"] == "approved" and returned.data["seal"]


async def test_a_township_case_goes_up_two_hops_and_its_result_comes_back(
    pair, databases, tmp_path
) -> None:
    city, county = pair
    async with node(
        TOWN, databases, tmp_path, parent=county, broker=county.broker, prefix="t350521100-"
    ) as town:  # one cluster with the county, its own prefix
        await publish_item(town)
        case_id = await accept_case(town)
        await pre_review(town, case_id, wait=True)
        above = await eventually(lambda: work(city, case_id), within=90)
        assert (above["center"], above["held_at"]) == (TOWN, CITY)
        await decide_above(city, case_id)
        back = await eventually(lambda: _delivered(town, case_id), within=90)
        assert back["decision"]["outcome"] == "approved" and len(town.sink.sent) == 1
        assert await work(county, case_id) is None  # the county only passed it on
        received = "onewindow.case.escalation_received.v1"
        assert await per_case(city, received, [case_id]) == Counter({case_id: 1})
        assert await per_case(county, received, [case_id]) == Counter()
        # The township's acknowledgement of the result reaches the county after the delivery.
        towards = await eventually(lambda: _backlog_towards(county, TOWN, empty=True), within=60)
        assert towards["direction"] == "downstream"


async def _delivered(at: Node, case_id: str) -> dict[str, Any] | None:
    item = await work(at, case_id)
    return item if item and item["delivered"] else None


async def _dead_letters(city: Node, topic: str, expect: int) -> dict[str, str] | None:
    found = await records(city.broker.bootstrap, topic)
    errors = {
        dict(r.headers).get("ce_id", b"").decode(): dict(r.headers)["dlq_error"]
        .decode()
        .split(":")[0]
        for r in found
    }
    return errors if len(errors) >= expect else None


async def _sent_down(city: Node, case_id: str) -> Envelope | None:
    found = await envelopes(city.broker.bootstrap, city.prefix + "link-down")
    return next((e for e in found if e.subject == case_id), None)
