"""`tick` and `rebuild`: supervision's light tick at growing numbers of open cases, and a rebuild
of its projection from an inbox of case events.

The open cases are written straight into `lights` (COPY): all but 1,000 change far in the
future; those 1,000 turn yellow now. A flat tick reads only those through the index on
`next_change_at`. The rebuild replays submitted -> accepted -> decided case events.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from bench.common import ROUNDS, database
from libs.events import contract as s
from libs.events.db import migrate
from services.supervision.adapters.rebuild import rebuild
from services.supervision.application.tick import tick
from services.supervision.bootstrap import MIGRATIONS, bootstrap
from services.supervision.config import Settings

CHANGING = 1_000
SCALE = os.environ.get("BENCH_SCALE", "")
CAP = {"small": 10_000, "full": 1_000_000, "": 1_000_000}.get(SCALE) or int(SCALE or 0)
SIZES = [n for n in (10_000, 100_000, 1_000_000) if n <= CAP] or [CAP]
# 200,000 by default, the million with `full`, 5,000 for a smoke run.
REBUILD_EVENTS = int(
    os.environ.get("BENCH_REBUILD_EVENTS")
    or {"small": 5_000, "full": 1_000_000}.get(SCALE, 200_000)
)
LIGHT_COLUMNS = (
    "case_id",
    "part",
    "center",
    "department",
    "stage",
    "deadline",
    "due_day",
    "provisional",
    "limit_days",
    "started_at",
    "kind",
    "pauses",
    "extension_days",
    "rungs",
    "color",
    "color_since",
    "next_change_at",
)


async def bench_tick() -> dict[str, Any]:
    """Tick at each size: three rounds, each with 1,000 lights due to turn yellow."""
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Shanghai
    async with database("tick") as url:
        sv = bootstrap(Settings(database_url=url, tick_interval_seconds=3600))
        await migrate(sv.runtime.engine, [MIGRATIONS])
        raw = await asyncpg.connect(url)
        figures: dict[str, Any] = {}
        present = 0
        for size in SIZES:
            await _copy_lights(raw, range(present, size - CHANGING), now, due=False)
            present = size - CHANGING
            await raw.execute("ANALYZE lights")
            timings = []
            for round_no in range(ROUNDS):
                await _copy_lights(raw, range(CHANGING), now, due=True, tag=f"{size}-{round_no}")
                started = time.perf_counter()
                ticked = await tick(sv, now=now)
                timings.append((time.perf_counter() - started) * 1000)
                assert ticked.cases == CHANGING, ticked
                await raw.execute("DELETE FROM lights WHERE case_id LIKE 'due-%'")
            figures[str(size)] = round(statistics.median(timings), 1)
        await raw.close()
        await sv.runtime.engine.dispose()
    return {
        "open_cases": SIZES,
        "changing": CHANGING,
        "tick_ms": figures,
        "supervision_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "scale": SCALE or "default",
    }


async def _copy_lights(
    raw: asyncpg.Connection, numbers: range, now: datetime, *, due: bool, tag: str = ""
) -> None:
    if not numbers:
        return
    # Due ones end within the hour (yellow now); the rest end in a month, next change in 10 days.
    deadline = now + (timedelta(hours=1) if due else timedelta(days=30))
    next_change = now - timedelta(seconds=1) if due else now + timedelta(days=10)
    started = now - timedelta(days=10)
    prefix = f"due-{tag}-" if due else "open-"
    records = [
        (
            f"{prefix}{n}",
            "",
            "350500",
            "SCJG",
            "approval",
            deadline,
            deadline.date(),
            False,
            10,
            started,
            "promised",
            "[]",
            0,
            "",
            "green",
            started,
            next_change,
        )
        for n in numbers
    ]
    await raw.copy_records_to_table("lights", records=records, columns=LIGHT_COLUMNS)


async def bench_rebuild() -> dict[str, Any]:
    """Rebuild once from `REBUILD_EVENTS` case events (a rebuild is minutes of work at scale)."""
    async with database("rebuild") as url:
        sv = bootstrap(Settings(database_url=url, tick_interval_seconds=3600))
        await migrate(sv.runtime.engine, [MIGRATIONS])
        raw = await asyncpg.connect(url)
        await _copy_inbox(raw, REBUILD_EVENTS)
        await raw.close()
        started = time.perf_counter()
        done = await rebuild(sv.runtime.engine, sv.runtime.store, escalate_after_days=2)
        seconds = time.perf_counter() - started
        await sv.runtime.engine.dispose()
    return {
        "events": done.case_events,
        "seconds": round(seconds, 2),
        "per_s": round(done.case_events / seconds),
    }


async def _copy_inbox(raw: asyncpg.Connection, count: int) -> None:
    """Cases of three events each: submitted, accepted (10 working days), decided."""
    at = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    records: list[tuple[Any, ...]] = []
    for n in range(count // 3 + 1):
        case_id = f"case-{n}"
        for sequence, event in enumerate(_case(case_id, n, at), start=1):
            records.append(
                (
                    str(uuid.uuid4()),
                    event.TYPE,
                    case_id,
                    "350500",
                    sequence,
                    at,
                    event.model_dump_json(),
                    at,
                )
            )
    columns = ("event_id", "type", "subject", "center", "sequence", "time", "data", "known_at")
    await raw.copy_records_to_table("supervision_inbox", records=records[:count], columns=columns)


def _case(case_id: str, n: int, at: datetime) -> list[Any]:
    common = {"case_id": case_id, "center": "350500"}
    item = {"case_no": f"C{n:08d}", "item_code": "SP-001", "item_version": 1, "department": "SCJG"}
    item |= {"kind": "promised", "channel": "window"}
    applicant = s.Applicant(name="张三", id_type="resident", id_no="11010519491231002X", phone="1")
    return [
        s.CaseSubmitted(
            **common,
            **item,
            item_name="食品经营许可",
            applicant=applicant,
            materials=["APP"],
            missing=[],
            submitted_at=at,
            legal_limit_days=20,
            promised_limit_days=10,
        ),
        s.CaseAccepted(
            **common,
            **item,
            accepted_at=at,
            limit_days=10,
            deadline=datetime(2026, 11, 16, 15, 59, 59, tzinfo=UTC),
            due_day=date(2026, 11, 16),
        ),
        s.CaseDecided(
            **common, decision="approved", decided_by="approver-1", department="SCJG", decided_at=at
        ),
    ]
