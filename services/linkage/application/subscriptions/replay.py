"""Replay kept events to a subscription from a time or after an event id, or redeliver its
dead letters."""

from __future__ import annotations

from typing import Self

from pydantic import AwareDatetime, Field, model_validator

from libs.events.auth import Principal
from libs.events.clock import Clock
from libs.events.contract import subscriptions as i
from libs.events.http import RequestBody, invalid
from libs.events.uow import Transaction, UnitOfWork
from services.linkage.adapters import webhook_metrics as metrics
from services.linkage.application.ports import LinkageViews
from services.linkage.application.subscriptions.common import load, save
from services.linkage.application.subscriptions.queue import delivery_row
from services.linkage.domain.rules import EventKept
from services.linkage.domain.subscriptions import EventFacts, Subscription, matches

REPLAY_LIMIT = 100_000


class Replay(RequestBody):
    """Exactly one of: `from_time`, `after_event_id`, `dead_letters: true`."""

    from_time: AwareDatetime | None = Field(
        default=None, description="events at or after this time"
    )
    after_event_id: str | None = Field(default=None, max_length=64, description="events after it")
    dead_letters: bool = Field(default=False, description="redeliver the dead-lettered ones")

    @model_validator(mode="after")
    def _one_starting_point(self) -> Self:
        given = [self.from_time is not None, self.after_event_id is not None, self.dead_letters]
        if sum(given) != 1:
            raise invalid(
                "OneStartingPoint",
                "give exactly one of from_time, after_event_id, dead_letters",
                "须且只能给出 from_time、after_event_id、dead_letters 之一",
            )
        return self


async def replay(
    subscription_id: str,
    cmd: Replay,
    *,
    uow: UnitOfWork[LinkageViews],
    clock: Clock,
    principal: Principal,
) -> int:
    """Queue the deliveries again (in order, after what is already queued); how many."""
    now = clock.now()
    async with uow.begin() as tx:
        sub = await load(tx, subscription_id)
        sub.must_be_visible_to(principal)
        if cmd.dead_letters:
            count = await tx.views.deliveries.redeliver_dead(sub.id, now=now)
        else:
            count = await _requeue(tx, sub, cmd)
        requested = i.SubscriptionReplayRequested(
            **sub.base(),
            from_time=cmd.from_time,
            after_event_id=cmd.after_event_id,
            dead_letters=cmd.dead_letters,
            deliveries=count,
            requested_at=now,
            requested_by=principal.sub,
        )
        await save(tx, sub, [requested], now=now)
    metrics.QUEUED.labels(cause="replay").inc(count)
    return count


async def _requeue(tx: Transaction[LinkageViews], sub: Subscription, cmd: Replay) -> int:
    after = None
    if cmd.after_event_id is not None:
        after = await tx.views.deliveries.position_of(cmd.after_event_id)
        if after is None:
            raise EventKept(cmd.after_event_id)
    kept = await tx.views.deliveries.kept(after=after, since=cmd.from_time, limit=REPLAY_LIMIT)
    rows = [
        delivery_row(sub.id, k.position, vars(k), cause="replay")
        for k in kept
        if matches(sub.filters, EventFacts(k.type, k.center, k.department, k.item))
    ]
    await tx.views.deliveries.queue(rows)
    return len(rows)
