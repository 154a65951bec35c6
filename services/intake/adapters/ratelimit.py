"""Failed public look-ups counted per key in a sliding window, against guessing query codes."""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime, timedelta

from libs.events.clock import Clock

MAX_KEYS = 100_000  # beyond this many tracked keys, forget the expired ones first


class FailureLimiter:
    """Blocks a key after `limit` failures within `window`; in memory, per process."""

    def __init__(self, *, limit: int, window: timedelta, clock: Clock) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[datetime]] = {}

    def _recent(self, key: str) -> deque[datetime]:
        failures = self._failures.get(key)
        if failures is None:
            return deque()
        horizon = self.clock.now() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            del self._failures[key]
        return failures

    def blocked(self, key: str) -> bool:
        """Whether the key used up its failures in the current window."""
        return len(self._recent(key)) >= self.limit

    def retry_after(self, key: str) -> int:
        """Seconds until the oldest counted failure leaves the window."""
        failures = self._recent(key)
        if not failures:
            return 0
        left = failures[0] + self.window - self.clock.now()
        return max(1, math.ceil(left.total_seconds()))

    def fail(self, key: str) -> None:
        """Count one failure for the key."""
        if len(self._failures) >= MAX_KEYS:
            for stale in list(self._failures):
                self._recent(stale)
        self._recent(key)
        self._failures.setdefault(key, deque()).append(self.clock.now())


class LookupGuard:
    """Failed look-ups limited per client and case number, and per client overall."""

    def __init__(self, *, per_case: int, per_client: int, window: timedelta, clock: Clock) -> None:
        self.cases = FailureLimiter(limit=per_case, window=window, clock=clock)
        self.clients = FailureLimiter(limit=per_client, window=window, clock=clock)

    def wait(self, client: str, case_no: str) -> int:
        """Seconds the client must wait before looking this case up again; 0 when it may now."""
        waits = [
            limiter.retry_after(key)
            for limiter, key in ((self.cases, f"{client}|{case_no}"), (self.clients, client))
            if limiter.blocked(key)
        ]
        return max(waits, default=0)

    def fail(self, client: str, case_no: str) -> None:
        """Count a wrong case number or query code."""
        self.cases.fail(f"{client}|{case_no}")
        self.clients.fail(client)
