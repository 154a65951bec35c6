"""Prometheus metrics of webhook deliveries, on the default registry `/metrics` exposes."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

ATTEMPTS = Counter(
    "onewindow_webhook_attempts",
    "Webhook delivery attempts by outcome (delivered, failed, dead)",
    ["outcome"],
)
LATENCY = Histogram(
    "onewindow_webhook_attempt_seconds",
    "Time a subscriber took to answer one delivery attempt",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUEUED = Counter(
    "onewindow_webhook_queued", "Deliveries queued for subscribers by cause", ["cause"]
)

PRUNED = Counter(
    "onewindow_webhook_pruned",
    "Settled deliveries and kept events deleted after the retention period",
    ["what"],
)


def record_attempt(outcome: str, seconds: float) -> None:
    """Count one attempt and observe how long the subscriber took."""
    ATTEMPTS.labels(outcome=outcome).inc()
    LATENCY.observe(seconds)
