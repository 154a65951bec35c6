"""Outbox rows of what crosses a link: signed by this center, or republished plainly here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from libs.events.envelope import Envelope, to_message
from libs.events.kafka import KafkaSettings
from services.linkage.adapters.keys import LinkKeys
from services.linkage.domain.signing import FROM_HEADER, SIGNATURE_HEADER, signed_bytes

Row = dict[str, Any]


def signed_row(env: Envelope, *, topic: str, keys: LinkKeys) -> Row:
    """An outbox row carrying the event signed by this center."""
    key, headers, value = to_message(env)
    signature = keys.sign(signed_bytes(keys.center, key, headers, value))
    link = [(FROM_HEADER, keys.center.encode()), (SIGNATURE_HEADER, signature.encode())]
    return _row(env, topic, [*headers, *link], value)


def plain_row(env: Envelope, *, kafka: KafkaSettings) -> Row:
    """An outbox row republishing a received event on this node's own topic."""
    _, headers, value = to_message(env)
    return _row(env, kafka.topic_for(env.type), headers, value)


def _row(env: Envelope, topic: str, headers: list[tuple[str, bytes]], value: bytes) -> Row:
    return {
        "event_id": env.id,
        "topic": topic,
        "key": env.subject,
        "headers": [[name, raw.decode()] for name, raw in headers],
        "value": value,
        "created_at": datetime.now(UTC),
    }
