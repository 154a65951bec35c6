"""How deliveries are paced: back-off with jitter, and which queued ones may go next."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: delivered (2xx) or not, and why."""

    delivered: bool
    status: int | None
    error: str
    latency_ms: float


@dataclass(frozen=True)
class Queued:
    """A pending delivery as the worker reads it."""

    id: int
    subscription_id: str
    position: int
    event_id: str
    case_id: str
    attempts: int
    next_attempt_at: datetime


def backoff_s(
    attempt: int, *, base: float, cap: float, rand: Callable[[], float] = random.random
) -> float:
    """Seconds before attempt `attempt + 1`: exponential, capped, half of it jittered so that
    the retries of many deliveries spread out instead of arriving together."""
    ceiling = min(cap, base * 2.0 ** max(attempt - 1, 0))
    return float(ceiling / 2 + rand() * ceiling / 2)


def next_up(
    queued: Sequence[Any], *, busy_cases: Collection[str], now: datetime, slots: int
) -> list[Any]:
    """The oldest queued delivery of each case, if it is due and its case has none in flight:
    a case's deliveries go one after the other, in order; different cases go side by side."""
    chosen: list[Any] = []
    seen: set[str] = set()
    for row in queued:  # oldest first
        if len(chosen) >= slots:
            break
        if row.case_id in seen:
            continue
        seen.add(row.case_id)
        if row.case_id not in busy_cases and row.next_attempt_at <= now:
            chosen.append(row)
    return chosen
