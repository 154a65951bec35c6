"""Every few seconds: the link gauges, and an alert for a link down longer than allowed."""

from __future__ import annotations

import asyncio
import uuid

from libs.events.contract import AnomalyDetected
from libs.events.uow import UnitOfWork
from services.linkage.adapters import metrics
from services.linkage.application.link_status import measured_links
from services.linkage.application.node import Node
from services.linkage.application.ports import LinkageViews
from services.linkage.domain.links import Measured, age_s, down_for, needs_alert, state_at

LINK_DOWN_RULE = "LinkDown"


async def watch_links_forever(*, uow: UnitOfWork[LinkageViews], node: Node) -> None:
    """Check the links until cancelled."""
    while True:
        await check_links(uow=uow, node=node)
        await asyncio.sleep(node.settings.link_check_seconds)


async def check_links(*, uow: UnitOfWork[LinkageViews], node: Node) -> None:
    """Update the gauges; raise the alert (once per down spell) on supervision-events."""
    now, s = node.now(), node.settings
    async with uow.begin() as tx:
        for link in await measured_links(tx.views, node):
            labels = (node.center, link.center, link.direction)
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
                version = await tx.events.version(stream)
                await tx.events.append(stream, version, [_alert(node, link)])
                await tx.views.links.alerted(link.center, at=now)
                metrics.LINK_DOWN_ALERTS.labels(*labels).inc()


def _alert(node: Node, link: Measured) -> AnomalyDetected:
    now = node.now()
    down = down_for(link, now, down_after=node.settings.link_down_after_seconds)
    return AnomalyDetected(
        anomaly_id=str(uuid.uuid4()),
        rule=LINK_DOWN_RULE,
        center=node.center,
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
