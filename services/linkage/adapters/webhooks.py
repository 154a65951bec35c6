"""Outgoing webhooks: a kept event as a CloudEvent in HTTP structured mode, signed per the
Standard Webhooks spec (`webhook-id`, `webhook-timestamp`, `webhook-signature`)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx
from cloudevents.core.bindings import http
from cloudevents.core.v1.event import CloudEvent
from standardwebhooks.webhooks import Webhook

from libs.events.clock import Clock
from libs.events.privacy import mask_personal_data
from services.linkage.application.ports import SubscriptionRow
from services.linkage.domain.delivery import Outcome, Queued

CONTENT_TYPE = "application/cloudevents+json"


def render(envelope: dict[str, Any], *, personal_data: bool) -> bytes:
    """The event as a structured-mode body; personal data masked unless the scope allows it."""
    data = envelope["data"] if personal_data else mask_personal_data(envelope["data"])
    event = CloudEvent(
        attributes={
            "id": envelope["id"],
            "type": envelope["type"],
            "source": envelope["source"],
            "subject": envelope["subject"],
            "time": datetime.fromisoformat(envelope["time"]),
            "datacontenttype": "application/json",
            "center": envelope["center"],
            "sequence": str(envelope["sequence"]),
            "traceparent": envelope["traceparent"],
        },
        data=data,
    )
    return http.to_structured_event(event).body


def sign(msg_id: str, body: bytes, secrets: Sequence[str], *, at: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers; one `v1,` signature per valid secret."""
    text = body.decode()
    signatures = " ".join(Webhook(s).sign(msg_id, at, text) for s in secrets)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
        "content-type": CONTENT_TYPE,
    }


async def post(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]
) -> Outcome:
    """POST once; any 2xx is a delivery, everything else (and no answer) a failure to retry."""
    started = time.perf_counter()
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        elapsed = (time.perf_counter() - started) * 1000
        return Outcome(False, None, f"{type(exc).__name__}: {exc}"[:500], elapsed)
    elapsed = (time.perf_counter() - started) * 1000
    if response.is_success:
        return Outcome(True, response.status_code, "", elapsed)
    return Outcome(False, response.status_code, f"HTTP {response.status_code}", elapsed)


async def send(
    delivery: Queued,
    envelope: dict[str, Any],
    sub: SubscriptionRow,
    keys: list[str],
    *,
    client: httpx.AsyncClient,
    clock: Clock,
) -> Outcome:
    """POST one delivery to the subscription's callback, signed with every valid key."""
    body = render(envelope, personal_data="personal_data" in sub.scopes)
    headers = sign(delivery.event_id, body, keys, at=clock.now())
    return await post(client, sub.callback_url, body, headers)
