"""`GET /metrics` in the Prometheus text format, for every service.

Two kinds of figure: counters and histograms that code updates as things happen (HTTP
requests here, link gauges in linkage), kept in prometheus-client's default registry; and
gauges read at scrape time from the database and the consumers (outbox backlog and oldest age,
consumer lag per group, parked records and rejected rows, a service's own figures such as
lights by colour), kept per runtime so several services in one process never collide.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Response
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from libs.events.db import outbox, outbox_rejected, parked
from libs.events.instants import BeijingRoute

REQUESTS = Counter(
    "onewindow_http_requests", "HTTP requests answered", ["service", "method", "route", "status"]
)
# The relay's and the consumers' counters, labelled by consumer (group name without prefix).
DUPLICATES = Counter(
    "onewindow_consumer_duplicates",
    "Records skipped because their stream had applied them already",
    ["consumer"],
)
GAPS = Counter(
    "onewindow_consumer_gaps",
    "Records that arrived before an earlier event of their stream (not applied; retried)",
    ["consumer"],
)
PARKED = Counter(
    "onewindow_consumer_parked",
    "Records parked (handler gave up, invalid payload, unparseable, gap) or held behind them",
    ["consumer", "reason"],
)
REPLAYED = Counter(
    "onewindow_consumer_replayed",
    "Parked records re-applied (or found applied) by `onewindow dlq replay`",
    ["consumer"],
)
RELAY_REJECTED = Counter(
    "onewindow_outbox_rejected",
    "Outbox rows the producer refused outright, moved to outbox_rejected",
)
RELAY_PRUNED = Counter(
    "onewindow_outbox_pruned",
    "Sent outbox rows deleted after the retention period",
)
LATENCY = Histogram(
    "onewindow_http_request_duration_seconds",
    "Time to answer an HTTP request, by route",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


@dataclass(frozen=True)
class Sample:
    """One gauge value read at scrape time."""

    name: str
    help: str
    labels: dict[str, str]
    value: float


Sampler = Callable[[AsyncConnection], Awaitable[Sequence[Sample]]]


class ScrapedGauges:
    """A collector of the samples read at the last scrape (prometheus-client's collect is sync)."""

    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)

    def collect(self) -> Iterable[Metric]:
        """Group the samples by name into gauge families."""
        families: dict[str, GaugeMetricFamily] = {}
        for sample in self.samples:
            family = families.get(sample.name)
            if family is None:
                labels = sorted(sample.labels)
                family = GaugeMetricFamily(sample.name, sample.help, labels=labels)
                families[sample.name] = family
            family.add_metric([sample.labels[k] for k in sorted(sample.labels)], sample.value)
        return list(families.values())


async def store_samples(conn: AsyncConnection) -> list[Sample]:
    """Outbox backlog and the age of its oldest unsent row; parked records per consumer; rows
    the broker refused."""
    unsent = outbox.c.sent_at.is_(None)
    count, oldest = (
        await conn.execute(select(func.count(), func.min(outbox.c.created_at)).where(unsent))
    ).one()
    age = (datetime.now(UTC) - _aware(oldest)).total_seconds() if oldest else 0.0
    samples = [
        Sample("onewindow_outbox_backlog", "Outbox rows not yet published", {}, float(count)),
        Sample("onewindow_outbox_oldest_age_seconds", "Age of the oldest unpublished row", {}, age),
    ]
    open_parked = (
        select(parked.c.consumer, func.count())
        .where(parked.c.resolved_at.is_(None))
        .group_by(parked.c.consumer)
    )
    samples += [
        Sample("onewindow_parked", "Records parked, not yet replayed", {"group": c}, float(n))
        for c, n in await conn.execute(open_parked)
    ]
    rejected = (await conn.execute(select(func.count()).select_from(outbox_rejected))).scalar()
    samples.append(
        Sample(
            "onewindow_outbox_rejected_rows", "Rows the broker refused", {}, float(rejected or 0)
        )
    )
    return samples


async def consumer_lag(consumers: Iterable[Any]) -> list[Sample]:
    """Records on the broker not yet consumed, per group and partition (high water as of the
    last fetch)."""
    samples = []
    for consumer in consumers:
        client = consumer.consumer
        if client is None:
            continue
        for tp in client.assignment():
            high = client.highwater(tp)
            if high is None:
                continue
            position = await client.position(tp)
            labels = {"group": consumer.name, "topic": tp.topic, "partition": str(tp.partition)}
            lag = float(max(0, high - position))
            samples.append(Sample("onewindow_consumer_lag", "Records not consumed", labels, lag))
    return samples


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def metrics_router(scrape: Callable[[], Awaitable[ScrapedGauges]]) -> APIRouter:
    """`GET /metrics`: the default registry, then this runtime's gauges read now."""
    router = APIRouter(route_class=BeijingRoute, tags=["health"])

    @router.get("/metrics", response_class=Response)
    async def metrics() -> Response:
        """Prometheus text format."""
        gauges = await scrape()
        body = generate_latest(REGISTRY) + generate_latest(gauges.registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return router


class RequestMetrics:
    """ASGI middleware: count and time every HTTP request by its route template."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; record its status and duration when the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), ["500"]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = str(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope.get("method", "")
            REQUESTS.labels(self.service, method, route, status[0]).inc()
            LATENCY.labels(self.service, method, route).observe(time.perf_counter() - started)
