"""Linkage's views in memory: plain lists and dicts satisfying `application/ports.py`."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from libs.events.contract import subscriptions as i
from libs.events.envelope import Envelope
from libs.events.paging import page_in_memory
from services.linkage.application.ports import DeliveryRow, KeptEvent, SubscriptionRow
from services.linkage.domain.centers import within
from services.linkage.domain.delivery import Queued
from services.linkage.domain.links import LinkRow
from services.linkage.domain.subscriptions import Subscription


class FakeLinkViews:
    """Outbox rows, crossings and link rows as lists and dicts."""

    def __init__(self) -> None:
        self.up: list[dict[str, Any]] = []  # link_outbox
        self.here: list[dict[str, Any]] = []  # this node's outbox
        self.crossings: list[dict[str, Any]] = []
        self.rows: dict[str, LinkRow] = {}

    async def send_up(self, row: dict[str, Any]) -> None:
        self.up.append(row)

    async def send_here(self, row: dict[str, Any]) -> None:
        self.here.append(row)

    async def record_crossing(
        self, env: Envelope, *, direction: str, peer: str, destination: str
    ) -> None:
        self.crossings.append(
            {"env": env, "direction": direction, "peer": peer, "destination": destination}
        )

    async def minted(self, *, source: str, case_id: str) -> int:
        return sum(
            1
            for c in self.crossings
            if c["direction"] == "down"
            and c["env"].source == source
            and c["env"].subject == case_id
        )

    async def acknowledge(self, event_id: str, *, at: datetime) -> str | None:
        for c in self.crossings:
            if c["env"].id == event_id:
                c.setdefault("acknowledged_at", at)
                return str(c["peer"])
        return None

    def _update(self, center: str, direction: str, **values: Any) -> None:
        row = self.rows.get(center) or LinkRow(center=center, direction=direction)  # type: ignore[arg-type]
        self.rows[center] = dataclasses.replace(row, **values)

    async def received(self, center: str, direction: str, *, event_type: str, at: datetime) -> None:
        self._update(center, direction, last_delivery_at=at, last_contact_at=at)

    async def contact(self, center: str, direction: str, *, at: datetime) -> None:
        self._update(center, direction, last_contact_at=at, alerted_at=None)

    async def sent(self, center: str, direction: str, *, at: datetime) -> None:
        self._update(center, direction, last_sent_at=at)

    async def failed(self, center: str, direction: str, *, error: str, at: datetime) -> None:
        self._update(center, direction, last_error=error[:2000], last_error_at=at)

    async def alerted(self, center: str, *, at: datetime) -> None:
        self.rows[center] = dataclasses.replace(self.rows[center], alerted_at=at)

    async def all_links(self) -> list[LinkRow]:
        return [self.rows[c] for c in sorted(self.rows)]

    async def pending_up(self) -> tuple[int, datetime | None]:
        return len(self.up), min((r["created_at"] for r in self.up), default=None)

    async def last_sent_up(self) -> datetime | None:
        return None

    async def pending_down(self, child: str) -> tuple[int, datetime | None]:
        open_ = [c for c in self.crossings if c["peer"] == child and "acknowledged_at" not in c]
        return len(open_), None


class FakeSubscriptionViews:
    """Subscription rows and secrets in dicts."""

    def __init__(self) -> None:
        self.rows: dict[str, SubscriptionRow] = {}
        self.secrets: dict[str, dict[str, Any]] = {}  # by secret id

    async def project(self, sub: Subscription, *, created: bool, now: datetime) -> None:
        values: dict[str, Any] = {
            "owner": sub.owner,
            "center": sub.center,
            "callback_url": sub.callback_url,
            "filters": sub.filters,
            "scopes": list(sub.scopes),
            "status": sub.status,
            "version": sub.version,
            "failing_since": sub.failing_since,
        }
        if created:
            self.rows[sub.id] = SubscriptionRow(
                id=sub.id, created_at=now, failures=0, last_success_at=None, **values
            )
            return
        if sub.status == "active":
            values |= {"first_failure_at": None, "failures": 0}
        self.rows[sub.id] = dataclasses.replace(self.rows[sub.id], **values)

    async def row(self, subscription_id: str) -> SubscriptionRow | None:
        return self.rows.get(subscription_id)

    async def page(
        self, *, owner: str | None, center: str | None, cursor: str | None, limit: int
    ) -> list[SubscriptionRow]:
        rows = sorted(
            (
                r
                for r in self.rows.values()
                if r.status != "deleted"
                and (owner is None or r.owner == owner)
                and (center is None or within(r.center, center))
            ),
            key=lambda r: (r.created_at, r.id),
        )
        return page_in_memory(rows, lambda r: [r.created_at, r.id], cursor, limit=limit)

    async def live_filters(self) -> list[tuple[str, i.SubscriptionFilters]]:
        return [(r.id, r.filters) for r in self.rows.values() if r.status != "deleted"]

    async def add_secret(
        self, subscription_id: str, secret_id: str, secret: str, *, now: datetime
    ) -> None:
        self.secrets[secret_id] = {
            "subscription_id": subscription_id,
            "secret": secret,
            "created_at": now,
            "valid_until": None,
        }

    async def expire_secret(self, secret_id: str, *, at: datetime) -> None:
        self.secrets[secret_id]["valid_until"] = at

    async def signing_secrets(self, subscription_id: str, *, now: datetime) -> list[str]:
        mine = [s for s in self.secrets.values() if s["subscription_id"] == subscription_id]
        mine.sort(key=lambda s: s["created_at"], reverse=True)
        return [s["secret"] for s in mine if s["valid_until"] is None or s["valid_until"] > now]

    async def succeeded(
        self, subscription_id: str, *, now: datetime, stamp_before: datetime
    ) -> str | None:
        row = self.rows[subscription_id]
        self.rows[subscription_id] = dataclasses.replace(
            row, failures=0, first_failure_at=None, last_success_at=now
        )
        return row.status

    async def lengthen_streak(
        self, subscription_id: str, failed: int, *, now: datetime
    ) -> SubscriptionRow:
        row = self.rows[subscription_id]
        row = dataclasses.replace(
            row, failures=row.failures + failed, first_failure_at=row.first_failure_at or now
        )
        self.rows[subscription_id] = row
        return row

    async def lease(self, owner: str, *, now: datetime, until: datetime) -> set[str]:
        return {r.id for r in self.rows.values() if r.status != "deleted"}

    async def release(self, owner: str) -> None:
        return None


class FakeDeliveryViews:
    """Kept events and deliveries in lists."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.deliveries: list[dict[str, Any]] = []

    async def keep(self, row: dict[str, Any]) -> int:
        self.events.append({**row, "position": len(self.events) + 1})
        return len(self.events)

    async def earlier_facts(self, case_id: str) -> tuple[str, str] | None:
        found = [e for e in self.events if e["case_id"] == case_id and e["item"]]
        return (found[0]["department"], found[0]["item"]) if found else None

    async def queue(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            self.deliveries.append({**row, "id": len(self.deliveries) + 1})

    def of(self, subscription_id: str, status: str | None = None) -> list[dict[str, Any]]:
        """The deliveries of one subscription (in one status)."""
        return [
            d
            for d in self.deliveries
            if d["subscription_id"] == subscription_id and status in (None, d["status"])
        ]

    async def retry_now(self, subscription_id: str, *, now: datetime) -> None:
        for d in self.of(subscription_id, "pending"):
            d["next_attempt_at"] = now

    async def redeliver_dead(self, subscription_id: str, *, now: datetime) -> int:
        dead = self.of(subscription_id, "dead")
        for d in dead:
            d.update(status="pending", attempts=0, next_attempt_at=now, last_error=None)
        return len(dead)

    async def position_of(self, event_id: str) -> int | None:
        return next((e["position"] for e in self.events if e["event_id"] == event_id), None)

    async def kept(
        self, *, after: int | None, since: datetime | None, limit: int
    ) -> list[KeptEvent]:
        names = [f.name for f in dataclasses.fields(KeptEvent)]
        return [
            KeptEvent(**{n: e[n] for n in names})
            for e in self.events
            if (after is None or e["position"] > after) and (since is None or e["time"] >= since)
        ][:limit]

    async def log(
        self, subscription_id: str, *, status: str | None, limit: int
    ) -> list[DeliveryRow]:
        names = [f.name for f in dataclasses.fields(DeliveryRow)]
        rows = reversed(self.of(subscription_id, status))
        return [DeliveryRow(**{n: d.get(n) for n in names}) for d in rows][:limit]

    async def counts(self, subscription_id: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for d in self.of(subscription_id):
            counts[d["status"]] = counts.get(d["status"], 0) + 1
        return counts

    async def pending(self, subscription_id: str, *, limit: int) -> list[Queued]:
        names = [f.name for f in dataclasses.fields(Queued)]
        return [Queued(**{n: d[n] for n in names}) for d in self.of(subscription_id, "pending")]

    async def envelopes(self, positions: Sequence[int]) -> dict[int, dict[str, Any]]:
        return {e["position"]: e["envelope"] for e in self.events if e["position"] in positions}

    async def record_outcomes(self, rows: Sequence[dict[str, Any]]) -> None:
        by_id = {d["id"]: d for d in self.deliveries}
        for row in rows:
            by_id[row["b_id"]].update(
                status=row["b_status"],
                attempts=row["b_attempts"],
                next_attempt_at=row["b_next"],
                delivered_at=row["b_delivered_at"],
            )

    async def prune_deliveries(self, *, cutoff: datetime, chunk: int) -> int:
        return 0

    async def prune_events(self, *, cutoff: datetime, chunk: int) -> int:
        return 0


class FakeLinkageViews:
    """Every linkage view in memory."""

    def __init__(self) -> None:
        self.links = FakeLinkViews()
        self.subscriptions = FakeSubscriptionViews()
        self.deliveries = FakeDeliveryViews()
