"""Subscription handlers through `bootstrap()` with the in-memory unit of work: given events (and
views), when a command, then the new events and what the views were told. No I/O."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from libs.events.auth import Principal, Role
from libs.events.clock import FixedClock
from libs.events.contract import subscriptions as i
from libs.events.paging import encode_cursor
from libs.events.rules import Kind, Rule
from services.linkage.application.subscriptions import manage, read
from services.linkage.application.subscriptions.deliver import outcome_row, record
from services.linkage.application.subscriptions.queue import when_case_event_queue_deliveries
from services.linkage.application.subscriptions.replay import Replay, replay
from services.linkage.bootstrap import App
from services.linkage.config import Settings
from services.linkage.domain.delivery import Outcome, Queued
from tests.unit.linkage.support import BEAT, NOW, app, case_event, fake

pytestmark = pytest.mark.unit
INTEGRATOR = Principal(sub="dw-1", role=Role.integrator, center="350521")
ADMIN = Principal(sub="admin-1", role=Role.admin, center="350500")
SECRET = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="  # 32 bytes


async def subscribe(a: App, principal: Principal = INTEGRATOR, **body: Any) -> str:
    cmd = manage.CreateSubscription.model_validate({"callback_url": "https://x.test/", **body})
    row, _ = await manage.create_subscription(
        cmd, uow=a.uow, clock=a.clock, settings=a.settings, principal=principal
    )
    return row.id


async def change(a: App, sub_id: str, **body: Any) -> Any:
    cmd = manage.ChangeSubscription.model_validate(body)
    return await manage.change_subscription(
        sub_id, cmd, uow=a.uow, clock=a.clock, settings=a.settings, principal=INTEGRATOR
    )


async def test_a_subscription_is_created_within_the_callers_center_with_its_secret() -> None:
    a = app()
    sub_id = await subscribe(a, secret=SECRET)
    [created] = fake(a).new_events()
    assert isinstance(created, i.SubscriptionCreated)
    assert (created.owner, created.center, created.filters.centers) == (
        "dw-1",
        "350521",
        ["350521"],
    )
    views = fake(a).views.subscriptions
    assert views.rows[sub_id].status == "active" and views.rows[sub_id].version == 1
    assert await views.signing_secrets(sub_id, now=NOW) == [SECRET]


@pytest.mark.parametrize(
    ("body", "rule", "kind"),
    [
        ({"scopes": ["personal_data"]}, "PersonalDataScopeGrantedByAdmin", Kind.forbidden),
        ({"filters": {"centers": ["350500"]}}, "SubscriptionWithinCallerScope", Kind.forbidden),
        ({"secret": "whsec_c2hvcnQ="}, "SecretIsStandardWebhooksKey", Kind.invalid),
    ],
)
async def test_a_subscription_outside_the_rules_is_refused_and_nothing_is_kept(
    body: dict[str, Any], rule: str, kind: Kind
) -> None:
    a = app()
    with pytest.raises(Rule) as refused:
        await subscribe(a, **body)
    assert (refused.value.rule, refused.value.kind) == (rule, kind)
    assert refused.value.detail_zh
    assert fake(a).new_events() == [] and fake(a).views.subscriptions.rows == {}


async def test_pausing_then_resuming_sends_what_waits_at_once() -> None:
    a = app()
    sub_id = await subscribe(a)
    fake(a).new_events()
    later = NOW + timedelta(hours=1)
    await fake(a).views.deliveries.queue(
        [{"subscription_id": sub_id, "status": "pending", "next_attempt_at": later}]
    )
    paused = await change(a, sub_id, status="paused")
    assert paused.status == "paused"
    resumed = await change(a, sub_id, status="active")
    assert resumed.status == "active" and resumed.version == 3
    assert [type(e) for e in fake(a).new_events()] == [i.SubscriptionPaused, i.SubscriptionResumed]
    [waiting] = fake(a).views.deliveries.of(sub_id)
    assert waiting["next_attempt_at"] == NOW


async def test_a_new_secret_rotates_with_the_previous_one_valid_for_the_window() -> None:
    a = app()
    sub_id = await subscribe(a, secret=SECRET)
    fake(a).new_events()
    other = "whsec_" + "WllZWFhYV1dXVlZWVVVVVFRUU1NTUlJSUVFRUFBQT08="
    assert isinstance(a.clock, FixedClock)
    later = NOW + timedelta(minutes=1)
    a.clock.set(later)
    await change(a, sub_id, secret=other)
    [rotated] = fake(a).new_events()
    assert isinstance(rotated, i.SubscriptionSecretRotated)
    window = timedelta(seconds=a.settings.webhook_rotation_window_s)
    assert rotated.previous_valid_until == later + window
    views = fake(a).views.subscriptions
    assert await views.signing_secrets(sub_id, now=later) == [other, SECRET]
    assert await views.signing_secrets(sub_id, now=later + window) == [other]


async def test_another_owners_or_a_deleted_subscription_does_not_exist() -> None:
    a = app()
    sub_id = await subscribe(a)
    stranger = Principal(sub="dw-2", role=Role.integrator, center="350521")
    with pytest.raises(Rule) as hidden:
        await read.get_subscription(sub_id, uow=a.uow, principal=stranger)
    assert (hidden.value.rule, hidden.value.kind) == ("SubscriptionExists", Kind.not_found)
    await manage.delete_subscription(sub_id, uow=a.uow, clock=a.clock, principal=INTEGRATOR)
    assert isinstance(fake(a).new_events()[-1], i.SubscriptionDeleted)
    with pytest.raises(Rule, match="does not exist"):
        await read.get_subscription(sub_id, uow=a.uow, principal=INTEGRATOR)


async def test_subscriptions_are_listed_a_page_at_a_time_oldest_first() -> None:
    a = app()
    ids = []
    for n in range(3):
        assert isinstance(a.clock, FixedClock)
        a.clock.set(NOW + timedelta(minutes=n))
        ids.append(await subscribe(a))
    await subscribe(a, Principal(sub="dw-9", role=Role.integrator, center="350521"))
    first = await read.list_subscriptions(uow=a.uow, principal=INTEGRATOR, cursor=None, limit=2)
    assert [r.id for r in first] == ids  # a page and one row more: there is a next page
    cursor = encode_cursor([first[1].created_at, first[1].id])
    rest = await read.list_subscriptions(uow=a.uow, principal=INTEGRATOR, cursor=cursor, limit=2)
    assert [r.id for r in rest] == ids[2:]
    everyone = await read.list_subscriptions(uow=a.uow, principal=ADMIN, cursor=None, limit=10)
    assert len(everyone) == 4


async def test_a_case_event_is_kept_and_queued_for_the_subscriptions_it_matches() -> None:
    a = app()
    land = await subscribe(a, filters={"departments": ["GTJ"]})
    other = await subscribe(a, filters={"departments": ["ZJJ"]})
    tx_uow = fake(a)
    async with tx_uow.begin() as tx:
        accepted = case_event(1, department="GTJ", item_code="GT-001")
        await when_case_event_queue_deliveries(tx, accepted, BEAT)
        reviewed = case_event(1, type_="onewindow.case.reviewed.v1")  # names no department
        await when_case_event_queue_deliveries(tx, reviewed, BEAT)
    deliveries = tx_uow.views.deliveries
    assert [d["event_id"] for d in deliveries.of(land)] == [accepted.id, reviewed.id]
    assert deliveries.of(other) == []
    assert deliveries.events[1]["department"] == "GTJ"  # taken from the case's earlier event


async def test_a_replay_queues_kept_events_its_filters_pass_and_names_its_start() -> None:
    a = app()
    sub_id = await subscribe(a, filters={"types": ["onewindow.case.decided.*"]})
    async with fake(a).begin() as tx:
        for n, type_ in enumerate(["accepted", "decided", "decided"]):
            env = case_event(n, type_=f"onewindow.case.{type_}.v1")
            await when_case_event_queue_deliveries(tx, env, BEAT)
    fake(a).new_events()
    first = fake(a).views.deliveries.events[0]["event_id"]
    cmd = Replay(after_event_id=first)
    count = await replay(sub_id, cmd, uow=a.uow, clock=a.clock, principal=INTEGRATOR)
    assert count == 2
    [requested] = fake(a).new_events()
    assert isinstance(requested, i.SubscriptionReplayRequested) and requested.deliveries == 2
    with pytest.raises(Rule) as unknown:
        await replay(
            sub_id, Replay(after_event_id="nope"), uow=a.uow, clock=a.clock, principal=INTEGRATOR
        )
    assert (unknown.value.rule, unknown.value.kind) == ("EventKept", Kind.not_found)


async def test_a_subscriber_that_keeps_failing_is_alerted_then_recovers() -> None:
    a = app()
    sub_id = await subscribe(a)
    fake(a).new_events()
    await fake(a).views.deliveries.queue(
        [{"subscription_id": sub_id, "status": "pending", "attempts": 0, "next_attempt_at": NOW}]
    )
    failed = Outcome(False, 503, "HTTP 503", 1.0)
    row = {"b_id": 1, "b_status": "pending", "b_attempts": 1, "b_next": NOW, "b_delivered_at": None}
    await record([(row, failed)], sub_id, uow=a.uow, clock=a.clock, settings=a.settings)
    assert fake(a).new_events() == []  # failing only once no success came for a while
    assert isinstance(a.clock, FixedClock)
    a.clock.set(NOW + timedelta(seconds=a.settings.webhook_failing_after_s))
    await record([(row, failed)], sub_id, uow=a.uow, clock=a.clock, settings=a.settings)
    [failing] = fake(a).new_events()
    assert isinstance(failing, i.SubscriptionFailing) and failing.since == NOW
    assert failing.failures == 2
    ok = Outcome(True, 200, "", 1.0)
    await record(
        [({**row, "b_status": "delivered"}, ok)],
        sub_id,
        uow=a.uow,
        clock=a.clock,
        settings=a.settings,
    )
    assert [type(e) for e in fake(a).new_events()] == [i.SubscriptionRecovered]
    assert fake(a).views.subscriptions.rows[sub_id].status == "active"


def test_an_attempt_backs_off_then_goes_dead_after_the_budget() -> None:
    settings = Settings(webhook_max_attempts=2, webhook_backoff_base_s=1, webhook_backoff_max_s=1)
    queued = Queued(1, "s", 1, "e", "c", attempts=0, next_attempt_at=NOW)
    failed = Outcome(False, None, "ConnectError", 0.0)
    retry = outcome_row(queued, failed, now=NOW, settings=settings)
    assert retry["b_status"] == "pending" and NOW < retry["b_next"] <= NOW + timedelta(seconds=1)
    last = outcome_row(
        Queued(1, "s", 1, "e", "c", attempts=1, next_attempt_at=NOW),
        failed,
        now=NOW,
        settings=settings,
    )
    assert last["b_status"] == "dead"


async def test_the_delivery_log_counts_each_status_newest_first() -> None:
    a = app()
    sub_id = await subscribe(a)
    base = {"subscription_id": sub_id, "attempts": 0, "next_attempt_at": NOW, "created_at": NOW}
    await fake(a).views.deliveries.queue(
        [{**base, "status": s, "event_id": f"e{n}"} for n, s in enumerate(["dead", "pending"])]
    )
    log = await read.delivery_log(sub_id, uow=a.uow, principal=INTEGRATOR, status=None, limit=10)
    assert log.counts == {"dead": 1, "pending": 1}
    assert [d.event_id for d in log.deliveries] == ["e1", "e0"]
    count = await replay(
        sub_id, Replay(dead_letters=True), uow=a.uow, clock=a.clock, principal=INTEGRATOR
    )
    assert count == 1
    log = await read.delivery_log(sub_id, uow=a.uow, principal=INTEGRATOR, status=None, limit=10)
    assert log.counts == {"pending": 2}
