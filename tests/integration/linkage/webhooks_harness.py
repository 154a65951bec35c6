"""What the webhook tests run: a feed of case events relayed to the broker as intake would
publish them, a real HTTP receiver on 127.0.0.1 that can be stopped or slowed, and linkage."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import uvicorn
from sqlalchemy import select

from examples.webhook_receiver import Receiver
from libs.events import contract as s
from libs.events.broker import free_port
from libs.events.clock import Clock
from libs.events.db import make_engine, migrate
from libs.events.kafka import KafkaSettings
from libs.events.outbox import OutboxRelay
from libs.events.registry import Event
from libs.events.runtime import Runtime
from libs.events.store import Append, EventStore
from services.linkage.adapters.webhook_tables import webhook_events
from services.linkage.config import Settings
from services.linkage.main import create
from tests.support.polling import eventually
from tests.support.services import bearer, serve, settings_for

ADMIN = bearer("admin", sub="admin-1", center="350500")
CENTERS = ("350500", "350521", "350521100")


def new_secret() -> str:
    """A Standard Webhooks secret."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def id_no(n: int) -> str:
    """A resident ID number of the n-th applicant."""
    return f"35052119900101{n:04d}"


def phone(n: int) -> str:
    """A mobile number of the n-th applicant."""
    return f"138{n:08d}"


def case_events(n: int, case_id: str) -> list[Event]:
    """Submitted, accepted, reviewed, decided: the four events of case `n`."""
    center, land = CENTERS[n % 3], n % 2 == 0
    department, item = ("GTJ", "GT-001") if land else ("ZJJ", "ZJ-001")
    now = datetime.now(UTC)
    common: dict[str, Any] = {"case_id": case_id, "center": center}
    numbers = {"case_no": f"{center}20261201{n:06d}", "item_code": item, "item_version": 1}
    kind: dict[str, Any] = {"department": department, "kind": "promised", "channel": "window"}
    applicant = s.Applicant(name="张三丰", id_type="resident", id_no=id_no(n), phone=phone(n))
    return [
        s.CaseSubmitted(
            **common,
            **numbers,
            **kind,
            item_name="建设用地审批",
            applicant=applicant,
            materials=["APP"],
            missing=[],
            submitted_at=now,
            legal_limit_days=20,
            promised_limit_days=10,
        ),
        s.CaseAccepted(
            **common,
            **numbers,
            **kind,
            accepted_at=now,
            limit_days=10,
            deadline=now + timedelta(days=14),
            due_day=date(2026, 12, 15),
        ),
        s.CaseReviewed(**common, reviewer="r-1", opinion="approve", comment=f"电话 {phone(n)}"),
        s.CaseDecided(
            **common,
            decision="approved",
            decided_by="a-1",
            department=department,
            decided_at=now,
        ),
    ]


class CaseFeed:
    """Case events in a store of their own, relayed to `<prefix>case-events`, interleaved."""

    def __init__(self, url: str, kafka: KafkaSettings) -> None:
        self.engine = make_engine(url)
        self.kafka = kafka
        self.store = EventStore(center="350500", service="intake", kafka=kafka)
        self.expected: dict[str, list[str]] = {}  # case id -> its event ids, in order
        self.types: dict[str, str] = {}  # event id -> type
        self.meta: dict[str, int] = {}  # case id -> n

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[CaseFeed]:
        """Migrate the store and relay its outbox until the block ends."""
        await migrate(self.engine)
        producer = self.kafka.producer()
        await producer.start()
        self.relay = OutboxRelay(self.engine, producer, interval=0.05)
        self.relay.start()
        try:
            yield self
        finally:
            await self.relay.stop()
            await producer.stop()
            await self.engine.dispose()

    async def cases(self, numbers: range) -> None:
        """Append every case's events, one round of events across all the cases at a time."""
        plans = {n: (f"case-{uuid.uuid4().hex[:10]}", n) for n in numbers}
        events = {n: case_events(n, case_id) for n, (case_id, _) in plans.items()}
        for step in range(4):
            appends = [
                Append(case_id, step, [events[n][step]], center=CENTERS[n % 3])
                for n, (case_id, _) in plans.items()
            ]
            async with self.engine.begin() as conn:  # one statement for all the cases
                stored = await self.store.append_many(conn, appends)
            for n, (case_id, _) in plans.items():
                [event] = stored[case_id]
                self.expected.setdefault(case_id, []).append(event.event_id)
                self.types[event.event_id] = event.type
                self.meta[case_id] = n
            self.relay.notify()

    def all_ids(self) -> set[str]:
        """Every event id appended so far."""
        return {e for ids in self.expected.values() for e in ids}


class ReceiverServer:
    """The example receiver served by uvicorn on 127.0.0.1; `stop` refuses connections,
    `delay` makes every request slow; it counts the requests in flight and when each came."""

    def __init__(self) -> None:
        self.handled: list[dict[str, Any]] = []
        self.receiver = Receiver([], self.handled.append)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhooks"
        self.delay = 0.0
        self.served = 0
        self.in_flight = self.most_in_flight = 0
        self.arrivals: list[float] = []  # loop time of each request
        self.app = self.receiver.app()
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def _asgi(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.arrivals.append(asyncio.get_running_loop().time())
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)  # the subscriber is slow, on purpose
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
        self.served += 1

    async def start(self) -> None:
        """Listen (again) on the same port."""
        config = uvicorn.Config(
            self._asgi,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            ws="none",
            interface="asgi3",
            timeout_graceful_shutdown=5,
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        server = self._server
        await eventually(lambda: _true(server.started))

    async def stop(self) -> None:
        """Stop listening: deliveries meet connection refused."""
        if self._server and self._task:
            self._server.should_exit = True
            await self._task
            self._server = self._task = None


async def _true(value: bool) -> bool:
    return value


@dataclass
class Linkage:
    """The running linkage service: its HTTP client and its runtime."""

    http: httpx.AsyncClient
    runtime: Runtime

    async def kept_order(self) -> list[str]:
        """The ids of the case events linkage keeps for replay, in its order."""
        async with self.runtime.engine.connect() as conn:
            rows = await conn.execute(
                select(webhook_events.c.event_id).order_by(webhook_events.c.position)
            )
            return list(rows.scalars())


class SkewedClock:
    """The system clock, moved forward on demand (for time-based rules, without waiting)."""

    def __init__(self) -> None:
        self.skew = timedelta()

    def now(self) -> datetime:
        """Now, plus every jump so far."""
        return datetime.now(UTC) + self.skew

    def jump(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self.skew += delta

    def back_to_now(self) -> None:
        """The system clock again (receivers refuse timestamps from the future)."""
        self.skew = timedelta()


@contextlib.asynccontextmanager
async def linkage(
    databases: Any, broker: Any, prefix: str, *, clock: Clock | None = None, **overrides: Any
) -> AsyncIterator[Linkage]:
    """Linkage on its own database, fast retry settings, connected to the broker."""
    values: dict[str, Any] = {
        "webhook_backoff_base_s": 0.05,
        "webhook_backoff_max_s": 0.5,
        "webhook_timeout_s": 5.0,
        "webhook_concurrency": 8,
        "webhook_rate_per_s": 500.0,
        "webhook_poll_interval_s": 0.05,
        "webhook_max_attempts": 10_000,  # nothing is dead-lettered unless a test says so
        **overrides,
    }
    settings = await settings_for(Settings, databases, broker, prefix=prefix, **values)
    app = create(settings, clock=clock)
    async with serve(lambda _: app, settings) as http:
        runtime = app.state.runtime
        await eventually(lambda: _true(len(runtime.consumers) == len(runtime.subscriptions)))
        yield Linkage(http, runtime)


async def subscribe(
    http: httpx.AsyncClient, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    """POST /v1/subscriptions; the answer (with its secret)."""
    response = await http.post("/v1/subscriptions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def counts_are(
    http: httpx.AsyncClient, sub_id: str, wanted: dict[str, int], headers: dict[str, str]
) -> dict[str, Any] | Missed:
    """The delivery log once its counts per status are `wanted` (recorded after the answer)."""
    response = await http.get(f"/v1/subscriptions/{sub_id}/deliveries?limit=1000", headers=headers)
    log: dict[str, Any] = response.json()
    return log if log["counts"] == wanted else Missed(log["counts"])


def in_order(handled: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each case's event ids in the order they were handled."""
    cases: dict[str, list[str]] = {}
    for event in handled:
        cases.setdefault(event["subject"], []).append(event["id"])
    return cases


class Missed:
    """A falsy probe result that still shows what was found (in `eventually`'s message)."""

    def __init__(self, found: Any) -> None:
        self.found = found

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"Missed({self.found!r})"
