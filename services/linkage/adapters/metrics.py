"""Link gauges in prometheus-client's default registry (served with the others at /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

LABELS = ["node", "center", "direction"]
LINK_UP = Gauge("onewindow_link_up", "1 while the link is up (measured), else 0", LABELS)
LINK_BACKLOG = Gauge("onewindow_link_backlog", "Events not yet delivered over the link", LABELS)
LINK_OLDEST = Gauge(
    "onewindow_link_oldest_undelivered_seconds",
    "Age of the oldest event not yet delivered over the link",
    LABELS,
)
LINK_DOWN_ALERTS = Counter(
    "onewindow_link_down_alerts", "Alerts raised for a link down longer than allowed", LABELS
)
LINK_REFUSED = Counter(
    "onewindow_link_refused", "Events dead-lettered by a link's checks", ["node", "rule"]
)
