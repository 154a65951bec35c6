"""Subscription rules: filters, the caller's scope, status changes and the failing ladder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from libs.events.auth import Principal, Role
from libs.events.contract import subscriptions as i
from libs.events.rules import Kind, Rule
from services.linkage.domain.delivery import backoff_s, next_up
from services.linkage.domain.subscriptions import (
    EventFacts,
    Subscription,
    matches,
    personal_data_needs_admin,
    scoped_filters,
    within,
)

pytestmark = pytest.mark.unit
NOW = datetime(2026, 12, 1, 2, tzinfo=UTC)
INTEGRATOR = Principal(sub="dw-1", role=Role.integrator, center="350521")


def facts(type_: str = "onewindow.case.accepted.v1", center: str = "350521100") -> EventFacts:
    return EventFacts(type=type_, center=center, department="GTJ", item="GT-001")


def test_a_center_includes_the_centers_below_it() -> None:
    assert within("350521100", "350521") and within("350521", "350500")
    assert within("350521100", "350500") and within("350500", "350500")
    assert not within("350600", "350500") and not within("350522", "350521")


def test_filters_pass_only_what_every_named_axis_allows() -> None:
    f = i.SubscriptionFilters
    assert matches(f(), facts())
    assert matches(f(types=["onewindow.case.*"], centers=["350500"]), facts())
    assert not matches(f(types=["onewindow.case.decided.*"]), facts())
    assert not matches(f(centers=["350522"]), facts())
    assert matches(f(departments=["GTJ"], items=["GT-001"]), facts())
    assert not matches(f(departments=["ZJJ"]), facts())
    assert not matches(f(items=["GT-002"]), facts())


def test_an_integrator_subscribes_within_its_center_only() -> None:
    filled = scoped_filters(INTEGRATOR, i.SubscriptionFilters())
    assert filled.centers == ["350521"]
    assert scoped_filters(INTEGRATOR, i.SubscriptionFilters(centers=["350521100"])).centers == [
        "350521100"
    ]
    with pytest.raises(Rule) as refused:
        scoped_filters(INTEGRATOR, i.SubscriptionFilters(centers=["350500"]))
    assert refused.value.rule == "SubscriptionWithinCallerScope"


def test_only_an_administrator_grants_personal_data() -> None:
    with pytest.raises(Rule) as refused:
        personal_data_needs_admin(INTEGRATOR, ["personal_data"])
    assert refused.value.kind == Kind.forbidden
    personal_data_needs_admin(
        Principal(sub="a", role=Role.admin, center="350500"), ["personal_data"]
    )


def created() -> Subscription:
    sub = Subscription("subscription-s1")
    sub.apply(
        i.SubscriptionCreated(
            subscription_id="s1",
            owner="dw-1",
            center="350521",
            callback_url="http://x/",
            filters=i.SubscriptionFilters(),
            secret_id="k1",
            created_at=NOW,
            created_by="dw-1",
        )
    )
    return sub


def fail(sub: Subscription, *, first: datetime, now: datetime) -> list[object]:
    return list(
        sub.after_failure(
            first_failure=first,
            failures=3,
            error="ConnectError",
            now=now,
            failing_after=timedelta(minutes=5),
            pause_after=timedelta(hours=1),
        )
    )


def test_a_subscription_that_keeps_failing_alerts_then_pauses_then_resumes() -> None:
    sub = created()
    assert fail(sub, first=NOW, now=NOW + timedelta(minutes=4)) == []
    [failing] = fail(sub, first=NOW, now=NOW + timedelta(minutes=5))
    assert isinstance(failing, i.SubscriptionFailing) and failing.since == NOW
    sub.apply(failing)
    assert sub.status == "failing"
    assert fail(sub, first=NOW, now=NOW + timedelta(minutes=30)) == []
    [paused] = fail(sub, first=NOW, now=NOW + timedelta(minutes=65))
    assert isinstance(paused, i.SubscriptionPaused) and paused.reason == "kept_failing"
    sub.apply(paused)
    [resumed] = sub.status_change("active", by="dw-1", now=NOW)
    sub.apply(resumed)
    assert sub.status == "active" and sub.failing_since is None


def test_a_failing_subscription_recovers_on_a_delivery() -> None:
    sub = created()
    sub.apply(fail(sub, first=NOW, now=NOW + timedelta(hours=1))[0])  # type: ignore[arg-type]
    [recovered] = sub.after_success(now=NOW)
    assert isinstance(recovered, i.SubscriptionRecovered)
    assert created().after_success(now=NOW) == []


def test_status_can_only_be_set_to_active_or_paused() -> None:
    with pytest.raises(Rule):
        created().status_change("deleted", by="dw-1", now=NOW)
    assert created().status_change("active", by="dw-1", now=NOW) == []


def test_back_off_grows_exponentially_up_to_its_cap_with_jitter() -> None:
    assert backoff_s(1, base=1, cap=600, rand=lambda: 0.0) == 0.5
    assert backoff_s(4, base=1, cap=600, rand=lambda: 1.0) == 8
    assert backoff_s(30, base=1, cap=600, rand=lambda: 1.0) == 600
    assert 4 <= backoff_s(4, base=1, cap=600) <= 8


class Row:
    def __init__(self, id_: int, case_id: str, due: datetime) -> None:
        self.id, self.case_id, self.next_attempt_at = id_, case_id, due


def test_one_delivery_per_case_goes_at_a_time_oldest_first() -> None:
    later = NOW + timedelta(seconds=5)
    queued = [
        Row(1, "a", NOW),
        Row(2, "a", NOW),
        Row(3, "b", later),
        Row(4, "b", NOW),
        Row(5, "c", NOW),
        Row(6, "d", NOW),
    ]
    chosen = next_up(queued, busy_cases={"c"}, now=NOW, slots=3)
    # a's second waits for its first; b's head is not due (its later row waits behind it);
    # c is in flight.
    assert [r.id for r in chosen] == [1, 6]
    assert [r.id for r in next_up(queued, busy_cases=set(), now=NOW, slots=1)] == [1]
