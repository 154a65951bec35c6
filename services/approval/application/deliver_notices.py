"""送达: send queued notices; on success `case.delivered`, on failure a later try with backoff."""

from __future__ import annotations

import asyncio
import logging

from libs.events.store import ConcurrencyError
from services.approval.adapters import deliveries
from services.approval.adapters.notifier import Message, NotificationFailed
from services.approval.application.context import Context
from services.approval.application.unit import commit, load_case
from services.approval.domain.document import delivered

log = logging.getLogger(__name__)
RECORD_ATTEMPTS = 5


async def deliver_due(ctx: Context) -> int:
    """One pass over the due notices; returns how many were sent."""
    sent = 0
    lease = ctx.settings.delivery_lease_seconds
    for message in await deliveries.claim_due(ctx.runtime.engine, lease=lease):
        try:
            await ctx.notifier.send(message)
        except NotificationFailed as exc:
            log.warning(
                "notice %s for case %s failed: %s", message.message_id, message.case_id, exc
            )
            await deliveries.reschedule(
                ctx.runtime.engine,
                message.message_id,
                error=str(exc),
                base=ctx.settings.delivery_backoff_seconds,
                cap=ctx.settings.delivery_backoff_max_seconds,
            )
            continue
        await _record(ctx, message)
        sent += 1
    return sent


async def _record(ctx: Context, message: Message) -> None:
    """Mark the notice sent and append `case.delivered` together (retried if the stream moved)."""
    for _ in range(RECORD_ATTEMPTS):
        try:
            async with ctx.runtime.transaction() as conn:
                await deliveries.mark_sent(conn, message.message_id)
                if message.kind != "decision":
                    return  # a notice during the case, not the delivery of its decision
                case = await load_case(conn, ctx, message.case_id)
                notice = delivered(case, channel=message.channel, now=ctx.now())
                await commit(conn, ctx, case, notice)
            return
        except ConcurrencyError:
            continue


async def deliver_forever(ctx: Context) -> None:
    """Send due notices every `delivery_poll_seconds` until cancelled."""
    while True:
        await deliver_due(ctx)
        await asyncio.sleep(ctx.settings.delivery_poll_seconds)
