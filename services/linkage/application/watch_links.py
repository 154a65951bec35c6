"""Every few seconds: the link gauges, and an alert for a link down longer than allowed."""

from __future__ import annotations

import asyncio
import uuid

from libs.events.contract import AnomalyDetected
from services.linkage.adapters import link_rows, metrics
from services.linkage.application.context import Linkage
from services.linkage.application.link_status import measured_links
from services.linkage.domain.links import Measured, age_s, down_for, needs_alert, state_at

LINK_DOWN_RULE = "LinkDown"


async def watch_links_forever(lk: Linkage) -> None:
    """Check the links until cancelled."""
    while True:
        await check_links(lk)
        await asyncio.sleep(lk.settings.link_check_seconds)


async def check_links(lk: Linkage) -> None:
    """Update the gauges; raise the alert (once per down spell) on supervision-events."""
    now, s = lk.now(), lk.settings
    async with lk.runtime.transaction() as conn:
        for link in await measured_links(conn, lk):
            labels = (lk.center, link.center, link.direction)
            up = state_at(link, now, down_after=s.link_down_after_seconds) == "up"
            metrics.LINK_UP.labels(*labels).set(1 if up else 0)
            metrics.LINK_BACKLOG.labels(*labels).set(link.backlog)
            metrics.LINK_OLDEST.labels(*labels).set(age_s(link.oldest_undelivered_at, now) or 0)
            if needs_alert(
                link,
                now,
                down_after=s.link_down_after_seconds,
                alert_after=s.link_alert_after_seconds,
            ):
                stream = f"link-{link.center}"
                version = await lk.runtime.store.version(conn, stream)
                await lk.runtime.store.append(conn, stream, version, [_alert(lk, link)])
                await link_rows.alerted(conn, link.center, at=now)
                metrics.LINK_DOWN_ALERTS.labels(*labels).inc()


def _alert(lk: Linkage, link: Measured) -> AnomalyDetected:
    now = lk.now()
    down = down_for(link, now, down_after=lk.settings.link_down_after_seconds)
    return AnomalyDetected(
        anomaly_id=str(uuid.uuid4()),
        rule=LINK_DOWN_RULE,
        center=lk.center,
        evidence={
            "link": link.center,
            "direction": link.direction,
            "down_seconds": f"{down:.0f}",
            "backlog": str(link.backlog),
            "last_contact_at": link.last_contact_at.isoformat() if link.last_contact_at else "",
            "last_error": link.last_error or "",
        },
        detected_at=now,
    )
