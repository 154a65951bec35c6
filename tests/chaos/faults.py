"""Run a service with one crash window armed: the process SIGKILLs itself exactly there.

    python -m tests.chaos.faults FAULT services.intake.main:app --port N   (uvicorn's arguments)

relay-after-ack        the relay got the broker's acknowledgement, the rows are not marked yet
offset-commit          a consumer committed its projection, its Kafka offset is not committed
append-before-commit   a case's events are inserted, their transaction not committed
append-after-commit    the transaction committed, the client has no answer yet
schema-bug             supervision's `cases` consumer finds every event of item CHAOS-BUG invalid
                       (not a crash: a defect, fixed by starting the service without it)
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from typing import Any

from aiokafka import AIOKafkaConsumer
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.applier import Applier, DeadLetter
from libs.events.envelope import Envelope
from libs.events.outbox import OutboxRelay
from libs.events.store import EventStore
from libs.events.uow import SqlTransaction, SqlUnitOfWork

BUG_ITEM = "CHAOS-BUG"


def die(window: str) -> None:
    """SIGKILL this process: nothing after this line runs, nothing is flushed or closed."""
    print(f"fault: killed at {window}", file=sys.stderr, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def arm_relay_after_ack() -> None:
    record = OutboxRelay._record

    async def killed(self: OutboxRelay, sent: list[int], rejected: list[Any], *rest: Any) -> None:
        if sent:
            die(f"relay-after-ack ({len(sent)} rows acknowledged, unmarked)")
        await record(self, sent, rejected, *rest)

    OutboxRelay._record = killed  # type: ignore[method-assign]


def arm_offset_commit() -> None:
    commit = AIOKafkaConsumer.commit

    async def killed(self: AIOKafkaConsumer, offsets: Any = None) -> None:
        if str(self._group_id).endswith("supervision-cases"):
            die(f"offset-commit ({offsets})")
        await commit(self, offsets)

    AIOKafkaConsumer.commit = killed  # type: ignore[method-assign]


def arm_append(when: str) -> None:
    append = EventStore.append
    appended: list[str] = []

    async def noting(
        self: EventStore, conn: AsyncConnection, stream_id: str, *a: Any, **kw: Any
    ) -> Any:
        stored = await append(self, conn, stream_id, *a, **kw)
        appended.extend(e.type for e in stored if e.type == "onewindow.case.submitted.v1")
        return stored

    @contextlib.asynccontextmanager
    async def begin(self: SqlUnitOfWork[Any]) -> AsyncIterator[SqlTransaction[Any]]:
        async with self.engine.begin() as conn:
            yield self.on(conn)
            if appended and when == "before":
                die("append-before-commit")
        if appended and when == "after":
            die("append-after-commit")
        self.on_commit()

    EventStore.append = noting  # type: ignore[method-assign]
    SqlUnitOfWork.begin = begin  # type: ignore[method-assign]


def arm_schema_bug() -> None:
    load = Applier._load

    def strict(self: Applier, envelope: Envelope) -> Any:
        if self.name == "supervision-cases" and envelope.data.get("item_code") == BUG_ITEM:
            raise DeadLetter(f"{envelope.type} payload invalid: a schema defect ({BUG_ITEM})")
        return load(self, envelope)

    Applier._load = strict  # type: ignore[method-assign]


FAULTS = {
    "relay-after-ack": arm_relay_after_ack,
    "offset-commit": arm_offset_commit,
    "append-before-commit": lambda: arm_append("before"),
    "append-after-commit": lambda: arm_append("after"),
    "schema-bug": arm_schema_bug,
}


def main() -> None:
    """Arm the fault named first, then run uvicorn with the remaining arguments."""
    import uvicorn.main

    fault, *args = sys.argv[1:]
    FAULTS[fault]()
    sys.argv = ["uvicorn", *args]
    uvicorn.main.main()


if __name__ == "__main__":
    main()
