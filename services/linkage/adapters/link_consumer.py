"""The core's idempotent consumer, with a gate in front: what fails the link's checks is
dead-lettered before it can change anything; what is addressed elsewhere is passed over."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import ConsumerRecord

from libs.events.consumer import Applied, IdempotentConsumer
from libs.events.envelope import UnparseableMessage, from_message
from services.linkage.adapters.gates import Gate
from services.linkage.domain.routing import LinkRefused

OnRefused = Callable[[LinkRefused], Awaitable[None]]


class LinkConsumer(IdempotentConsumer):
    """`gate` says whether a record is for this node, raising LinkRefused for a forged one."""

    def __init__(self, *, gate: Gate, on_refused: OnRefused, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate = gate
        self.on_refused = on_refused

    def batchable(self, record: ConsumerRecord[bytes, bytes]) -> bool:
        """A record that passes the gate may be applied in a batch; any other (refused, or
        addressed elsewhere) goes through `process`, which deals with it."""
        try:
            return self.gate(record, from_message(record.key, record.headers, record.value or b""))
        except (UnparseableMessage, LinkRefused):
            return False

    async def process(self, record: ConsumerRecord[bytes, bytes]) -> Applied:
        """Check the record, then apply it the core's way (once, in order, DLQ on failure)."""
        try:
            envelope = from_message(record.key, record.headers, record.value or b"")
        except UnparseableMessage:
            return await super().process(record)  # the core dead-letters it with the reason
        try:
            if not self.gate(record, envelope):
                return Applied(False, "addressed elsewhere")
        except LinkRefused as exc:
            await self.dead_letter(record, f"{exc.rule}: {exc}")
            await self.on_refused(exc)
            return Applied(False, "refused")
        return await super().process(record)
