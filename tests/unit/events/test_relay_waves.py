"""The relay's waves, with a fake producer: a key's next row only after its previous ack."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError, MessageSizeTooLargeError

from libs.events.outbox import OutboxRelay

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class Row:
    id: int
    key: str
    topic: str = "case-events"
    headers: list[list[str]] = field(default_factory=list)
    value: bytes = b"{}"


class FakeProducer:
    """Acknowledges every send except those listed (a lost ack, or a refusal at send time)."""

    def __init__(
        self, *, lost: frozenset[int] = frozenset(), refused: frozenset[int] = frozenset()
    ) -> None:
        self.lost, self.refused = lost, refused
        self.sent: list[int] = []
        self.in_flight: dict[str, int] = {}

    async def send(self, topic: str, *, value: bytes, key: bytes, headers: Any) -> Any:
        row_id = int(value)
        assert key.decode() not in self.in_flight, "two rows of one key in flight"
        if row_id in self.refused:
            raise MessageSizeTooLargeError("too large")
        self.sent.append(row_id)
        self.in_flight[key.decode()] = row_id
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        loop = asyncio.get_running_loop()
        loop.call_soon(self._ack, done, key.decode(), row_id)
        return done

    def _ack(self, done: asyncio.Future[Any], key: str, row_id: int) -> None:
        del self.in_flight[key]
        if row_id in self.lost:
            done.set_exception(KafkaTimeoutError("ack lost"))
        else:
            done.set_result(None)


def rows(*keys: str) -> list[Row]:
    return [Row(id=i, key=k, value=str(i).encode()) for i, k in enumerate(keys, start=1)]


async def publish(producer: FakeProducer, batch: list[Row]) -> tuple[list[int], dict[int, str]]:
    relay = OutboxRelay(engine=None, producer=producer)  # type: ignore[arg-type]
    return await relay._publish(batch)


async def test_a_lost_ack_stops_its_key_and_only_its_key() -> None:
    producer = FakeProducer(lost={3})
    sent, rejected = await publish(producer, rows("a", "b", "a", "b", "a", "c"))
    assert sent == [1, 2, 6, 4] and rejected == {}
    assert 5 not in producer.sent  # never sent after its key's failure


async def test_a_refused_row_is_set_aside_and_its_key_goes_on() -> None:
    producer = FakeProducer(refused={2})
    sent, rejected = await publish(producer, rows("a", "a", "a"))
    assert sent == [1, 3] and list(rejected) == [2]
    assert "MessageSizeTooLarge" in rejected[2]
