"""送达: send queued notices; on success `case.delivered`, on failure a later try with backoff."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from libs.events.clock import Clock
from libs.events.store import ConcurrencyError
from services.approval.application.ports import (
    ApprovalUnit,
    Message,
    NotificationFailed,
    Notifier,
)
from services.approval.application.unit import commit, load_case
from services.approval.config import Settings
from services.approval.domain.document import delivered

log = logging.getLogger(__name__)
RECORD_ATTEMPTS = 5
CLAIMED_AT_ONCE = 50


async def claim_due(uow: ApprovalUnit, *, lease: float) -> list[Message]:
    """Due messages, each leased for `lease` seconds so another process skips them meanwhile."""
    now = datetime.now(UTC)  # the leases are wall-clock time, whatever the business clock says
    async with uow.begin() as tx:
        due = await tx.views.due_notices(now, CLAIMED_AT_ONCE)
    claimed = []
    for message in due:
        async with uow.begin() as tx:
            until = now + timedelta(seconds=lease)
            if await tx.views.lease_notice(message.message_id, now, until):
                claimed.append(message)
    return claimed


async def deliver_due(
    *, uow: ApprovalUnit, clock: Clock, settings: Settings, notifier: Notifier
) -> int:
    """One pass over the due notices; returns how many were sent."""
    sent = 0
    for message in await claim_due(uow, lease=settings.delivery_lease_seconds):
        try:
            await notifier.send(message)
        except NotificationFailed as exc:
            log.warning(
                "notice %s for case %s failed: %s", message.message_id, message.case_id, exc
            )
            async with uow.begin() as tx:
                await tx.views.reschedule(
                    message.message_id,
                    error=str(exc),
                    base=settings.delivery_backoff_seconds,
                    cap=settings.delivery_backoff_max_seconds,
                )
            continue
        await _record(message, uow=uow, clock=clock, settings=settings)
        sent += 1
    return sent


async def _record(message: Message, *, uow: ApprovalUnit, clock: Clock, settings: Settings) -> None:
    """Mark the notice sent and append `case.delivered` together (retried if the stream moved)."""
    for _ in range(RECORD_ATTEMPTS):
        try:
            async with uow.begin() as tx:
                await tx.views.mark_sent(message.message_id)
                if message.kind != "decision":
                    return  # a notice during the case, not the delivery of its decision
                case = await load_case(tx, message.case_id)
                notice = delivered(case, channel=message.channel, now=clock.now())
                await commit(tx, case, notice, channel=settings.notify_channel)
            return
        except ConcurrencyError:
            continue


async def deliver_forever(
    *, uow: ApprovalUnit, clock: Clock, settings: Settings, notifier: Notifier
) -> None:
    """Send due notices every `delivery_poll_seconds` until cancelled."""
    while True:
        await deliver_due(uow=uow, clock=clock, settings=settings, notifier=notifier)
        await asyncio.sleep(settings.delivery_poll_seconds)
