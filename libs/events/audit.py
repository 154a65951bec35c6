"""Tamper evidence: every stored event carries the hash of its stream predecessor.

`chain` computes an event's hash when it is appended; `verify` walks a store and reports every
event that was altered, removed or moved since (`onewindow audit verify`). Removing a stream's
newest events leaves a shorter valid chain: `heads_digest` condenses every stream's head into one
value to publish or keep elsewhere, and `verify(..., heads=...)` compares against such a record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.db import events

GENESIS = "0" * 64
CHUNK = 5_000


def chain(prev_hash: str, row: Mapping[str, Any]) -> str:
    """The hash of one event row: SHA-256 over its predecessor's hash and its own content."""
    return hashlib.sha256(f"{prev_hash}:{canonical(row)}".encode()).hexdigest()


def canonical(row: Mapping[str, Any]) -> str:
    """What an event's hash covers, as one canonical JSON text."""
    content = {
        "event_id": row["event_id"],
        "stream_id": row["stream_id"],
        "version": row["version"],
        "type": row["type"],
        "data": row["data"],
        "center": row["center"],
        "recorded_at": _utc(row["recorded_at"]).isoformat(),
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the store only writes UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class Finding:
    """One event that does not match the chain, and what is wrong with it."""

    stream_id: str
    version: int
    problem: str


@dataclass
class Report:
    """The outcome of a walk over the store."""

    events: int = 0
    streams: int = 0
    findings: list[Finding] = field(default_factory=list)
    heads: dict[str, str] = field(default_factory=dict)

    @property
    def intact(self) -> bool:
        """Whether nothing was found."""
        return not self.findings


def heads_digest(heads: Mapping[str, str]) -> str:
    """One value standing for the head (newest hash) of every stream."""
    joined = "\n".join(f"{stream} {head}" for stream, head in sorted(heads.items()))
    return hashlib.sha256(joined.encode()).hexdigest()


async def _rows(conn: AsyncConnection) -> AsyncIterator[Mapping[Any, Any]]:
    """Every event in (stream, version) order, a chunk at a time."""
    after: tuple[str, int] = ("", 0)
    order = (events.c.stream_id, events.c.version)
    while True:
        query = select(events).where(_after(after)).order_by(*order).limit(CHUNK)
        chunk: list[Mapping[Any, Any]] = [r._mapping for r in await conn.execute(query)]
        for row in chunk:
            yield row
        if len(chunk) < CHUNK:
            return
        after = (chunk[-1]["stream_id"], chunk[-1]["version"])


def _after(key: tuple[str, int]) -> Any:
    stream, version = key
    return (events.c.stream_id > stream) | (
        (events.c.stream_id == stream) & (events.c.version > version)
    )


async def verify(conn: AsyncConnection, *, heads: Mapping[str, str] | None = None) -> Report:
    """Walk the whole store; report altered, removed and reordered events."""
    report = Report()
    stream, expected_version, prev = "", 1, GENESIS
    async for row in _rows(conn):
        if row["stream_id"] != stream:
            stream, expected_version, prev = row["stream_id"], 1, GENESIS
            report.streams += 1
        report.events += 1
        for problem in _problems(row, expected_version, prev):
            report.findings.append(Finding(stream, row["version"], problem))
        expected_version, prev = row["version"] + 1, row["hash"]
        report.heads[stream] = row["hash"]
    for stream_id, head in (heads or {}).items():
        if report.heads.get(stream_id) != head:
            report.findings.append(Finding(stream_id, 0, "the stream's newest events are gone"))
    return report


def _problems(row: Mapping[str, Any], expected_version: int, prev: str) -> list[str]:
    problems = []
    if row["version"] != expected_version:
        problems.append(f"versions {expected_version}..{row['version'] - 1} are missing")
    if row["prev_hash"] != prev:
        problems.append("does not follow the event stored before it (removed or reordered)")
    if chain(row["prev_hash"], row) != row["hash"]:
        problems.append("its content was altered after it was stored")
    return problems
