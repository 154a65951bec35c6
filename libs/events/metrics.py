"""Counters of the relay and the consumers, in prometheus-client's default registry.

`/metrics` (served elsewhere) exposes them with everything else in that registry; each is
labelled by the consumer (group name without prefix) or left unlabelled for the relay.
"""

from __future__ import annotations

from prometheus_client import Counter

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
